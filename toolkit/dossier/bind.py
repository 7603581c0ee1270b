"""Bind a dossier: cover, contents, the items in the regulation's order, page numbers.

The pages we author (the cover, the contents, the declaration and any placeholder) are
drawn directly (``authored``).  ``assemble`` makes a new A4 page for each page of the
dossier: an authored page's content, or an attachment page drawn into the content area
(``pages.place``), inside the margins.  The page sequence (``sequence``) is known before
anything is drawn, so the contents page shows the real numbers; the footer 第 N 页 共 M 页
and the 正本/副本 mark are stamped on every page alike (``stamp``), and the outline and the
contents' links point at the final pages.  The result is PDF/A-2b
(``toolkit.pdfmeta.make_pdfa``) when every attachment embeds its fonts.
"""
from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

from ..datafile import load
from ..errors import DataProblems, InputError
from ..model.naming import PROP_DOSSIER
from ..problems import WARNING, Problem
from ..validate import validate
from .authored import KIND_TITLES, Drawn, Slot, content_box, render, texts
from .glyphs import Glyphs
from .items import Item
from .manifest import Manifest, load_manifest
from .pages import A4, Source, open_attachment, placement
from .stamp import stamp_ops

MARKS = ("正本", "副本")


@dataclass
class FilePart:
    key: str
    title: str
    anchor: str
    source: Source
    first_of_part: bool

    @property
    def pages(self) -> int:
        return self.source.page_count


@dataclass
class Part:
    item: Item
    anchor: str
    authored: str | None = None             # "statement" or "placeholder": a page we draw
    files: list[FilePart] = field(default_factory=list)
    missing: bool = False
    problems: list[Problem] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.item.label


@dataclass
class Bound:
    """What ``bind`` wrote, and where each item's pages are."""

    outputs: list[Path]
    page_count: int
    ranges: dict[int, tuple[int, int]]          # item number -> (first, last) page, 1-based
    missing: list[Item]
    package: Path | None = None
    problems: list[Problem] = field(default_factory=list)   # 提示: what keeps it from PDF/A-2b


def plan(manifest: Manifest, data: dict) -> tuple[list[Part], list[Item], list]:
    """The parts in order; which items are missing; sources to close afterwards."""
    parts: list[Part] = []
    missing: list[Item] = []
    opened: list = []
    for item in manifest.items:
        part = Part(item, f"item-{item.number}")
        files = manifest.files.get(item.number, [])
        if files:
            for i, path in enumerate(files, 1):
                src = open_attachment(path, item.label)
                opened.append(src.pdf)
                part.problems += _archival_problems(src, item)
                part.files.append(FilePart(f"{item.number}-{i}", manifest.title(path),
                                           f"item-{item.number}-{i}", src, i == 1))
        elif item.annex and f"annex{item.annex}" in data:
            # photo paths in the data are relative to the data file, wherever the manifest is
            src = _annex_source(item, data, manifest.data_path.parent if manifest.data_path
                                else manifest.base_dir)
            opened.append(src.pdf)
            part.files.append(FilePart(f"{item.number}-1", item.title, f"item-{item.number}-1", src, True))
        elif item.generated:
            part.authored = "statement"
        else:
            missing.append(item)
            part.missing = True
            part.authored = "placeholder"
        parts.append(part)
    return parts, missing, opened


def _archival_problems(src: Source, item: Item) -> list[Problem]:
    """An attachment whose fonts are not embedded keeps the dossier from PDF/A-2b (the
    archive's electronic version): said, with what to do; the dossier is still bound."""
    from ..pdfmeta import cmyk_images, unembedded_fonts
    out = []
    if cmyk_images(src.pdf):
        out.append(Problem(f"{item.label} 的文件含CMYK（印刷色）图像，装订本不能标记为PDF/A-2b存档格式",
                           fix="请将扫描件另存为RGB或灰度（如在图片软件中转换颜色模式）后重新提供",
                           severity=WARNING, file=str(src.path)))
    names = [] if src.from_image else unembedded_fonts(src.pdf)     # a scan: an image, no fonts
    if names:
        out.append(Problem(f"{item.label} 的PDF未嵌入字体（{'、'.join(names[:5])}），装订本不能标记为PDF/A-2b存档格式",
                           fix="请在导出PDF时选择“嵌入字体”或“符合PDF/A”后重新提供该文件",
                           severity=WARNING, file=str(src.path)))
    return out


