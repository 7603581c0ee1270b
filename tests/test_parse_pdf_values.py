"""Reading /V of fillable PDFs whatever wrote them: plain AcroForms built here
with pikepdf, edited at byte level the way fillers are known to write (UTF-8
or GBK without BOM, /AS without /V, radio values as strings)."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

from toolkit.cli import main
from toolkit.parse import parse_file, parse_paths
from toolkit.parse.batch import parse_batch, safe_extract


def acroform(path: Path, text: dict[str, str], checks: dict[str, bool] = (), info: dict | None = None) -> Path:
    """A plain AcroForm written with pikepdf: text fields with /V, tick boxes with /V and /AS."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(595, 842))
    fields = pikepdf.Array()
    annots = pikepdf.Array()
    y = 800
    for name, value in text.items():
        f = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, FT=pikepdf.Name.Tx,
            T=pikepdf.String(name), V=pikepdf.String(value), Rect=[50, y, 350, y + 16], P=page.obj))
        fields.append(f)
        annots.append(f)
        y -= 2 if y < 40 else 20
    for name, on in dict(checks).items():
        state = pikepdf.Name.Yes if on else pikepdf.Name.Off
        f = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, FT=pikepdf.Name.Btn,
            T=pikepdf.String(name), V=state, AS=state, Rect=[50, y, 62, y + 12], P=page.obj))
        fields.append(f)
        annots.append(f)
        y -= 20
    page.Annots = annots
    pdf.Root.AcroForm = pdf.make_indirect(pikepdf.Dictionary(Fields=fields))
    for k, v in (info or {}).items():
        pdf.docinfo[pikepdf.Name("/" + k)] = v
    pdf.save(path)
    return path


def set_raw_value(path: Path, name: str, raw: bytes) -> None:
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        for f in pdf.Root.AcroForm.Fields:
            if str(f.T) == name:
                f.V = pikepdf.String(raw)
        pdf.save(path)


@pytest.fixture
def annex4_pdf(tmp_path):
    return acroform(tmp_path / "whatever-name.pdf", {
        "a4__applicant": "青海堃元中小企业服务有限公司",
        "a4__equipment__1__item": "服务器", "a4__equipment__1__quantity": "6",
        "a4__equipment__1__value": "４８.０万元",
        "a4__equipment__2__item": "", "a4__equipment__3__item": "光谱分析仪",
        "a4__equipment__3__quantity": "2", "a4__equipment__3__value": "62.8",
        "a4__filler": "马兰", "Text1": "not ours",
    }, info={"qhsme_annex": "annex4"})


def test_values_rows_and_normalisation(annex4_pdf):
    res = parse_paths([annex4_pdf])
    a4 = res.data["annex4"]
    assert a4["applicant"] == "青海堃元中小企业服务有限公司"
    assert a4["equipment"] == [{"item": "服务器", "quantity": 6, "value": 48},
                               {"item": "光谱分析仪", "quantity": 2, "value": 62.8}]
    assert res.data["sources"]["annex4.equipment[2].item"].endswith("字段 a4__equipment__3__item")
    assert res.files[0].annex == "annex4" and res.files[0].kind == "pdf-form"


def test_utf8_and_gbk_without_bom_are_repaired(annex4_pdf):
    set_raw_value(annex4_pdf, "a4__applicant", "青海喆诚".encode("utf-8"))
    set_raw_value(annex4_pdf, "a4__filler", "马𠀀兰".encode("utf-8"))
    set_raw_value(annex4_pdf, "a4__equipment__1__item", "服务器机柜".encode("gbk"))
    a4 = parse_paths([annex4_pdf]).data["annex4"]
    assert a4["applicant"] == "青海喆诚" and a4["filler"] == "马𠀀兰"
    assert a4["equipment"][0]["item"] == "服务器机柜"


def test_tick_boxes_by_as_without_v_and_radio_strings(tmp_path):
    p = acroform(tmp_path / "a1.pdf", {"a1__unit_name": "某单位", "a5__enterprises__1__satisfaction": "满意"},
                 checks={"a1__site_nature__o2": True, "a1__site_nature__o1": False})
    with pikepdf.open(p, allow_overwriting_input=True) as pdf:
        for f in pdf.Root.AcroForm.Fields:
            if str(f.T) == "a1__site_nature__o2":
                del f["/V"]                       # ticked (/AS) but no /V, as some viewers save
                f.AS = pikepdf.Name("/Yes")
        pdf.save(p)
    pf = parse_file(p)
    res = parse_paths([p])
    assert res.data["annex1"]["site_nature"] == "自有"
    assert res.data["annex5"]["enterprises"][0]["satisfaction"] == "满意"
    assert any("多个附件" in x.message for x in pf.problems)


def test_two_ticks_for_one_choice_is_a_problem(tmp_path):
    p = acroform(tmp_path / "a1.pdf", {"a1__unit_name": "某单位"},
                 checks={"a1__site_nature__o1": True, "a1__site_nature__o2": True})
    res = parse_paths([p])
    assert "site_nature" not in res.data["annex1"]
    assert any("同时勾选" in x.message and x.field == "site_nature" for x in res.problems)


