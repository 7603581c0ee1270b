"""Values of a drawn form: a PDF without fields (our form printed or flattened, the Word form
exported by Word, WPS or LibreOffice, a re-print through ghostscript or MuPDF): only drawn
text and rules.

The page is read as geometry (``drawn``), never by cropping the template's field boxes:

1. ``drawn.pdf_source``: the glyphs and rules of each page, turned upright (a page with
   ``/Rotate`` or rotated content reads like the original).
2. ``drawn.identify``: the annex is decided from its printed title, never from the file name.
3. Our own print (``drawn.ours``, recognised by its labelled words in order): scale and
   offset are fitted from the printed annex number and title, and the values are the drawn
   text between the printed words of ``pdfform.layout``.
4. Any other layout (``drawn.grid``): each label of the model is found as a ruled cell and
   its value is the cell beside or below it; tables are read under the model's headers.

What cannot be read is reported on the file, and whatever was read is kept.  Photos of
annex 2 are not read: a print does not carry the image files' paths.
"""
from __future__ import annotations

import re

from ..problems import WARNING
from .drawn.identify import apply_fit, fit, landmarks, our_layout, reference, which_annexes
from .drawn.pdf_source import has_images, open_pages, plumber_page
from .drawn.read import MANUAL
from .values import ParsedFile

__all__ = ["read_flat", "read_drawn", "read_pages", "reference"]

_CID = re.compile(r"^\(cid:\d+\)$")
_plumber_page = plumber_page            # the tests compare it with ``pdf_draw``


def read_flat(pdf, file: str, first_page: int = 1) -> ParsedFile:
    """Values of a drawn form (``pdf``: opened with pikepdf); problems say what could not be
    read.  ``first_page``: the number of the first page (pages cut from a bound dossier keep
    theirs).  A scan (image-only PDF): its first annex, see ``read_flat_parts``."""
    return read_flat_parts(pdf, file, first_page)[0]


def read_flat_parts(pdf, file: str, first_page: int = 1) -> list[ParsedFile]:
    """``read_flat``; a scanned PDF (images only, or images under an OCR program's invisible
    text) is read by our own OCR (``scan.read``), one result per annex its pages print."""
    pf = ParsedFile(file=file, kind="pdf-flat")
    try:
        pages = open_pages(pdf, file, first_page)
    except Exception as e:
        pf.problem(f"无法读取PDF中的文字（{type(e).__name__}），{MANUAL}", fix="请提交本工具表格填写后保存的PDF")
        return [pf]
    glyphs = [g for p in pages for g in p.glyphs]
    if len(glyphs) < 5 and has_images(pdf) or _scanned(pdf, pages):
        from .scan.read import read_scan
        layer = len(glyphs) >= 5 or sum(p.hidden for p in pages) >= 5
        return read_scan(pdf, file, first_page, why="带识别文字层的图片PDF" if layer else "图片PDF")
    return [_read_flat(pdf, pf, pages, glyphs)]


def _scanned(pdf, pages) -> bool:
    """Every page an image with no drawn rule: a scan, also under an OCR program's text
    layer (ocrmypdf), which is not trusted: the image is read by our own OCR."""
    try:
        return bool(pages) and all(len(page.get_images()) and not (p.hrules or p.vrules or p.rects)
                                   for page, p in zip(pdf.pages, pages))
    except Exception:            # an unusual resource tree: not taken for a scan
        return False


def _read_flat(pdf, pf: ParsedFile, pages, glyphs) -> ParsedFile:
    if len(glyphs) < 5:
        if sum(p.hidden for p in pages) >= 5:
            pf.problem(f"PDF是扫描件，文字只是识别（OCR）出的隐藏文字层，不能可靠读取，{MANUAL}",
                       fix="请提交本工具表格填写后保存（或打印成）的PDF")
        elif any(p.marks or p.rects for p in pages) or has_images(pdf):
            pf.problem(f"PDF是扫描件或图片，没有可读取的文字，{MANUAL}", fix="请提交本工具表格填写后保存（或打印成）的PDF")
        else:
            pf.problem(f"PDF中没有文字，{MANUAL}", fix="请提交本工具表格填写后保存的PDF")
        return pf
    cid = sum(1 for g in glyphs if _CID.match(g.text))
    if cid / len(glyphs) > 0.2:
        pf.problem(f"PDF的字体没有字符映射（ToUnicode），文字无法可靠读取，{MANUAL}",
                   fix="请用本工具表格填写后直接保存PDF，不要“打印为PDF”或转换字体")
        return pf
    from .pdf_form import annex_from_info
    return read_drawn(pages, pf, annex_from_info(pdf))


def read_drawn(pages, pf: ParsedFile, said: str | None = None) -> ParsedFile:
    """The annex on ``pages`` (``PageGeo`` from any source: a PDF's drawing, a scan's OCR)
    decided from its printed title, and its values, into ``pf``.  ``said``: the annex the
    file's own information names (a disagreement is pointed out)."""
    glyphs = [g for p in pages for g in p.glyphs]
    annexes = which_annexes(pages)
    annex = annexes[0] if annexes else None
    if len(annexes) > 1:
        pf.problem(f"同一个PDF中有多个附件（{'、'.join(a.name for a in annexes)}），只读取了{annex.name}",
                   fix="请每个附件单独提交一个文件")
    if annex is None and len(glyphs) >= 50 and sum(1 for g in glyphs if g.text.isalnum()) < 0.6 * len(glyphs):
        pf.problem(f"PDF中的文字编码已丢失（复制出的是乱码，常见于转换或重新打印后的PDF），无法读取，{MANUAL}",
                   fix="请提交从Word/WPS直接另存（输出）的PDF，或本工具表格填写后保存的PDF")
        return pf
    if annex is None:
        pf.problem("无法判断这是哪个附件：页面上找不到附件的标题（不是本工具生成的表格）",
                   fix="请使用 fillable/ 中下载的表格填写")
        return pf
    pf.annex = annex.id
    if said and said != annex.id:
        pf.problem(f"文件信息标注为{said}，但页面标题是{annex.name}；已按页面标题读取", severity=WARNING,
                   fix="请确认提交的是正确的附件")
    read_pages(annex, pages, pf)         # nothing read: parse.said() reports 空白表格
    return pf


def read_pages(annex, pages, pf: ParsedFile) -> str:
    """The values of ``annex`` drawn on ``pages`` (``PageGeo``, whatever drew them) into ``pf``:
    our own print (its labelled words in order, its number and title where our blank prints
    them) by the fast path, any other layout by the ruled cells of the model's labels.
    Returns which: "ours" or "grid"."""
    from .drawn.ours import Reader
    obs, ref = landmarks(pages, annex), reference(annex.number)
    fitted = fit(obs, ref) if obs is not None else None
    ours = Reader(annex, pages, pf) if fitted is not None and our_layout(obs, ref, fitted) else None
    if ours is not None and ours.recognised():
        s, dx, dy = fitted
        if not 0.2 < s < 5:
            pf.problem(f"{annex.name}：页面比例异常（{s:.2f}），{MANUAL}")
            return "ours"
        apply_fit(pages, s, dx, dy)
        ours.read()
        return "ours"
    from .drawn.grid import GridReader
    GridReader(annex, pages, pf).read()
    return "grid"