def _annex_source(item: Item, data: dict, base_dir: Path) -> Source:
    """An annex of the data as a flattened print PDF, kept in memory."""
    from ..pdfform import render_filled
    body = render_filled(item.annex, data, base_dir=base_dir, flatten=True)
    return Source(Path(f"annex{item.annex}.pdf"), pikepdf.open(io.BytesIO(body)))


def cover_info(data: dict, manifest: Manifest) -> dict:
    a1 = data.get("annex1") or data.get("annex7") or {}
    a6 = data.get("annex6") or {}
    date = manifest.date or a1.get("fill_date") or a6.get("fill_date") or dt.date.today().isoformat()
    try:
        y, m, d = (int(x) for x in str(date)[:10].split("-"))
        date_text = f"{y}年{m}月{d}日"
    except ValueError:
        date_text = str(date)
    return {"unit": a1.get("unit_name") or a6.get("bureau") or "", "platform": a1.get("platform_name"),
            "city": a1.get("city"), "date": date_text, "legal_rep": a1.get("legal_rep")}


def assemble(drawn: list[Drawn], slots: list[Slot], starts: dict, parts: list[Part], duplex: bool,
             mark: str | None, g: Glyphs) -> pikepdf.Pdf:
    """A new A4 page for each slot: an authored page, an attachment page placed in the
    margins, or a blank; every page stamped, the contents' links and the outline pointing
    at the final pages.  The cover shows the mark itself, large, so it is not stamped there."""
    pdf = pikepdf.new()
    fonts = pdf.make_indirect(g.resources(pdf))       # one /Font dictionary shared by every page
    total = len(slots)
    for i, slot in enumerate(slots):
        box = content_box(i, duplex)
        res = pikepdf.Dictionary(Font=fonts)
        body = b""
        if slot.authored is not None:
            body = drawn[slot.authored].ops
        elif slot.file is not None:
            xobj, body = placement(pdf, slot.file.source.pdf.pages[slot.n], box)
            res.XObject = pikepdf.Dictionary(Att0=xobj)
        body += stamp_ops(g, i + 1, total, None if i == 0 else mark, box)
        pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
            Type=pikepdf.Name.Page, MediaBox=[0, 0, A4[0], A4[1]], Resources=res,
            Contents=pdf.make_stream(body))))
    for slot_index, slot in enumerate(slots):
        if slot.authored is None:
            continue
        for target, rect in drawn[slot.authored].links:
            if target not in starts:
                continue
            page = pdf.pages[slot_index]
            annot = pdf.make_indirect(pikepdf.Dictionary(
                Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, F=4, Border=[0, 0, 0],
                Rect=[round(v, 2) for v in rect], Dest=[pdf.pages[starts[target]].obj, pikepdf.Name.Fit]))
            if "/Annots" not in page.obj:
                page.obj.Annots = pikepdf.Array()
            page.obj.Annots.append(annot)
    g.embed(pdf)
    _outline(pdf, parts, starts)
    return pdf


def _outline(pdf: pikepdf.Pdf, parts: list[Part], starts: dict) -> None:
    with pdf.open_outline() as outline:
        for part in parts:
            top = pikepdf.OutlineItem(part.label, starts[part.anchor], "Fit")
            if len(part.files) > 1:
                top.children += [pikepdf.OutlineItem(f.title, starts[f.anchor], "Fit") for f in part.files]
            top.is_closed = True
            outline.root.append(top)


def item_ranges(anchors: dict, parts: list[Part], total: int) -> dict[int, tuple[int, int]]:
    starts = [(anchors[p.anchor], p.item.number) for p in parts]
    out = {}
    for i, (start, number) in enumerate(starts):
        end = starts[i + 1][0] - 1 if i + 1 < len(starts) else total - 1
        out[number] = (start + 1, end + 1)
    return out


