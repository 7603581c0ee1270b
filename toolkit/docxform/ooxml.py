"""WordprocessingML as text: paragraphs, cells, tables and the package parts.

Pure string builders, no I/O.  Widths are twips (1/1440 inch; 567 twips = 1 cm).
A table is described row by row with relative cell weights; ``table()`` turns
the cell edges of all rows into one ``w:tblGrid`` and gives every cell its
``gridSpan``, so rows of different layouts (a label/value line above a
repeating table) share one table and vertical merges line up.

Chinese text is set in 宋体 (``w:eastAsia="SimSun"``), Latin text in Times New Roman.
"""
from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from io import BytesIO
from xml.sax.saxutils import escape, quoteattr

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = (
    'xmlns:wpc="http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:w10="urn:schemas-microsoft-com:office:word" '
    f'xmlns:w="{W_NS}" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
    'xmlns:wpg="http://schemas.microsoft.com/office/word/2010/wordprocessingGroup" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'mc:Ignorable="w14"'
)

SONG = "SimSun"          # 宋体; its English name lets LibreOffice pick a serif fallback
LATIN = "Times New Roman"
BOX_FONT = "MS Gothic"
CM = 567

# A4 in twips; margins of an official form.
A4 = (11906, 16838)
MARGIN_PORTRAIT = (1440, 1247, 1440, 1247)     # top, right, bottom, left
MARGIN_LANDSCAPE = (1134, 850, 1134, 850)


def text_width(landscape: bool) -> int:
    w = A4[1] if landscape else A4[0]
    m = MARGIN_LANDSCAPE if landscape else MARGIN_PORTRAIT
    return w - m[1] - m[3]


def t(s: str) -> str:
    """Escaped text for a ``w:t`` (Jinja placeholders are plain text too)."""
    return escape(s)


def rpr(size: float | None = None, bold: bool = False, font: str | None = None) -> str:
    parts = []
    if font:
        parts.append(f'<w:rFonts w:ascii="{font}" w:eastAsia="{font}" w:hAnsi="{font}" w:hint="eastAsia"/>')
    if bold:
        parts.append("<w:b/><w:bCs/>")
    if size:
        hp = int(round(size * 2))
        parts.append(f'<w:sz w:val="{hp}"/><w:szCs w:val="{hp}"/>')
    return f"<w:rPr>{''.join(parts)}</w:rPr>" if parts else ""


def run(text: str, *, size: float | None = None, bold: bool = False, font: str | None = None) -> str:
    return f'<w:r>{rpr(size, bold, font)}<w:t xml:space="preserve">{t(text)}</w:t></w:r>'


def para(content: str = "", *, align: str | None = None, before: int = 0, after: int = 0,
         page_break_before: bool = False, keep_next: bool = False, size: float | None = None,
         line: int | None = None) -> str:
    """A paragraph around ``content`` (runs or controls).  ``size`` sets the mark's size,
    so an empty paragraph is as tall as its text would be."""
    ppr = []
    if keep_next:
        ppr.append("<w:keepNext/>")
    if page_break_before:
        ppr.append("<w:pageBreakBefore/>")
    spacing = f'<w:spacing w:before="{before}" w:after="{after}"'
    spacing += f' w:line="{line}" w:lineRule="auto"/>' if line else "/>"
    ppr.append(spacing)
    if align:
        ppr.append(f'<w:jc w:val="{align}"/>')
    if size:
        ppr.append(rpr(size))
    return f"<w:p><w:pPr>{''.join(ppr)}</w:pPr>{content}</w:p>"


def text_control(name: str, alias: str, placeholder: str, *, size: float | None = None) -> str:
    """A rich-text content control inside the paragraph, tagged with the field name.

    The tag is a hint only (LibreOffice 7.4 drops it on re-save); the cell's
    position under its printed label is what identifies the value."""
    return ("<w:sdt><w:sdtPr>" + rpr(size) + f"<w:alias w:val={quoteattr(alias)}/>"
            f"<w:tag w:val={quoteattr(name)}/></w:sdtPr><w:sdtContent>"
            f'<w:r>{rpr(size)}<w:t xml:space="preserve">{t(placeholder)}</w:t></w:r>'
            "</w:sdtContent></w:sdt>")


