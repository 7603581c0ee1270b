"""Returned submissions back into application data.

``parse_paths(paths)`` reads one application's returned annexes (PDF or DOCX,
any filler), decides each file's annex from the file itself, and returns the
validated data, where every value came from, and every problem by file.
A file that cannot be read is reported and the others are still parsed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..problems import Problem
from ..validate import Validated
from .assemble import assemble
from .sniff import CONVERTIBLE, DOCX, IMAGE, PDF, SPREADSHEETS, XLSX, ZIP, sniff
from .values import ParsedFile, Value, ocr_marks

__all__ = ["parse_file", "parse_files", "parse_paths", "ParsedFile", "Value", "ParseResult"]

SUFFIXES = {".pdf", ".docx", ".doc", ".wps", ".odt", ".rtf", ".xml", ".jpg", ".jpeg", ".png", ".tif", ".tiff",
            ".xlsx", ".xlsm", ".xls", ".et", ".ods"}


@dataclass
class ParseResult:
    validated: Validated
    sources: dict[str, str]
    files: list[ParsedFile] = field(default_factory=list)

    @property
    def data(self) -> dict:
        d = dict(self.validated.data)
        if self.sources:
            d["sources"] = dict(sorted(self.sources.items()))
            marks = ocr_marks(d["sources"])
            if marks:
                d["ocr"] = marks        # values read from a scan: path -> confidence, source
        seals = {}
        for pf in self.files:
            if pf.annex and pf.seals:
                seals.setdefault(pf.annex, []).extend(
                    {"file": pf.file, "page": page, "place": words, "stamped": s} for page, words, s in pf.seals)
        if seals:
            d["seals"] = seals          # a scan's （盖章） places: stamped True/False, None (greyscale)
        return d

    @property
    def problems(self) -> list[Problem]:
        return self.validated.problems


def parse_file(path) -> ParsedFile:
    """One file as one result; never raises for bad input: the problem is in ``.problems``.
    (A bound dossier is read as one document here; ``parse_files`` splits it.)"""
    return _parse(Path(path), split=False)[0]


def parse_files(path) -> list[ParsedFile]:
    """One file as parsed files: itself, or each annex of a dossier this toolkit bound (its
    pages are named in the file's document info, so the bound copy, the electronic version's
    single PDF and its pieces all read).  Never raises for bad input."""
    return _parse(Path(path), split=True)


def _parse(path: Path, split: bool) -> list[ParsedFile]:
    name = str(path)
    try:
        kind = sniff(path)
        if kind == PDF:
            return _parse_pdf(path, split)
        if kind == DOCX:
            from .docx import read_docx, read_docx_all
            return read_docx_all(path) if split else [read_docx(path)]
        if kind == IMAGE:               # a scan (JPEG, PNG, TIFF): OCR, one result per annex
            from .scan.read import read_scan
            parts = read_scan(path, name)
            return parts if split else parts[:1]
        if kind == ZIP:                 # one application's files, zipped (as --batch reads it)
            from .batch import read_zip
            return read_zip(path, parse_files)
        if kind == XLSX:                # annexes 3-6 as Excel workbooks, each sheet that is one
            from .xlsx import read_xlsx
            return read_xlsx(path)[:None if split else 1]
        if kind in CONVERTIBLE or kind in SPREADSHEETS:   # .doc/.wps, .odt, .rtf, Word XML; .xls/.et, .ods
            from .convert import read_converted
            return read_converted(path, kind)
    except InputError as e:
        pf = ParsedFile(file=name)
        pf.problem(e.message)
        return [pf]
    except MemoryError:
        pf = ParsedFile(file=name)
        pf.problem("文件过大或结构异常，读取时超出内存限制", fix="请重新导出后提交")
        return [pf]
    pf = ParsedFile(file=name)
    pf.problem("无法识别的文件")
    return [pf]


def _parse_pdf(path: Path, split: bool) -> list[ParsedFile]:
    """The PDF opened once: a bound dossier's annexes (``split``), each annex of a PDF holding
    several (``split``: pdfunite of the annexes), or the file itself."""
    from .pdf_form import open_form
    with open_form(path) as pdf:
        if split:
            from .dossier import dossier_parts
            parts = dossier_parts(pdf, str(path), _read_pdf)
            if parts is not None:
                return parts
        return _read_pdf_parts(pdf, str(path), split=split)


def _read_pdf(pdf, name: str, first_page: int = 1) -> ParsedFile:
    """An open PDF (pikepdf) shown as ``name``, its pages numbered from ``first_page``: its
    fields, else its drawn text."""
    return _read_pdf_parts(pdf, name, first_page, split=False)[0]


def _read_pdf_parts(pdf, name: str, first_page: int = 1, split: bool = True) -> list[ParsedFile]:
    """``_read_pdf``, with a PDF of several annexes' fields read as each annex (``split``).
    What the fields' reader said (text added outside the fields…) stays when the drawn text
    is read instead."""
    from .pdf_added import draw_free_texts, say_free_texts
    from .pdf_form import read_forms
    outside: list[tuple[int, int]] = []
    loose: list = []                # text added with an "add text" tool, on a PDF with no field of ours
    parts = read_forms(pdf, name, split=split, first_page=first_page, outside=outside if split else None,
                       loose=loose)
    pf = parts[0]
    if len(parts) > 1 or pf.values or pf.kind == "pdf-form" and pf.annex and pf.has_fields:
        if loose:
            say_free_texts(pf, loose, None, first_page)
        return parts + [_read_pages(pdf, name, a, b, first_page) for a, b in outside]
    try:
        from .pdf_flat import read_flat
    except ImportError:  # pragma: no cover - flattened route not installed
        pf.problem("PDF中没有可填写的字段", fix="请提交用本工具表格填写后保存的PDF")
        return [pf]
    drawn = draw_free_texts(pdf) if loose else set()      # typed over a printed form: read in place
    if drawn:                  # the pages changed in memory: read_flat reads the open document
        flat = read_flat(pdf, name, first_page)
    else:
        from .pdf_flat import read_flat_parts
        more = read_flat_parts(pdf, name, first_page)      # a scan: one per annex its pages print
        flat = more[0]
        if len(more) > 1:
            flat.problems.extend(pf.problems)
            return more if split else more[:1]
    flat.problems.extend(pf.problems)
    if loose:
        say_free_texts(flat, loose, drawn, first_page)
    return [flat]


def _read_pages(pdf, name: str, first: int, last: int, first_page: int) -> ParsedFile:
    """Pages ``first``–``last`` of a PDF whose other pages are a fillable form: read as a printed
    annex (pdfunite of a filled form and a printed one); pages that are no annex are said once."""
    import warnings

    import pikepdf
    from ..problems import WARNING
    from .pdf_flat import read_flat
    piece = pikepdf.new()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pikepdf.PageCopyWarning)     # foreign widgets may come along
        piece.pages.extend(pdf.pages[first - first_page:last - first_page + 1])
    pages = f"第{first}页" if first == last else f"第{first}–{last}页"
    got = read_flat(piece, f"{name}（{pages}）", first)
    if got.annex is not None:
        return got
    why = got.problems[0].message if got.problems else "不是本工具的附件"
    note = ParsedFile(file=name, kind="pdf-pages")
    note.problem(f"{pages}没有可填写的字段，未读取：{why}", severity=WARNING,
                 fix="如是附件的打印件或扫描件，请单独提交；其他材料请人工审阅")
    return note


def expand(paths) -> list[Path]:
    """Files named, and the files inside folders named (sorted, no hidden files)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*") if q.is_file() and not q.name.startswith(".")
                              and q.suffix.lower() in SUFFIXES))
        else:
            out.append(p)
    return out


