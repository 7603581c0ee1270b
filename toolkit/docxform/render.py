"""Blank and pre-filled annex forms rendered from the docxtpl templates.

I/O stays here: the template is read (once per process), images are read from
disk, and the result is written atomically.  The zip is rewritten with fixed
timestamps and core properties, so the same input gives the same bytes.
"""
from __future__ import annotations

from functools import lru_cache
from io import BytesIO
from pathlib import Path

from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from ..datafile import write_atomic
from ..errors import InputError, ResourceMissing
from ..model import annex as get_annex
from ..resources import template_path
from . import context, ooxml
from .build import template_name

PHOTO_WIDTH = Mm(115)


@lru_cache(maxsize=None)
def _template(number: int) -> bytes:
    path = template_path(template_name(number))
    try:
        return path.read_bytes()
    except OSError as e:
        raise ResourceMissing(f"无法读取模板文件（{e.strerror}）。请重新安装 qhsme。", file=str(path))


def _annex(number: int):
    try:
        return get_annex(int(number))
    except (KeyError, ValueError, TypeError):
        raise InputError(f"没有附件{number}（附件编号为1至7）")


def render(number: int, data: dict | None = None, *, base_dir: Path | None = None,
           rows: dict[str, int] | None = None) -> bytes:
    """The .docx of annex ``number``: blank when ``data`` has no part for it (``rows``: its
    tables' row counts by table id, ``toolkit.forms.blank_rows``; None: the download defaults)."""
    annex = _annex(number)
    part = (data or {}).get(annex.id)
    if part is not None and not isinstance(part, dict):
        raise InputError(f"{annex.name}的数据应为键值表，实际为{type(part).__name__}")
    tpl = DocxTemplate(BytesIO(_template(annex.number)))

    def image(path):
        return _image(tpl, path, base_dir, annex.name)

    ctx = context.build(annex, part, blank=not part, image=image, rows=rows)
    tpl.render(ctx, autoescape=True)
    buf = BytesIO()
    tpl.save(buf)
    core = ooxml.core_properties(annex.title).encode("utf-8")
    return ooxml.normalize_zip(buf.getvalue(), {"docProps/core.xml": core})


def _image(tpl: DocxTemplate, path, base_dir: Path | None, where: str):
    p = Path(str(path))
    if not p.is_absolute() and base_dir is not None:
        p = Path(base_dir) / p
    if not p.is_file():
        raise InputError(f"{where}的照片文件不存在：{path}；请检查路径（相对路径按数据文件所在目录计算）",
                         file=str(p))
    try:
        Image.from_file(str(p))     # read it now, so a bad file is reported here
    except (UnrecognizedImageError, OSError, ValueError):
        raise InputError(f"{where}的照片不是可识别的图片（请使用JPG或PNG）", file=str(p))
    return InlineImage(tpl, str(p), width=PHOTO_WIDTH)


def write_blank(annex_number: int, path, rows: dict[str, int] | None = None) -> None:
    """Write the blank fillable form of annex ``annex_number`` (1-7) to ``path`` (``rows`` as
    ``render``)."""
    write_atomic(Path(path), render(annex_number, rows=rows))


def write_filled(annex_number: int, data: dict, path, base_dir: Path | None = None) -> None:
    """Write annex ``annex_number`` pre-filled from a validated application ``data``
    (the whole dict: ``data["annex3"]`` is used); relative photo paths of 附件2
    are resolved against ``base_dir``.  Without ``data["annexN"]`` the blank form."""
    if not isinstance(data, dict):
        raise InputError("申报数据应为键值表（annex1: …）")
    write_atomic(Path(path), render(annex_number, data, base_dir=base_dir))
