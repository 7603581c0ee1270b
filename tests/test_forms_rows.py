"""Blank forms holding an applicant's real number of rows (``qhsme forms --rows``/``--like``).

The committed blanks hold 30 staff, 100 enterprises, 30 equipment rows and 6 photo captions
(issue 15: the regulation's minimums, 15 and 50, are fewer than a complete application lists);
a long table continues on the next page with its header repeated and 序号 continuing."""
from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest
import yaml
from click.testing import CliRunner

from conftest import ROOT, need
from toolkit.cli import main
from toolkit.forms import DOWNLOAD_ROWS, MAX_ROWS, blank_rows, default_rows, rows_like, table_ids
from toolkit.model import annex
from toolkit.model.naming import parse_name

FILLABLE = ROOT / "fillable"
MB = 1024 * 1024


def pdf_rows(path) -> dict[str, int]:
    """The last row number of each table among a PDF's fields."""
    out: dict[str, int] = {}
    with pikepdf.open(path) as pdf:
        for f in pdf.Root.AcroForm.Fields:
            n = parse_name(str(f.get("/T", "")))
            if n and n.table:
                out[n.table] = max(out.get(n.table, 0), n.row)
    return out


def docx_rows(path) -> dict[str, int]:
    """The last row number of each table among a DOCX's content-control tags."""
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode()
    out: dict[str, int] = {}
    for tag in re.findall(r'<w:tag w:val="([^"]+)"', xml):
        n = parse_name(tag)
        if n and n.table:
            out[n.table] = max(out.get(n.table, 0), n.row)
    return out


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


# --- the committed blanks -----------------------------------------------------------------

@pytest.mark.parametrize("n, table, least", [(3, "staff", 30), (4, "equipment", 30), (5, "enterprises", 100),
                                             (2, "photos", 6)])
def test_committed_blanks_hold_a_real_applicants_rows(n, table, least):
    assert pdf_rows(FILLABLE / f"annex{n}.pdf")[table] >= least
    assert docx_rows(FILLABLE / f"annex{n}.docx")[table] >= least


@pytest.mark.parametrize("n", range(1, 8))
def test_committed_pdf_blanks_stay_small(n):
    assert (FILLABLE / f"annex{n}.pdf").stat().st_size <= 2.5 * MB


def test_committed_blanks_hold_the_whole_sample(good_data):
    """18 staff, 56 enterprises, 3 photos: every row has its fields in the blank (the rest of
    the proof, filled and parsed back, is tests/test_parse_fillers.py)."""
    for n in range(1, 7):
        a = annex(n)
        got = pdf_rows(FILLABLE / f"annex{n}.pdf")
        for t in a.tables():
            assert got.get(t.id, 0) >= len(good_data[a.id].get(t.id) or []), (a.name, t.id)


def test_download_page_tells_how_to_get_more_rows():
    html = (FILLABLE / "index.html").read_text("utf-8")
    assert "需要更多行" in html and "--rows staff=" in html and "--like" in html
    assert f"可填 {DOWNLOAD_ROWS['enterprises']} 家企业" in html


# --- the row counts -----------------------------------------------------------------------

def test_every_table_of_the_model_may_be_sized():
    ids = table_ids()
    assert {"staff", "enterprises", "equipment", "photos", "investors", "products", "operations",
            "platforms"} <= set(ids)
    assert blank_rows({"investors": 9})["investors"] == 9
    d = default_rows()
    assert all(d[t.id] >= t.blank_rows for a in map(annex, range(1, 8)) for t in a.tables())


def test_like_sizes_to_the_data_plus_spare_rows(tmp_path):
    p = tmp_path / "big.yaml"
    p.write_text(yaml.safe_dump({"annex5": {"enterprises": [{"name": f"企业{i}"} for i in range(120)]},
                                 "annex3": {"staff": [{"name": f"张{i}"} for i in range(18)]}}, allow_unicode=True), "utf-8")
    rows = rows_like(p)
    assert rows["enterprises"] == 125          # 120 + 5 spare
    assert rows["staff"] == DOWNLOAD_ROWS["staff"]     # 18 + 5 < 30: the default


# --- the command --------------------------------------------------------------------------

@pytest.mark.parametrize("args, words", [
    (["--rows", "people=40"], ["没有名为“people”的表格", "staff", "enterprises", "photos"]),
    (["--rows", "staff"], ["--rows 应写成 表格=行数"]),
    (["--rows", "staff=abc"], ["staff", "15 至 2000", "abc"]),
    (["--rows", "staff=10"], ["附件3", "15 至 2000"]),
    (["--rows", f"enterprises={MAX_ROWS + 1}"], ["50 至 2000"]),
    (["--rows", "photos=0"], ["1 至 2000"]),
    (["--like", "no-such-file.yaml"], ["no-such-file.yaml"]),
])
def test_bad_row_counts_are_refused_saying_what_is_allowed(tmp_path, args, words):
    res = run("forms", "--out", tmp_path / "o", "--format", "docx", *args)
    assert res.exit_code == 2, res.output
    for w in words:
        assert w in res.output
    assert not list((tmp_path / "o").glob("*.docx")) if (tmp_path / "o").exists() else True


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """annexes 2, 3, 5 as PDF and DOCX with rows asked for on the command line."""
    d = tmp_path_factory.mktemp("rows")
    res = run("forms", "--out", d, "--format", "all", "--annex", 2, "--annex", 3, "--annex", 5,
              "--rows", "staff=45", "--rows", "enterprises=130", "--rows", "photos=8")
    assert res.exit_code == 0, res.output
    return d


