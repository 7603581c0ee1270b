"""The same problem said for many rows or fields of one file is one line naming them all
(issue 13: 98 hint lines for one copied table row, 8 for duplicate tags)."""
from __future__ import annotations

import copy
import zipfile
from pathlib import Path

from toolkit.problems import ERROR, WARNING, Problem, group_problems, row_spans

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def hint(message, **where):
    return Problem(message, severity=WARNING, file=where.pop("file", "a.docx"), annex="annex3", **where)


def test_row_spans():
    assert row_spans([3, 4, 5, 12, 11, 10, 15, 4]) == "第3–5、10–12、15行"
    assert row_spans([7]) == "第7行"


def test_one_column_missing_in_many_rows_is_one_line_naming_the_rows():
    ps = [Problem("必填项未填写", annex="annex5", table="enterprises", row=r, field="contact", label="联系人",
                  fix="请填写联系人", file="a5.pdf") for r in (*range(3, 13), 15)]
    (g,) = group_problems(ps)
    assert g.severity == ERROR and g.field == "contact" and g.label == "联系人" and g.row is None
    assert "共11处" in g.message and "第3–12、15行" in g.message
    assert str(g).count("\n") == 0 and g.fix == "请填写联系人"


def test_values_quoted_in_the_message_may_differ_and_one_is_shown():
    ps = [hint(f"按表格位置读到“{a}”，按控件标签读到“{b}”，已采用表格位置的值", field=f, fix="请核对该单元格",
               source=f"控件 a3__staff__{r}__{f}")
          for r in range(4, 18) for f, a, b in (("name", f"甲{r}", f"乙{r}"), ("education", "本科", "大专"))]
    (g,) = group_problems(ps)
    assert "共28处" in g.message and "第4–17行的姓名、教育情况/学历" in g.message
    assert "“甲4”" in g.message                       # the first, as an example
    assert g.table == "staff" and g.field is None


def test_duplicate_tags_with_different_contents_are_one_line():
    """docx ``_compare_tags``: 同一字段出现多次且内容不同：甲、乙, one per column of a copied row."""
    cols = ("name", "gender", "birth", "education", "title", "post", "years", "phone")
    ps = [hint(f"同一字段出现多次且内容不同：{c}甲、{c}乙", field=c, fix="可能复制了行或控件，请核对",
               source=f"控件 a3__staff__5__{c}") for c in cols]
    (g,) = group_problems(ps)
    assert g.message.startswith("同一字段出现多次且内容不同（共8处：第5行的") and g.message.count("、") >= 7


def test_different_problems_files_and_places_stay_apart_in_order():
    ps = [hint("甲", row=1), Problem("附件2：打印件中的照片未读取", severity=WARNING, file="a.pdf"),
          hint("甲", row=2), hint("甲", row=3, file="b.docx"),
          Problem("附件2：页面比例异常", severity=WARNING, file="a.pdf"), hint("乙", row=9)]
    got = group_problems(ps)
    assert [p.message.split("（")[0] for p in got] == ["甲", "附件2：打印件中的照片未读取", "甲", "附件2：页面比例异常", "乙"]
    assert "第1–2行" in got[0].message and got[2].file == "b.docx" and got[2].row == 3


def test_a_copied_docx_table_row_gives_a_few_lines_not_a_hundred(tmp_path, good_data):
    """Copying one row of annex 3's table in Word (its controls' tags too) made every later
    cell disagree with its tag: over 90 hint lines, now one per kind, naming the rows."""
    from lxml import etree

    from toolkit.docxform import write_filled
    from toolkit.parse import parse_paths
    src = tmp_path / "annex3.docx"
    write_filled(3, good_data, src)
    z = zipfile.ZipFile(src)
    doc = etree.fromstring(z.read("word/document.xml"))
    table = max(doc.iter(W + "tbl"), key=lambda t: len(t.findall(W + "tr")))
    row = table.findall(W + "tr")[4]
    row.addnext(copy.deepcopy(row))
    out = tmp_path / "annex3-row-copied.docx"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as o:
        for info in z.infolist():
            data = z.read(info.filename)
            if info.filename == "word/document.xml":
                data = etree.tostring(doc, xml_declaration=True, encoding="UTF-8", standalone=True)
            o.writestr(info, data)
    res = parse_paths([out])
    hints = [p for p in res.problems if p.severity == WARNING]
    assert len(hints) <= 5, "\n".join(map(str, hints))
    assert all(p.file == str(out) for p in hints)


def test_the_cli_prints_one_line_per_group(tmp_path):
    from click.testing import CliRunner

    from toolkit.cli import main
    from toolkit.pdfform import write_blank
    blank = tmp_path / "a3.pdf"
    write_blank(3, blank)
    import pikepdf
    filled = tmp_path / "a3-names-only.pdf"
    with pikepdf.open(blank) as pdf:
        for f in pdf.Root.AcroForm.Fields:
            if str(f.T).endswith("__name"):
                f.V = pikepdf.String("张三")
        pdf.save(filled)
    res = CliRunner().invoke(main, ["parse", str(filled), "--out", str(tmp_path / "o.json")])
    lines = [ln for ln in res.output.splitlines() if "必填项未填写" in ln and "（annex3.staff." in ln]
    assert lines and all("行" in ln and "共" in ln for ln in lines)
    assert len(lines) == len({ln.split("（annex3.staff.")[1].split("）")[0] for ln in lines})   # one per column
    assert Path(tmp_path / "o.json").exists()
