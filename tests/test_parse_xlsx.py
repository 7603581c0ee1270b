"""Returned Excel forms of annexes 3–6 (issue 15, items 4–5): the annex told by its title and
header words (any sheet name, any position, no document properties needed), after a
LibreOffice re-save or an .ods round trip, rows added or deleted, numbers typed as text and
text stored as numbers, merged cells, a foreign workbook; bad values located by sheet, row and
column label; ``qhsme summary`` takes annex 6 returns."""
from __future__ import annotations

import shutil
import subprocess

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from toolkit import xlsxform
from toolkit.bureau.service import make_summary
from toolkit.cli import main
from toolkit.parse import parse_file, parse_paths
from toolkit.parse.sniff import ODS, XLS, XLSX, sniff
from toolkit.parse.xlsx import EXPORTED, FOREIGN
from toolkit.problems import ERROR, WARNING

from conftest import need


def header_at(ws, label):
    for row in ws.iter_rows():
        for c in row:
            if c.value == label:
                return c.row, c.column
    raise AssertionError(label)


def errors(result):
    return [p for p in result.problems if p.severity == ERROR]


@pytest.fixture
def filled(good_data, tmp_path):
    def make(n, data=None, name=None):
        p = tmp_path / (name or f"annex{n}.xlsx")
        xlsxform.write_filled(n, data or good_data, p)
        return p
    return make


def _soffice(src, fmt, outdir, profile):
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", fmt,
                    "--outdir", str(outdir), str(src)], check=True, capture_output=True, timeout=180)
    return outdir / (src.stem + "." + fmt.split(":")[0])


def test_libreoffice_resave_and_ods_round_trip_read_the_same(filled, good_data, tmp_path):
    need("soffice")
    profile = tmp_path / "profile"
    a5, a4 = filled(5), filled(4)
    resaved = _soffice(a5, "xlsx", tmp_path / "re", profile)
    ods = _soffice(a4, "ods", tmp_path / "ods", profile)
    back = _soffice(ods, "xlsx", tmp_path / "back", profile)
    xls = _soffice(a5, "xls", tmp_path / "xls", profile)
    assert (sniff(resaved), sniff(ods), sniff(back), sniff(xls)) == (XLSX, ODS, XLSX, XLS)
    for path, a in ((resaved, "annex5"), (ods, "annex4"), (back, "annex4"), (xls, "annex5")):
        result = parse_paths([path])
        assert result.data[a] == good_data[a], path
        assert not errors(result), result.problems
    src = parse_paths([ods]).sources["annex4.equipment[1].item"]
    assert str(ods) in src and "经LibreOffice转换为.xlsx后读取" in src


def test_annex_told_by_content_not_file_name_sheet_name_or_properties(filled, good_data, tmp_path):
    p = filled(5, name="附件3-从业人员.xlsx")
    wb = load_workbook(p)
    wb.active.title = "Sheet1"
    wb.custom_doc_props.props.clear()
    ws = wb.active
    ws.insert_cols(1, 2)                   # the table no longer starts at A
    ws.insert_rows(1, 3)
    other = wb.create_sheet("说明", 0)     # another sheet first
    other["A1"] = "填表说明：请按实际情况填写"
    wb.save(p)
    pf = parse_file(p)
    assert pf.annex == "annex5" and pf.kind == "xlsx"
    result = parse_paths([p])
    assert result.data["annex5"]["enterprises"] == good_data["annex5"]["enterprises"]
    assert "工作表“Sheet1”" in result.sources["annex5.enterprises[1].name"]


def _enterprise_sheet(path):
    wb = load_workbook(path)
    ws = wb.active
    r, c = header_at(ws, "服务企业名称")
    return wb, ws, r + 2, c


def test_two_hundred_rows_typed_come_back_as_two_hundred(tmp_path):
    """100 numbered rows in the blank; 100 more typed on below the footer, one blank row between."""
    p = tmp_path / "annex5.xlsx"
    xlsxform.write_blank(5, p)
    wb, ws, first, c = _enterprise_sheet(p)
    ws.cell(3, 3, "西宁市某服务平台")
    rows = list(range(first, first + 100)) + list(range(first + 103, first + 203))
    for i, r in enumerate(rows, 1):
        ws.cell(r, c, f"企业{i:03d}")
        ws.cell(r, c + 4, "满意" if i % 10 else "不满意")
    wb.save(p)
    result = parse_paths([p])
    names = [e["name"] for e in result.data["annex5"]["enterprises"]]
    assert names == [f"企业{i:03d}" for i in range(1, 201)]
    assert result.data["annex5"]["unit_name"] == "西宁市某服务平台"