def parse_paths(paths, expect: str | None = None) -> ParseResult:
    """One application's files.  ``expect``: an annex id the files must be.  Problems said
    for many rows or fields of one file come grouped, one line each (``group_problems``)."""
    from .dossier import package_notes        # an electronic version's checksum list, per folder
    paths = list(paths)
    validated, sources, files = collect([pf for p in expand(paths) for pf in parse_files(p)]
                                        + package_notes(paths), expect)
    return ParseResult(validated, sources, files)


FORMS = "fillable/ 中下载的表格"


def collect(files: list[ParsedFile], expect: str | None = None, forms: str = FORMS):
    """Parsed files of one application -> (validated data, sources, files kept): pieces of a
    bound copy given whole are dropped, each file says what it is not (``said``), values are
    assembled and validated, repeated problems grouped.  ``forms``: where the blank forms are
    (the web page names its own download page)."""
    from ..problems import group_problems
    from .dossier import drop_pieces_of_whole
    files = drop_pieces_of_whole(files)
    for pf in files:
        said(pf, expect, forms)
    validated, sources = assemble(files)
    validated.problems[:] = group_problems(validated.problems)
    return validated, sources, files


def said(pf: ParsedFile, expect: str | None = None, forms: str = FORMS) -> ParsedFile:
    """A file of no known annex, of another annex than ``expect``, or with nothing filled in
    (空白表格: an error, so a blank form returned by mistake stops the command) says so, once:
    every route (fillable PDF, printed PDF, DOCX) comes through here."""
    from ..model import BY_ID
    from ..problems import ERROR
    if pf.annex is None and not pf.problems:
        pf.problem("无法判断这是哪个附件（不是本工具生成的表格）", fix=f"请使用{forms}填写")
    elif expect and pf.annex and pf.annex != expect:
        pf.problem(f"这是{pf.annex}，不是预期的{expect}", fix="请检查是否交错了表格")
    if pf.annex in BY_ID and not any(_filled(v.raw) for v in pf.values) \
            and not any(p.severity == ERROR for p in pf.problems):
        name = BY_ID[pf.annex].name
        pf.problem(f"空白表格：{name}中没有读出任何填写的内容", fix=f"请在{name}中填写后保存，再重新提交")
    return pf


def _filled(raw) -> bool:
    from ..normalize import is_empty
    return raw is not False and not is_empty(raw)
