"""Values typed outside their cell in a returned DOCX: after the label inside the label cell,
over or before the 年 月 日 / （年度） blank, into vertically or horizontally merged cells.
Each is read, or reported on its cell; none is dropped.  Every case runs twice: as Word saves it
(content-control tags kept) and as LibreOffice 7.4 / WPS leave it (tags lost, grid only)."""
from __future__ import annotations

import pytest

from toolkit import docxform
from toolkit.parse import parse_paths

from conftest import SAMPLES
from docx_helpers import (W, cells, clear, drop_tags, edit_document, merge_down, merge_right, next_tc,
                          row_cells, type_after, type_before, type_over)

BLANK_YMD = "　　　年　　　月　　　日"


@pytest.fixture(scope="module")
def filled(good_data, tmp_path_factory):
    d = tmp_path_factory.mktemp("docx-cells")
    for n in (1, 2, 3, 6):
        docxform.write_filled(n, good_data, d / f"filled-annex{n}.docx", base_dir=SAMPLES)
    return d


@pytest.fixture(params=["word-tags-kept", "tags-lost"])
def tags(request):
    return request.param


def edited(filled, tmp_path, n: int, tags: str, fn, name: str):
    def apply(root):
        fn(root)
        if tags == "tags-lost":
            drop_tags(root)
    return edit_document(filled / f"filled-annex{n}.docx", tmp_path / f"annex{n}-{name}-{tags}.docx", apply)


def problems_about(res, text: str):
    return [p for p in res.problems if text in p.message]


def staff_row(root, name: str):
    return next(tr for tr in root.iter(W + "tr") if any(c.text == name for c in tr.iter(W + "t")))


# --- typed after the label, inside the label cell ------------------------------------------------

def test_values_typed_after_the_label_in_the_label_cell(good_data, filled, tmp_path, tags):
    a1 = good_data["annex1"]

    def typed(root):
        for label, value, sep in (("传真", a1["fax"], " "), ("网址（已建网站的填写）", a1["website"], "："),
                                  ("单位名称：", a1["unit_name"], "")):
            label_cell = cells(root, label)[0]
            clear(next_tc(label_cell))
            type_after(label_cell, sep + value)
    res = parse_paths([edited(filled, tmp_path, 1, tags, typed, "typed-in-label-cell")])
    got = res.data["annex1"]
    assert (got["fax"], got["website"], got["unit_name"]) == (a1["fax"], a1["website"], a1["unit_name"])
    assert not [p for p in res.problems if p.severity == "错误"]


def test_text_in_the_label_cell_beside_a_filled_value_cell_is_reported(good_data, filled, tmp_path, tags):
    res = parse_paths([edited(filled, tmp_path, 1, tags,
                              lambda root: type_after(cells(root, "传真")[0], " 0971-6199999"), "label-and-value")])
    assert res.data["annex1"]["fax"] == good_data["annex1"]["fax"]
    hit = problems_about(res, "0971-6199999")
    assert hit and hit[0].field == "fax" and "传真" in hit[0].source


# --- dates and years typed over or before their blank ------------------------------------------

@pytest.mark.parametrize("typed", ["2026-03-28", "2026 年 3 月 28 日", "2026年3月28日", "2026.3.28"])
def test_opinion_date_typed_over_the_blank(good_data, filled, tmp_path, tags, typed):
    res = parse_paths([edited(filled, tmp_path, 1, tags,
                              lambda root: type_over(cells(root, "2026年3月28日")[0], typed), "date-over")])
    assert res.data["annex1"].get("opinion_date") == good_data["annex1"]["opinion_date"]
    assert not problems_about(res, "日期")


@pytest.mark.parametrize("label", ["填报日期：", "（单位盖章）"])
def test_date_typed_before_the_blank(good_data, filled, tmp_path, tags, label):
    """"2026-03-15　年　月　日": the cursor was put at the start of the blank."""
    key = "fill_date" if label == "填报日期：" else "opinion_date"
    want = good_data["annex1"][key]

    def typed(root):
        label_cell = cells(root, label)[0]
        cell = next_tc(label_cell) if label == "填报日期：" else \
            row_cells(label_cell.getparent().getnext())[0]        # the row under the seal
        type_over(cell, BLANK_YMD)
        type_before(cell, str(want))
    res = parse_paths([edited(filled, tmp_path, 1, tags, typed, "date-before")])
    assert res.data["annex1"].get(key) == want
    assert not problems_about(res, "日期格式无法识别")