def test_rows_deleted_and_inserted_in_the_middle(filled, good_data):
    p = filled(3)
    wb = load_workbook(p)
    ws = wb.active
    r, c = header_at(ws, "姓名")
    ws.delete_rows(r + 2 + 1, 2)           # the 2nd and 3rd staff gone
    wb.save(p)
    staff = parse_paths([p]).data["annex3"]["staff"]
    want = good_data["annex3"]["staff"]
    assert staff == [want[0]] + want[3:]


def test_numbers_typed_as_text_and_text_stored_as_numbers(filled, good_data):
    p = filled(4)
    wb = load_workbook(p)
    ws = wb.active
    r, c = header_at(ws, "设备原值")
    ws.cell(r + 1, c).value = "1,234.5"            # a number typed into a text cell
    ws.cell(r + 1, c - 1).value = "12 台"
    rf, cf = header_at(ws, "联系电话：")
    phone = next(cell for cell in ws[rf] if cell.column > cf and type(cell).__name__ == "Cell")
    phone.value = 13909710001                      # a mobile stored as a number
    wb.save(p)
    a4 = parse_paths([p]).data["annex4"]
    assert a4["equipment"][0]["value"] == 1234.5 and a4["equipment"][0]["quantity"] == 12
    assert a4["filler_phone"] == "13909710001"


def test_a_percent_typed_with_its_sign_is_read_as_typed(filled):
    """Excel stores a typed 92% as 0.92 in a percent-formatted cell; the form's value is 92."""
    p = filled(5)
    wb = load_workbook(p)
    ws = wb.active
    r, c = header_at(ws, "总体满意率（%）：")
    cell = next(x for x in ws[r] if x.column > c and x.number_format != "General")
    cell.value, cell.number_format = 0.92, "0%"
    wb.save(p)
    assert parse_paths([p]).data["annex5"]["satisfaction_rate"] == 92


def test_landline_stored_as_a_number_is_said_with_its_place(filled):
    p = filled(5)
    wb, ws, first, c = _enterprise_sheet(p)
    ws.cell(first, c + 2).value = 9716100001       # 0971-6100001 typed into a General cell
    wb.save(p)
    result = parse_paths([p])
    said = [p for p in result.problems if "开头的0可能已丢失" in p.message]
    assert len(said) == 1 and said[0].severity == WARNING and said[0].row == 1
    assert f"工作表“附件5” 第{first}行 “联系电话”" in said[0].source


def test_bad_values_are_located_by_sheet_row_and_column_label(filled):
    p = filled(3)
    wb = load_workbook(p)
    ws = wb.active
    r, c = header_at(ws, "在服务平台工作年限")
    ws.cell(r + 2 + 4, c).value = "三年半"
    wb.save(p)
    result = parse_paths([p])
    bad = [x for x in errors(result) if x.field == "years"]
    assert len(bad) == 1 and bad[0].row == 5 and bad[0].file == str(p)
    assert bad[0].source == f"工作表“附件3” 第{r + 6}行 “在服务平台工作年限”"
    assert "［工作表“附件3”" in str(bad[0])


def test_merged_data_cells_are_said_not_copied(filled, good_data):
    p = filled(5)
    wb, ws, first, c = _enterprise_sheet(p)
    col = c + 3                                     # 服务内容简述 of rows 2-4 merged
    ws.merge_cells(start_row=first + 1, start_column=col, end_row=first + 3, end_column=col)
    wb.save(p)
    result = parse_paths([p])
    rows = result.data["annex5"]["enterprises"]
    assert rows[1]["service"] == good_data["annex5"]["enterprises"][1]["service"]
    assert "service" not in rows[2] and "service" not in rows[3]
    said = [x for x in result.problems if "合并单元格" in x.message]
    assert len(said) == 1 and said[0].row == 2 and said[0].severity == WARNING
    assert f"第{first + 1}行 “服务内容简述”" in said[0].source