def bind(manifest_path, out_dir, copies: int = 2, duplex: bool = False, draft: bool = False,
         package: bool = False) -> Bound:
    manifest = load_manifest(manifest_path)
    if manifest.data_path is None:
        raise InputError("清单中没有 data（申报数据文件）", file=str(manifest_path))
    checked = validate(load(manifest.data_path))
    if not checked.ok:
        for p in checked.problems:
            p.file = str(manifest.data_path)
        raise DataProblems(checked.problems, file=str(manifest.data_path))
    data = checked.data
    if manifest.kind == "review" and "annex7" not in data and "annex1" in data:
        from ..bureau.review import review_data       # 附件7 is annex 1's content for a 复核单位
        data = review_data(data, dt.date.fromisoformat(manifest.date) if manifest.date else dt.date.today())
    if not 1 <= copies <= 2:
        raise InputError("--copies 只能为1或2（正本、副本）")
    parts, missing, opened = plan(manifest, data)
    if missing and not draft:
        for src in opened:
            src.close()
        raise DataProblems([Problem(f"缺少第九条规定的材料：{it.label}", fix="请在清单 items 中提供该项文件，"
                                    "或加 --draft 先装订草稿（缺项以占位页代替）")
                            for it in missing], file=str(manifest_path))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    cover = cover_info(data, manifest)
    ident = dossier_id(manifest.kind, data)
    base = KIND_TITLES[manifest.kind].lstrip("（半）") if manifest.kind != "report" else "总结报告材料"
    outputs: list[Path] = []
    ranges: dict = {}
    total = 0
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".qhsme-") as tmp:
        staged = []
        for mark in MARKS[:copies]:
            shown = mark if copies > 1 else None
            g = Glyphs(texts(parts, cover, manifest.kind, shown))
            drawn, slots, starts = render(parts, cover, manifest.kind, shown, duplex, g)
            pdf = assemble(drawn, slots, starts, parts, duplex, shown, g)
            total = len(pdf.pages)
            ranges = item_ranges(starts, parts, total)
            name = f"{base}（{mark}）.pdf" if copies > 1 else f"{base}.pdf"
            target = Path(tmp) / name
            dedupe_fonts(pdf)
            _finish(pdf, cover, manifest.kind)
            pdf.docinfo["/" + PROP_DOSSIER] = dossier_info(manifest.kind, parts, ranges, ident)
            pdf.save(target, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
            pdf.close()
            staged.append(target)
        pkg = None
        if package:
            from .package import write_package
            pkg = write_package(Path(tmp), staged[0], ranges, parts, data, base, manifest.kind, ident)
            staged.append(pkg)
        for src in opened:
            src.close()
        for p in staged:
            final = out_dir / p.name
            os.replace(p, final)
            outputs.append(final)
    return Bound(outputs, total, ranges, missing, outputs[-1] if package else None,
                 [p for part in parts for p in part.problems])


def dossier_id(kind: str, data: dict) -> str:
    """The same for every copy of one dossier and the pieces cut from it."""
    import hashlib
    import json
    blob = json.dumps([kind, data], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def dossier_info(kind: str, parts: list[Part], ranges: dict, ident: str, item: int | None = None) -> str:
    """What a bound dossier (or, with ``item``, one item cut from it) holds, for the parser:
    each item's pages in this file, its annex number (None: not a form), and whether it is a
    placeholder for a missing item.  JSON in the document info (``PROP_DOSSIER``)."""
    import json
    first = ranges[item][0] - 1 if item is not None else 0
    items = {str(p.item.number): {"pages": [ranges[p.item.number][0] - first, ranges[p.item.number][1] - first],
                                  "annex": p.item.annex, "missing": p.missing, "label": p.item.label}
             for p in parts if item is None or p.item.number == item}
    return json.dumps({"kind": kind, "id": ident, "whole": item is None, "items": items},
                      ensure_ascii=False, separators=(",", ":"))


def dedupe_fonts(pdf: pikepdf.Pdf) -> int:
    """Point every font descriptor at one copy of each identical font program.

    Each annex PDF embeds the same field font whole; merged, the dossier
    would carry it once per annex.  Returns how many copies were dropped."""
    import hashlib
    seen: dict[bytes, pikepdf.Object] = {}
    dropped = 0
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") != pikepdf.Name.FontDescriptor:
            continue
        for key in ("/FontFile", "/FontFile2", "/FontFile3"):
            stream = obj.get(key)
            if stream is None:
                continue
            digest = hashlib.sha256(stream.read_raw_bytes()).digest()
            if digest in seen and seen[digest].objgen != stream.objgen:
                obj[key] = seen[digest]
                dropped += 1
            else:
                seen.setdefault(digest, stream)
    return dropped


def dossier_title(cover: dict, kind: str) -> str:
    return f"{cover['unit']} {KIND_TITLES[kind]}"


def _finish(pdf: pikepdf.Pdf, cover: dict, kind: str) -> None:
    from ..pdfmeta import make_pdfa
    make_pdfa(pdf, dossier_title(cover, kind))
    pdf.Root.PageLayout = pikepdf.Name.TwoPageRight
    pdf.Root.PageMode = pikepdf.Name.UseOutlines