def test_rows_on_the_command_line_make_that_many_rows(made):
    assert pdf_rows(made / "annex3.pdf") == {"staff": 45}
    assert docx_rows(made / "annex3.docx") == {"staff": 45}
    assert pdf_rows(made / "annex5.pdf") == {"enterprises": 130}
    assert docx_rows(made / "annex5.docx") == {"enterprises": 130}
    assert pdf_rows(made / "annex2.pdf") == {"photos": 8}
    assert docx_rows(made / "annex2.docx") == {"photos": 8}


def test_excel_blank_gets_the_rows_too(made):
    import openpyxl
    ws = openpyxl.load_workbook(made / "annex5.xlsx").active
    numbers = [c.value for c in ws["A"] if isinstance(c.value, int)]
    assert max(numbers) == 130


def test_a_long_table_continues_with_its_header_and_numbers(made):
    """Page 2 of the 130-row annex 5: the header again, 序号 going on from page 1's last."""
    import pdfplumber
    a = annex(5)
    t = a["enterprises"]
    with pdfplumber.open(made / "annex5.pdf") as pdf:
        assert len(pdf.pages) >= 4
        pages = [[w["text"] for w in p.extract_words()] for p in pdf.pages]
    last_one = max(int(w) for w in pages[0] if w.isdigit())
    for words in pages[1:]:
        text = "".join(words)
        assert t.number_label in text
        for c in t.columns:
            if c.printed:
                assert c.label in text, c.label
        nums = [int(w) for w in words if w.isdigit()]
        assert min(nums) == last_one + 1
        last_one = max(nums)
    assert last_one == 130


def test_a_long_word_table_repeats_its_header_rows(made):
    with zipfile.ZipFile(made / "annex3.docx") as z:
        xml = z.read("word/document.xml").decode()
    assert xml.count("<w:tblHeader/>") == 2        # 教育情况 … and 学历 | 毕业院校及专业 …


@pytest.mark.clients
def test_a_long_word_table_continues_with_its_header_in_print(made, tmp_path):
    need("soffice", "pdftotext")
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(made / "annex5.docx")], check=True, capture_output=True, timeout=240)
    out = subprocess.run(["pdftotext", "-layout", str(tmp_path / "annex5.pdf"), "-"], capture_output=True,
                         text=True, check=True).stdout
    pages = [p for p in out.split("\f") if re.search(r"^\s*\d+\s", p, re.M)]    # pages with rows
    assert len(pages) >= 4
    for page in pages[1:]:
        assert "服务企业名称" in page.replace(" ", "")
    assert re.search(r"^\s*130\s", pages[-1], re.M)


# --- the web page -------------------------------------------------------------------------

def test_web_forms_page_makes_blanks_with_more_rows(tmp_path):
    from toolkit.web.app import create_app
    app = create_app({"workspace": tmp_path})
    c = app.test_client()
    page = c.get("/forms").get_data(as_text=True)
    assert "需要更多行" in page
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    res = c.post("/forms/rows", data={"csrf": csrf, "staff": "33", "enterprises": "", "format": "docx"})
    assert res.status_code == 200 and res.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(res.data)) as z:
        names = sorted(z.namelist())
        assert names == ["annex2.docx", "annex3.docx", "annex4.docx", "annex5.docx"]
        z.extract("annex3.docx", tmp_path)
    assert docx_rows(tmp_path / "annex3.docx") == {"staff": 33}
    bad = c.post("/forms/rows", data={"csrf": csrf, "staff": "9000", "format": "docx"})
    assert bad.status_code == 400 and "500" in bad.get_data(as_text=True)


def test_flattened_big_filled_form_reads_back_without_its_repeated_headers(good_data, tmp_path):
    """The whole sample in the 100-row blank's layout (56 rows filled, 44 left empty over four
    pages whose headers repeat), printed (flattened, no fields): the drawn-form reader gives
    back the 56 enterprises, no header read as a row, no empty row."""
    from toolkit.parse import parse_paths
    from toolkit.pdfform import render_filled
    part = dict(good_data["annex5"])
    rows = default_rows()["enterprises"]
    padded = {**good_data, "annex5": {**part, "enterprises": part["enterprises"] + [{}] * (rows - 56)}}
    flat = tmp_path / "annex5-print.pdf"
    flat.write_bytes(render_filled(5, padded, flatten=True))
    with pikepdf.open(flat) as pdf:
        assert len(pdf.pages) == 4 and "/AcroForm" not in pdf.Root
    res = parse_paths([flat])
    assert res.data["annex5"] == part
    assert len(res.data["annex5"]["enterprises"]) == 56 and not res.problems