def test_a_workbook_that_is_not_ours_says_so(tmp_path):
    p = tmp_path / "附件5.xlsx"
    wb = Workbook()
    wb.active.append(["姓名", "年龄"])
    wb.active.append(["张三", 30])
    wb.save(p)
    result = parse_paths([p])
    assert [x.message for x in result.problems] == [FOREIGN]
    assert result.problems[0].file == str(p)
    r = CliRunner().invoke(main, ["parse", str(p), "--out", str(tmp_path / "o.json")])
    assert r.exit_code == 1 and "不是本工具的附件3–6 Excel表格" in r.output


def test_the_toolkits_own_data_export_is_not_taken_for_a_form(filled, tmp_path):
    from toolkit.export import write_outputs
    out = tmp_path / "导出.xlsx"
    write_outputs([("x", parse_paths([filled(3)]).data)], [], out, single=True)
    pf = parse_file(out)
    assert pf.annex is None and [(x.message, x.severity) for x in pf.problems] == [(EXPORTED, WARNING)]


def test_a_blank_returned_is_a_blank_form(tmp_path):
    p = tmp_path / "annex6.xlsx"
    xlsxform.write_blank(6, p)
    result = parse_paths([p])
    assert [x.message for x in errors(result)] == ["空白表格：附件6中没有读出任何填写的内容"]


def test_the_bureaus_summary_workbook_reads_as_annex6(tmp_path):
    from toolkit.bureau import annex6_xlsx
    from toolkit.bureau.summary import Summary
    rows = [{"platform_name": "平台甲", "revenue_new": 120.5, "served_growth_pct": -3.5},
            {"platform_name": "平台乙", "staff_total": 16}]
    s = Summary(2025, {"bureau": "西宁市工业和信息化局", "filler": "赵晓燕", "filler_phone": "0971-8200001",
                       "fill_date": "2026-01-20"}, rows, {"revenue_new": 120.5, "staff_total": 16})
    annex6_xlsx.write(s, tmp_path / "汇总.xlsx")
    a6 = parse_paths([tmp_path / "汇总.xlsx"]).data["annex6"]
    assert a6["platforms"] == rows                   # the 合计 row and the note are not platforms
    assert (a6["year"], a6["bureau"], a6["filler_phone"]) == (2025, "西宁市工业和信息化局", "0971-8200001")


def test_summary_takes_annex6_xlsx_returns(good_data, tmp_path):
    returns = tmp_path / "returns"
    returns.mkdir()
    for i in range(3):
        d = dict(good_data)
        d["annex6"] = {**good_data["annex6"],
                       "platforms": [{**good_data["annex6"]["platforms"][0], "platform_name": f"平台{i}"}]}
        xlsxform.write_filled(6, d, returns / f"平台{i}.xlsx")
    shutil.copy(returns / "平台0.xlsx", returns / "~$平台0.xlsx")     # Excel's lock file: not a return
    out = returns / "附件6汇总表.xlsx"
    s = make_summary([returns], 2025, out)
    assert [r["platform_name"] for r in s.rows] == ["平台0", "平台1", "平台2"]
    s = make_summary([returns], 2025, out)           # its own output in the folder is not an input
    assert len(s.rows) == 3
    r = CliRunner().invoke(main, ["summary", str(returns / "平台1.xlsx"), "--year", "2026",
                                  "--out", str(tmp_path / "s.xlsx")])
    assert r.exit_code == 0 and "这份附件6填的是2025年度，本次汇总的是2026年度" in r.output


def test_seed_layout_typed_by_hand_with_tick_columns(tmp_path):
    """A sheet made by hand like the printed form: 企业满意度 over 满意 | 不满意, ticks in them."""
    wb = Workbook()
    ws = wb.active
    ws.title = "服务企业名单"
    ws.append(["平台服务中小企业名单及满意度评价表"])
    ws.append(["序号", "服务企业名称", "联系人", "联系电话", "服务内容简述", "企业满意度", None])
    ws.append([None, None, None, None, None, "满意", "不满意"])
    ws.merge_cells("F2:G2")
    ws.append([1, "青海甲公司", "张三", "0971-6100001", "政策咨询", "√", None])
    ws.append([2, "青海乙公司", "李四", "13909710002", "融资对接", None, "✓"])
    ws.append([3, "青海丙公司", "王五", None, "培训", "√", "√"])
    p = tmp_path / "名单.xlsx"
    wb.save(p)
    result = parse_paths([p])
    rows = result.data["annex5"]["enterprises"]
    assert [r.get("satisfaction") for r in rows] == ["满意", "不满意", None]
    both = [x for x in result.problems if "同时勾选" in x.message]
    assert len(both) == 1 and both[0].row == 3
    assert result.sources["annex5.enterprises[2].satisfaction"].endswith("第5行 “企业满意度/不满意”")