def check_control(name: str, alias: str, checked: str, glyph: str, *, size: float | None = None) -> str:
    """A Word 2010 checkbox control; ``checked`` and ``glyph`` are Jinja placeholders
    giving ``1``/``0`` and ☒/□ (the regulation prints □).  A typed √ or 是 in the cell counts as a tick too."""
    return ("<w:sdt><w:sdtPr>" + rpr(size, font=BOX_FONT) + f"<w:alias w:val={quoteattr(alias)}/>"
            f"<w:tag w:val={quoteattr(name)}/>"
            f'<w14:checkbox><w14:checked w14:val="{checked}"/>'
            f'<w14:checkedState w14:val="2612" w14:font="{BOX_FONT}"/>'
            f'<w14:uncheckedState w14:val="25A1" w14:font="{BOX_FONT}"/></w14:checkbox>'
            "</w:sdtPr><w:sdtContent>"
            f'<w:r>{rpr(size, font=BOX_FONT)}<w:t xml:space="preserve">{t(glyph)}</w:t></w:r>'
            "</w:sdtContent></w:sdt>")


@dataclass
class Cell:
    content: str                  # one or more <w:p> elements
    weight: float = 1.0           # relative width within its row
    vmerge: str | None = None     # "restart" | "continue"
    valign: str = "center"
    open_sides: tuple[str, ...] = ()   # sides drawn without a line (top, left, bottom, right)
    lined_sides: tuple[str, ...] = ()  # sides drawn with a line in a borderless table


@dataclass
class TRow:
    cells: list[Cell]
    height: int | None = None     # minimum height, twips
    header: bool = False          # repeated at the top of each page
    cant_split: bool = False
    raw: str | None = None        # a docxtpl row tag ({%tr for ... %}) instead of cells


@dataclass
class TableSpec:
    rows: list[TRow] = field(default_factory=list)
    borders: bool = True
    width: int = 9412
    margin: int = 85              # left and right cell margin, twips


def _edges(row: TRow, width: int) -> list[int]:
    total = sum(c.weight for c in row.cells)
    acc, edges = 0.0, [0]
    for c in row.cells:
        acc += c.weight
        edges.append(int(round(width * acc / total)))
    return edges


