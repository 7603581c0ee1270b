"""Spreadsheets made from returned forms are safe and always written:

- a character the filler or a re-print damaged (Chrome saves 𠀀 as U+0000, ghostscript
  re-prints it as U+FFFD and a CJK character) is warned about on its field and kept as "□",
  and the XLSX is written, for one file and for a batch with clean applicants beside;
- values and folder names that look like formulas stay text in the XLSX and are quoted in
  the CSV (OWASP); numbers stay numbers; JSON keeps the value.
"""
from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from toolkit.cli import main
from toolkit.export import csv_text, xlsx_bytes

from conftest import need
from web_support import SAMPLES, sample_data

HYPERLINK = '=HYPERLINK("http://example.invalid/?q="&A1,"点此查看")'


def _filled_pdf(path, change=None):
    from toolkit.pdfform import write_filled
    data = sample_data()
    if change:
        change(data)
    write_filled(1, data, path, base_dir=SAMPLES, flatten=False)
    return path


def _set_field(src, dest, name, value):
    """``src`` with field ``name``'s /V set by pypdf, as a browser's PDF engine saves it."""
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, TextStringObject
    w = PdfWriter(clone_from=str(src))
    for page in w.pages:
        for annot in page.get("/Annots") or []:
            a = annot.get_object()
            target = a if "/T" in a else a.get("/Parent")
            if target is not None and target.get("/T") == name:
                target[NameObject("/V")] = TextStringObject(value)
    w.write(str(dest))
    return dest


@pytest.fixture(scope="module")
def forms(tmp_path_factory):
    d = tmp_path_factory.mktemp("forms")
    clean = _filled_pdf(d / "clean.pdf")
    nul = _set_field(clean, d / "nul.pdf", "a1__contact", "马\x00兰")

    def formulas(data):
        data["annex1"]["unit_name"] = HYPERLINK
        data["annex1"]["platform_name"] = "=1+1"
        data["annex1"]["operations"][0]["profit"] = -12.5
    injected = _filled_pdf(d / "formulas.pdf", formulas)
    return {"clean": clean, "nul": nul, "formulas": injected}


def _cells(xlsx):
    wb = load_workbook(xlsx)
    return {ws.title: [[c for c in row] for row in ws.iter_rows()] for ws in wb}


def _damaged(problems_sheet):
    return [[c.value for c in row] for row in problems_sheet if "损坏的字符" in str(row[5].value)]


def test_a_nul_typed_into_a_field_is_warned_about_and_the_xlsx_is_written(forms, tmp_path):
    out = tmp_path / "x.xlsx"
    r = CliRunner().invoke(main, ["parse", str(forms["nul"]), "--out", str(out)])
    assert r.exception is None or isinstance(r.exception, SystemExit), r.output
    assert "损坏的字符" in r.output and "annex1.contact" in r.output
    sheets = _cells(out)
    header = [c.value for c in sheets["附件1"][0]]
    assert sheets["附件1"][1][header.index("联系人")].value == "马□兰"
    (row,) = _damaged(sheets["问题清单"])
    assert row[3] == "contact" and row[4] == "联系人" and "第2个字" in row[5]
    assert row[6] == "请核对原件后重新填写" and "a1__contact" in row[8]
    js = tmp_path / "x.json"
    CliRunner().invoke(main, ["parse", str(forms["nul"]), "--out", str(js)])
    assert json.loads(js.read_text(encoding="utf-8"))["annex1"]["contact"] == "马□兰"


def test_a_ghostscript_reprint_is_warned_about_in_a_batch_and_clean_applicants_keep_their_rows(forms, tmp_path):
    need("gs")
    root = tmp_path / "batch"
    for name in ("01-干净", "02-浏览器", "03-重新打印"):
        (root / name).mkdir(parents=True)
    shutil.copy(forms["clean"], root / "01-干净" / "附件1.pdf")
    shutil.copy(forms["nul"], root / "02-浏览器" / "附件1.pdf")
    subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=pdfwrite",
                    f"-sOutputFile={root / '03-重新打印' / '附件1.pdf'}", str(forms["clean"])],
                   check=True, timeout=120)
    out = tmp_path / "b.xlsx"
    r = CliRunner().invoke(main, ["parse", "--batch", str(root), "--out", str(out), "--jobs", "1"])
    assert r.exception is None or isinstance(r.exception, SystemExit), r.output
    sheets = _cells(out)
    header = [c.value for c in sheets["附件1"][0]]
    contacts = {row[0].value: row[header.index("联系人")].value for row in sheets["附件1"][1:]}
    assert contacts == {"01-干净": "马𠀀兰", "02-浏览器": "马□兰", "03-重新打印": "马□兰"}
    damaged = _damaged(sheets["问题清单"])
    assert len(damaged) == 2 and all(row[3] == "contact" for row in damaged)
    assert any("U+FFFD U+4000" in row[5] for row in damaged)
    assert any("重新打印" in row[0] for row in damaged)