def test_a_percent_below_one_is_questioned(filled):
    p = filled(5)
    wb = load_workbook(p)
    ws = wb.active
    r, c = header_at(ws, "总体满意率（%）：")
    cell = next(x for x in ws[r] if x.column > c and x.number_format != "General")
    cell.value = 0.85                                # 85% typed as a fraction, format kept
    wb.save(p)
    said = [x for x in parse_paths([p]).problems if x.field == "satisfaction_rate"]
    assert len(said) == 1 and said[0].severity == WARNING and "应填写85" in said[0].message


def test_group_headers_unmerged_still_tell_repeated_sub_labels_apart(filled, good_data):
    """Annex 6 repeats 新增金额 / 同比增长（%） under five groups; with the merges gone (the group
    label only over its first column) each still lands in its own group."""
    p = filled(6)
    wb = load_workbook(p)
    ws = wb.active
    r, _ = header_at(ws, "序号")
    for m in [m for m in ws.merged_cells.ranges if m.min_row in (r, r + 1)]:
        ws.unmerge_cells(str(m))
    wb.save(p)
    assert parse_paths([p]).data["annex6"]["platforms"] == good_data["annex6"]["platforms"]


def test_a_column_added_by_the_filler_is_said_not_dropped(filled, good_data):
    p = filled(3)
    wb = load_workbook(p)
    ws = wb.active
    r, c = header_at(ws, "岗位")
    ws.insert_cols(c + 1)                            # after 岗位, before the 教育情况 group
    for m in ws.merged_cells.ranges:                 # as Excel does (openpyxl leaves merges behind)
        if m.min_col > c:
            m.shift(1, 0)
    ws.cell(r, c + 1, "身份证号")
    ws.cell(r + 2, c + 1, "630102199001011234")
    ws.cell(r + 3, c + 1, "630102199001011235")
    wb.save(p)
    result = parse_paths([p])
    assert result.data["annex3"]["staff"][0]["post"] == good_data["annex3"]["staff"][0]["post"]
    said = [x for x in result.problems if "不是附件3的栏目" in x.message]
    assert len(said) == 1 and "“身份证号”" in said[0].message and "2行" in said[0].message
    assert said[0].severity == WARNING


def test_footer_typed_as_printed_and_a_value_given_twice(filled):
    """上一年度共服务企业 56 家 in one cell, as the form prints it; a 总体满意率 given twice with two
    values is said, not silently one of them."""
    p = filled(5)
    wb = load_workbook(p)
    ws = wb.active
    r, c = header_at(ws, "上一年度共服务企业（家）：")
    for cell in ws[r]:
        if type(cell).__name__ == "Cell":
            cell.value = None
    ws.cell(r, 1, "上一年度共服务企业 61 家")
    ws.cell(r, 4, "总体满意率 90 %")
    ws.cell(r + 1, 1, "总体满意率：95")
    wb.save(p)
    result = parse_paths([p])
    assert result.data["annex5"]["served_total"] == 61 and result.data["annex5"]["satisfaction_rate"] == 90
    twice = [x for x in result.problems if x.field == "satisfaction_rate"]
    assert len(twice) == 1 and "两处的值不一致" in twice[0].message


def test_ods_without_libreoffice_says_how_to_save_it(tmp_path, monkeypatch):
    import zipfile

    from toolkit.parse import convert
    from toolkit.parse.sniff import REFUSED
    p = tmp_path / "附件5.ods"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    assert sniff(p) == ODS
    monkeypatch.setattr(convert, "soffice", lambda: None)
    assert [x.message for x in parse_file(p).problems] == [REFUSED[ODS]]
    assert ".xlsx" in REFUSED[ODS] and ".xlsx" in REFUSED[XLS]


def test_previous_years_annex6_form_gives_only_its_platforms(filled, good_data):
    """``--previous`` and the registry read annex 6 workbooks with ``annex6_xlsx.read_rows``: the
    form's numbered spare rows are no platforms."""
    from toolkit.bureau import annex6_xlsx
    rows = annex6_xlsx.read_rows(filled(6))
    assert [r["platform_name"] for r in rows] == [r["platform_name"] for r in good_data["annex6"]["platforms"]]