@pytest.mark.parametrize("typed", ["2025", "2025年", "2025年度", "（2025）"])
def test_year_typed_over_the_blank(good_data, filled, tmp_path, tags, typed):
    res = parse_paths([edited(filled, tmp_path, 6, tags,
                              lambda root: type_over(cells(root, "（2025年度）")[0], typed), "year-over")])
    assert res.data["annex6"].get("year") == good_data["annex6"]["year"]
    assert not problems_about(res, "必填项未填写")


def test_unreadable_text_over_the_blank_is_reported_not_dropped(filled, tmp_path, tags):
    res = parse_paths([edited(filled, tmp_path, 1, tags,
                              lambda root: type_over(cells(root, "2026年3月28日")[0], "三月底"), "date-words")])
    assert any("三月底" in p.message and p.field == "opinion_date" for p in res.problems)


# --- merged cells ----------------------------------------------------------------------------------

def test_vertical_merge_of_one_value_reads_it_on_both_rows(good_data, filled, tmp_path, tags):
    """王占武 and 孙国庆 are both 硕士研究生: the two cells merged, the value typed once."""
    def merged(root):
        top, below = staff_row(root, "王占武"), staff_row(root, "孙国庆")
        merge_down(row_cells(top)[3], row_cells(below)[3], keep_both=False)
    res = parse_paths([edited(filled, tmp_path, 3, tags, merged, "vmerge-one")])
    staff = res.data["annex3"]["staff"]
    assert [s["education"] for s in staff[1:3]] == ["硕士研究生", "硕士研究生"]
    assert len(staff) == len(good_data["annex3"]["staff"])
    hint = problems_about(res, "合并")
    assert hint and hint[0].row == 3 and hint[0].field == "education"


def test_vertical_merge_keeping_both_values_reads_each_on_its_row(good_data, filled, tmp_path, tags):
    """Word moves the lower cell's text into the merged cell as a second paragraph."""
    def merged(root):
        top, below = staff_row(root, "罗秀英"), staff_row(root, "王占武")
        merge_down(row_cells(top)[3], row_cells(below)[3], keep_both=True)
    res = parse_paths([edited(filled, tmp_path, 3, tags, merged, "vmerge-both")])
    staff = res.data["annex3"]["staff"]
    assert [s["education"] for s in staff[:2]] == ["大学本科", "硕士研究生"]


def test_horizontal_merge_keeping_both_values_reads_each_column(good_data, filled, tmp_path, tags):
    def merged(root):
        row = row_cells(staff_row(root, "罗秀英"))
        merge_right(row[5], row[6], as_lines=True)
    res = parse_paths([edited(filled, tmp_path, 3, tags, merged, "hmerge-lines")])
    first = res.data["annex3"]["staff"][0]
    assert (first["certificate"], first["issuer"]) == ("中级会计师", "财政部")
    assert problems_about(res, "合并")


def test_horizontal_merge_on_one_line_is_reported_on_its_cell(good_data, filled, tmp_path, tags):
    def merged(root):
        row = row_cells(staff_row(root, "罗秀英"))
        merge_right(row[5], row[6], as_lines=False)
    res = parse_paths([edited(filled, tmp_path, 3, tags, merged, "hmerge-one-line")])
    hit = problems_about(res, "中级会计师 财政部")
    assert hit and hit[0].row == 1 and "资格证名称" in hit[0].message and "发证机关" in hit[0].message
    assert hit[0].severity == "错误"
    first = res.data["annex3"]["staff"][0]
    assert first.get("issuer", "") == ""                 # not put into one column as if it were right
    assert first["name"] == "罗秀英"


# --- anything else typed where the form has no field ----------------------------------------------

def test_text_typed_in_a_cell_without_field_is_reported(filled, tmp_path, tags):
    def typed(root):
        spacer = row_cells(cells(root, "单位名称：")[0].getparent())[0]     # the empty cell left of it
        type_after(spacer, "备注：请联系马老师")
    res = parse_paths([edited(filled, tmp_path, 1, tags, typed, "stray-text")])
    hit = problems_about(res, "备注：请联系马老师")
    assert hit and "表格第1行" in hit[0].source