def test_illegal_xml_characters_never_stop_the_xlsx_or_csv():
    apps = [("a", {"annex1": {"unit_name": "青海\x00\x1f\ud800公司", "contact": "马兰"}})]
    from toolkit.problems import Problem
    wb = load_workbook(io.BytesIO(xlsx_bytes(apps, [Problem("值“\x07”不对")])))
    assert wb["附件1"]["B2"].value == "青海□□□公司"
    assert wb["问题清单"]["F2"].value == "值“□”不对"
    assert "青海□□□公司" in csv_text(apps)


def test_formulas_from_forms_and_folder_names_stay_text(forms, tmp_path):
    root = tmp_path / "batch"
    root.mkdir()
    with zipfile.ZipFile(root / "=1+2.zip", "w") as z:
        z.write(forms["formulas"], "附件1.pdf")
    (root / "@SUM(A1)").mkdir()
    shutil.copy(forms["clean"], root / "@SUM(A1)" / "附件1.pdf")
    xlsx, csv_out, js = tmp_path / "b.xlsx", tmp_path / "b.csv", tmp_path / "b.json"
    for out in (xlsx, csv_out, js):
        CliRunner().invoke(main, ["parse", "--batch", str(root), "--out", str(out), "--jobs", "1"])
    sheets = _cells(xlsx)
    assert not [c.coordinate for rows in sheets.values() for row in rows for c in row if c.data_type == "f"]
    values = {c.value for rows in sheets.values() for row in rows for c in row}
    assert {"=1+2", "@SUM(A1)", HYPERLINK, "=1+1"} <= values
    header = [c.value for c in sheets["附件1-近三年平台运营管理"][0]]
    profit = sheets["附件1-近三年平台运营管理"][1][header.index("利润总额")]
    assert profit.value == -12.5 and profit.data_type == "n"
    text = csv_out.read_text(encoding="utf-8-sig")
    assert "'=1+2," in text and "'@SUM(A1)," in text and "\"'=HYPERLINK(" in text and ",'=1+1," in text
    assert ",-12.5," in text
    doc = json.loads(js.read_text(encoding="utf-8"))
    apps = {a["id"]: a["data"] for a in doc["applications"]}
    assert apps["=1+2"]["annex1"]["unit_name"] == HYPERLINK


def test_text_cells_look_like_formulas_only_as_text():
    apps = [("+86", {"annex1": {"unit_name": "-1", "contact": "\t=1", "phone": "0971-6100001"}})]
    wb = load_workbook(io.BytesIO(xlsx_bytes(apps)))
    ws = wb["附件1"]
    assert all(c.data_type == "s" for c in ws[2] if c.value is not None)
    assert ws["A2"].quotePrefix and ws["B2"].quotePrefix
    text = csv_text(apps)
    assert "'+86,'-1," in text and "'\t=1" in text and ",0971-6100001," in text


def test_a_lone_surrogate_in_a_message_does_not_stop_the_json(tmp_path):
    from toolkit.export import write_outputs
    from toolkit.problems import Problem
    out = tmp_path / "b.json"
    write_outputs([("a", {"annex1": {"unit_name": "青海"}})], [Problem("文字“\ud800”")], out, single=False)
    assert json.loads(out.read_text(encoding="utf-8"))["problems"][0]["message"] == "文字“?”"


def test_damaged_characters_in_a_table_are_located_on_their_row_and_column():
    from toolkit.model.naming import parse_name
    from toolkit.parse.assemble import assemble
    from toolkit.parse.values import ParsedFile, Value
    pf = ParsedFile(file="附件3.pdf", annex="annex3")
    pf.values += [Value(parse_name("a3__staff__4__education"), "大学\ud840本科\x1b", "字段 a3__staff__4__education"),
                  Value(parse_name("a3__staff__4__name"), "罗秀英", "字段 a3__staff__4__name")]
    validated, _ = assemble([pf])
    assert validated.data["annex3"]["staff"][0]["education"] == "大学□本科□"
    (p,) = [p for p in validated.problems if "损坏的字符" in p.message]
    assert (p.file, p.row, p.field, p.label, p.severity) == ("附件3.pdf", 4, "education", "教育情况/学历", "警告")
    assert "第3、6个字" in p.message and "U+D840" in p.message and "U+001B" in p.message