def table(spec: TableSpec) -> str:
    """A ``w:tbl``: one grid for all rows, each cell spanning the grid columns it covers."""
    real = [r for r in spec.rows if r.raw is None]
    all_edges = sorted({e for r in real for e in _edges(r, spec.width)})
    grid = [b - a for a, b in zip(all_edges, all_edges[1:])]
    pos = {e: i for i, e in enumerate(all_edges)}
    line = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    if spec.borders:
        borders = "".join(line.format(s) for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
    else:
        borders = "".join(f'<w:{s} w:val="nil"/>' for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
    out = [f'<w:tbl><w:tblPr><w:tblW w:w="{spec.width}" w:type="dxa"/><w:jc w:val="center"/>'
           f"<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type=\"fixed\"/>"
           f'<w:tblCellMar><w:left w:w="{spec.margin}" w:type="dxa"/><w:right w:w="{spec.margin}" w:type="dxa"/></w:tblCellMar>'
           '<w:tblLook w:val="0000"/></w:tblPr><w:tblGrid>']
    out += [f'<w:gridCol w:w="{g}"/>' for g in grid]
    out.append("</w:tblGrid>")
    for r in spec.rows:
        if r.raw is not None:
            out.append(f'<w:tr><w:tc><w:tcPr><w:tcW w:w="{spec.width}" w:type="dxa"/>'
                       f'<w:gridSpan w:val="{len(grid)}"/></w:tcPr><w:p><w:r><w:t>{t(r.raw)}</w:t>'
                       "</w:r></w:p></w:tc></w:tr>")
            continue
        trpr = []
        if r.cant_split:
            trpr.append("<w:cantSplit/>")
        if r.height:
            trpr.append(f'<w:trHeight w:val="{r.height}" w:hRule="atLeast"/>')
        if r.header:
            trpr.append("<w:tblHeader/>")
        out.append("<w:tr>" + (f"<w:trPr>{''.join(trpr)}</w:trPr>" if trpr else ""))
        edges = _edges(r, spec.width)
        for c, a, b in zip(r.cells, edges, edges[1:]):
            span = pos[b] - pos[a]
            tcpr = [f'<w:tcW w:w="{b - a}" w:type="dxa"/>']
            if span > 1:
                tcpr.append(f'<w:gridSpan w:val="{span}"/>')
            if c.vmerge:
                tcpr.append(f'<w:vMerge w:val="{c.vmerge}"/>' if c.vmerge == "restart" else "<w:vMerge/>")
            if c.open_sides or c.lined_sides:
                sides = [line.format(s) if s in c.lined_sides else f'<w:{s} w:val="nil"/>'
                         for s in ("top", "left", "bottom", "right")
                         if s in c.lined_sides or s in c.open_sides]
                tcpr.append(f"<w:tcBorders>{''.join(sides)}</w:tcBorders>")
            tcpr.append(f'<w:vAlign w:val="{c.valign}"/>')
            out.append(f"<w:tc><w:tcPr>{''.join(tcpr)}</w:tcPr>{c.content}</w:tc>")
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def section_properties(landscape: bool) -> str:
    w, h = (A4[1], A4[0]) if landscape else A4
    top, right, bottom, left = MARGIN_LANDSCAPE if landscape else MARGIN_PORTRAIT
    orient = ' w:orient="landscape"' if landscape else ""
    return (f'<w:sectPr><w:pgSz w:w="{w}" w:h="{h}"{orient}/>'
            f'<w:pgMar w:top="{top}" w:right="{right}" w:bottom="{bottom}" w:left="{left}" '
            'w:header="851" w:footer="992" w:gutter="0"/><w:cols w:space="425"/>'
            '<w:docGrid w:linePitch="312"/></w:sectPr>')


def document(body: str, landscape: bool) -> str:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f"<w:document {NAMESPACES}><w:body>{body}{section_properties(landscape)}</w:body></w:document>")


# --- package parts ------------------------------------------------------------------------

FIXED_TIME = "2026-01-01T00:00:00Z"
ZIP_TIME = (2026, 1, 1, 0, 0, 0)

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Default Extension="jpeg" ContentType="image/jpeg"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/><Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>"""

ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" Target="docProps/custom.xml"/></Relationships>"""

DOC_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/></Relationships>"""

STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W_NS}"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="{LATIN}" w:eastAsia="{SONG}" w:hAnsi="{LATIN}" w:cs="{LATIN}"/><w:kern w:val="2"/><w:sz w:val="21"/><w:szCs w:val="21"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/><w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr><w:rPr><w:rFonts w:ascii="{LATIN}" w:eastAsia="{SONG}" w:hAnsi="{LATIN}"/></w:rPr></w:style><w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style><w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style></w:styles>"""

SETTINGS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="{W_NS}"><w:zoom w:percent="100"/><w:defaultTabStop w:val="420"/><w:drawingGridVerticalSpacing w:val="156"/><w:characterSpacingControl w:val="compressPunctuation"/><w:compat><w:spaceForUL/><w:balanceSingleByteDoubleByteWidth/><w:doNotLeaveBackslashAlone/><w:ulTrailSpace/><w:doNotExpandShiftReturn/><w:adjustLineHeightInTable/><w:useFELayout/><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat><w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/></w:settings>"""

FONT_TABLE = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:fonts xmlns:w="{W_NS}"><w:font w:name="{LATIN}"><w:panose1 w:val="02020603050405020304"/><w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font><w:font w:name="{SONG}"><w:altName w:val="宋体"/><w:panose1 w:val="02010600030101010101"/><w:charset w:val="86"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font><w:font w:name="{BOX_FONT}"><w:altName w:val="ＭＳ ゴシック"/><w:charset w:val="80"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font></w:fonts>"""


def core_properties(title: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{t(title)}</dc:title><dc:creator>qhsme</dc:creator>"
            "<cp:lastModifiedBy>qhsme</cp:lastModifiedBy><cp:revision>1</cp:revision>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{FIXED_TIME}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{FIXED_TIME}</dcterms:modified>'
            "</cp:coreProperties>")


APP_PROPERTIES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><Application>qhsme</Application></Properties>"""


def custom_properties(props: dict[str, str]) -> str:
    items = "".join(
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{i}" name={quoteattr(k)}>'
        f"<vt:lpwstr>{t(v)}</vt:lpwstr></property>"
        for i, (k, v) in enumerate(props.items(), start=2))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
            f'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">{items}</Properties>')


def package(document_xml: str, title: str, props: dict[str, str]) -> bytes:
    """A complete .docx around ``document_xml``, byte-identical for the same input."""
    parts = [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("word/document.xml", document_xml),
        ("word/_rels/document.xml.rels", DOC_RELS),
        ("word/styles.xml", STYLES),
        ("word/settings.xml", SETTINGS),
        ("word/fontTable.xml", FONT_TABLE),
        ("docProps/core.xml", core_properties(title)),
        ("docProps/app.xml", APP_PROPERTIES),
        ("docProps/custom.xml", custom_properties(props)),
    ]
    return zip_parts([(n, s.encode("utf-8")) for n, s in parts])


def zip_parts(parts: list[tuple[str, bytes]]) -> bytes:
    """Zip with fixed timestamps and attributes: same parts, same bytes."""
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            info.create_system = 0
            zf.writestr(info, data, compresslevel=6)
    return buf.getvalue()


def normalize_zip(blob: bytes, replace: dict[str, bytes] | None = None) -> bytes:
    """Rewrite a saved .docx with fixed timestamps (and some parts replaced)."""
    replace = replace or {}
    with zipfile.ZipFile(BytesIO(blob)) as zf:
        parts = [(i.filename, replace.get(i.filename, zf.read(i.filename))) for i in zf.infolist()]
    return zip_parts(parts)