@pytest.mark.parametrize("content, words", [
    (b"", "0字节"), (b"%PDF-1.4\n garbage", "损坏"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "另存为"),
    (b"\x89PNG\r\n\x1a\nxxxx", "人工录入"), (b"PK\x03\x04broken", "损坏"), (b"hello", "无法识别"),
])
def test_unreadable_inputs_get_a_clear_message(tmp_path, content, words):
    p = tmp_path / "annex.docx"
    p.write_bytes(content)
    pf = parse_file(p)
    assert pf.problems and words in pf.problems[0].message
    assert pf.problems[0].file == str(p)


def test_encrypted_pdf(tmp_path, annex4_pdf):
    locked = tmp_path / "locked.pdf"
    with pikepdf.open(annex4_pdf) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(user="pw", owner="pw"))
    pf = parse_file(locked)
    assert "密码" in pf.problems[0].message


def test_owner_password_only_pdf_is_read(tmp_path, annex4_pdf):
    restricted = tmp_path / "restricted.pdf"
    with pikepdf.open(annex4_pdf) as pdf:
        pdf.save(restricted, encryption=pikepdf.Encryption(user="", owner="owner"))
    assert parse_paths([restricted]).data["annex4"]["filler"] == "马兰"


def test_rows_beyond_the_printed_ones(tmp_path):
    p = acroform(tmp_path / "many.pdf", {f"a3__staff__{i}__name": "张三" for i in range(1, 301)})
    res = parse_paths([p])
    assert len(res.data["annex3"]["staff"]) == 300


def test_ten_thousand_fields_stop_with_a_message(tmp_path):
    import resource
    p = acroform(tmp_path / "huge.pdf", {f"a3__staff__{i}__name": "张三" for i in range(1, 10001)})
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    pf = parse_file(p)
    assert any("超过5000个表单字段" in x.message for x in pf.problems)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000     # KiB


def test_zip_bomb_and_traversal_names(tmp_path, annex4_pdf):
    z = tmp_path / "app.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zz:
        zz.write(annex4_pdf, "../../etc/附件4.pdf")
        zz.writestr("bomb.pdf", b"%PDF" + b"\x00" * (70 * 1024 * 1024))
    files, names, problems = safe_extract(z, tmp_path / "x")
    (tmp_path / "x").mkdir(exist_ok=True)
    files, names, problems = safe_extract(z, tmp_path / "x")
    assert len(files) == 1 and all(f.parent == tmp_path / "x" for f in files)
    assert "app.zip/../../etc/附件4.pdf" in names.values()
    assert any("压缩炸弹" in p.message for p in problems)
    assert not (tmp_path / "etc").exists()


def test_batch_goes_on_after_bad_files(tmp_path, annex4_pdf):
    root = tmp_path / "batch"
    (root / "单位甲").mkdir(parents=True)
    (root / "单位甲" / "a4.pdf").write_bytes(annex4_pdf.read_bytes())
    (root / "单位乙").mkdir()
    (root / "单位乙" / "broken.pdf").write_bytes(b"%PDF-1.7 truncated")
    with zipfile.ZipFile(root / "单位丙.zip", "w") as zz:
        zz.write(annex4_pdf, "附件4.pdf")
    (root / "单位丁.zip").write_bytes(b"PK\x03\x04 not a zip")
    apps = {a.id: a for a in parse_batch(root, jobs=1)}
    assert set(apps) == {"单位甲", "单位乙", "单位丙", "单位丁"}
    assert apps["单位甲"].data["annex4"]["filler"] == "马兰"
    assert apps["单位丙"].data["annex4"]["filler"] == "马兰"
    assert apps["单位丙"].data["sources"]["annex4.filler"].startswith("单位丙.zip/附件4.pdf")
    assert not apps["单位乙"].ok and "损坏" in apps["单位乙"].problems[0].message
    assert "压缩包已损坏" in apps["单位丁"].problems[0].message

    out = tmp_path / "batch.xlsx"
    res = CliRunner().invoke(main, ["parse", "--batch", str(root), "--out", str(out)])
    assert res.exit_code == 1
    assert "共 4 家单位" in res.output
    from openpyxl import load_workbook
    wb = load_workbook(out)
    assert "问题清单" in wb.sheetnames and "附件4-设备清单" in wb.sheetnames
    issues = [r for r in wb["问题清单"].iter_rows(min_row=2, values_only=True)]
    assert any("broken.pdf" in (r[0] or "") for r in issues)
    csv_out = tmp_path / "batch.csv"
    CliRunner().invoke(main, ["parse", "--batch", str(root), "--out", str(csv_out)])
    assert csv_out.read_bytes().startswith(b"\xef\xbb\xbf")


def test_fields_of_two_annexes_on_one_page_read_as_each_annex(tmp_path):
    """A PDF holding two annexes' fields is read as each (pdfunite of the annexes); parts
    whose fields share pages are told apart by the annex's name."""
    p = acroform(tmp_path / "two.pdf", {"a1__unit_name": "某单位", "a5__enterprises__1__name": "某企业"})
    res = parse_paths([p])
    assert res.data["annex1"]["unit_name"] == "某单位"
    assert res.data["annex5"]["enterprises"] == [{"name": "某企业"}]
    assert sorted(pf.file for pf in res.files) == [f"{p}（附件1，第1页）", f"{p}（附件5，第1页）"]
    assert not any("多个附件" in x.message for x in res.problems)