def test_filled_forms_leave_no_stray_text(good_data, filled):
    res = parse_paths([filled / f"filled-annex{n}.docx" for n in (1, 2, 3, 6)])
    assert not problems_about(res, "未读取")


@pytest.mark.parametrize("pair", [("联系人", 0), ("联系人", 1), ("注册资本", 1)],
                         ids=["label+value", "value+next-label", "value+unit"])
def test_merged_cells_in_the_labelled_part_are_read_as_the_cells_they_were(good_data, filled, tmp_path, tags,
                                                                             pair):
    label, shift = pair
    a1 = good_data["annex1"]

    def merged(root):
        left = cells(root, label)[0]
        for _ in range(shift):
            left = next_tc(left)
        merge_right(left, next_tc(left), as_lines=True)
    res = parse_paths([edited(filled, tmp_path, 1, tags, merged, f"merged-{label}-{shift}")])
    got = res.data["annex1"]
    assert (got["contact"], got["phone"], got["registered_capital"]) == \
        (a1["contact"], a1["phone"], a1["registered_capital"])
    assert not [p for p in res.problems if p.severity == "错误"]


def test_tick_typed_after_the_choice_words(good_data, filled, tmp_path, tags):
    def typed(root):
        word = cells(root, "租用")[0]
        type_over(next_tc(word), "□")
        type_after(word, "√")
    res = parse_paths([edited(filled, tmp_path, 1, tags, typed, "tick-in-word-cell")])
    assert res.data["annex1"]["site_nature"] == good_data["annex1"]["site_nature"] == "租用"


def test_horizontal_merge_over_the_number_column_reads_the_name(good_data, filled, tmp_path, tags):
    def merged(root):
        row = row_cells(staff_row(root, "王占武"))
        merge_right(row[0], row[1], as_lines=True)          # 序号 "2" and 姓名 in one cell
    res = parse_paths([edited(filled, tmp_path, 3, tags, merged, "hmerge-number")])
    assert [s["name"] for s in res.data["annex3"]["staff"][:3]] == ["罗秀英", "王占武", "孙国庆"]


def test_date_typed_after_the_blank(good_data, filled, tmp_path, tags):
    want = good_data["annex1"]["opinion_date"]

    def typed(root):
        cell = cells(root, "2026年3月28日")[0]
        type_over(cell, BLANK_YMD)
        type_after(cell, " " + str(want))
    res = parse_paths([edited(filled, tmp_path, 1, tags, typed, "date-after")])
    assert res.data["annex1"].get("opinion_date") == want


def test_year_typed_before_the_blank(good_data, filled, tmp_path, tags):
    def typed(root):
        cell = cells(root, "（2025年度）")[0]
        type_over(cell, "（　　　年度）")
        type_before(cell, "2025")
    res = parse_paths([edited(filled, tmp_path, 6, tags, typed, "year-before")])
    assert res.data["annex6"].get("year") == good_data["annex6"]["year"]


def test_label_merged_down_into_its_value_in_a_stacked_part(good_data, filled, tmp_path, tags):
    """附件2: the heading row and the text under it merged (Word keeps both texts)."""
    def merged(root):
        label = next(tc for tc in root.iter(W + "tc") if "".join(tc.itertext()).startswith("1.申请单位"))
        merge_down(label, row_cells(label.getparent().getnext())[0], keep_both=True)
    res = parse_paths([edited(filled, tmp_path, 2, tags, merged, "stacked-vmerge")])
    assert res.data["annex2"]["s1_basics"] == good_data["annex2"]["s1_basics"]
    assert not [p for p in res.problems if p.severity == "错误"]


def test_a_table_whose_header_was_retyped_is_said_not_read(filled, tmp_path, tags):
    """附件3's header retyped in other words: the staff rows cannot be placed; said once for the
    table (and once for its unread cells), not cell by cell."""
    def retyped(root):
        for label in ("姓名", "岗位", "学历", "毕业院校及专业", "资格证名称", "发证机关", "在服务平台工作年限", "联系电话"):
            type_over(cells(root, label)[0], "第" + label)
    res = parse_paths([edited(filled, tmp_path, 3, tags, retyped, "header-retyped")])
    said = problems_about(res, "表头")
    assert said and said[0].table == "staff" and "该表未读取" in said[0].message
    assert len([p for p in res.problems if "未读取" in p.message]) <= 3
    assert problems_about(res, "个单元格的文字不在任何字段的位置")
