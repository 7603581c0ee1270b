"""Blank forms filled by third-party tools (pypdf, PyPDFForm, pdftk) parse back to the data.

Each filler gets the sample's values as text (``toolkit.normalize.to_text``) and
the tick boxes as their on-states; the parser must read the same data back."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from toolkit.model import annex
from toolkit.model.naming import field_name
from toolkit.normalize import to_text
from toolkit.parse import parse_paths

from conftest import ROOT, need

ANNEXES = (1, 2, 3, 4, 5, 6, 7)


def sample_part(data: dict, n: int) -> dict:
    """The sample's annex ``n``, whole: the blanks hold all its rows (18 staff, 56 enterprises,
    3 photos), more than the regulation's minimums the blanks once stopped at (15, 50, 1)."""
    a = annex(n)
    if n == 7:
        import datetime as dt

        from toolkit.bureau.review import review_data
        data = review_data(data, dt.date(2026, 3, 15))
    return dict(data[a.id])


def test_the_whole_sample_is_longer_than_the_official_forms(good_data):
    """What the tests below fill is the sample's complete lists, not a cut of them."""
    longer = {t.id: len(good_data[a.id][t.id]) for a in map(annex, ANNEXES) for t in a.tables()
              if len(good_data.get(a.id, {}).get(t.id) or []) > t.blank_rows}
    assert longer == {"staff": 18, "enterprises": 56, "photos": 3}


def values_for(n: int, part: dict) -> tuple[dict[str, str], dict[str, bool]]:
    a = annex(n)
    text, ticks = {}, {}
    for node in a.nodes():
        if hasattr(node, "columns"):
            for i, row in enumerate(part.get(node.id, []), 1):
                for c in node.columns:
                    v = row.get(c.id)
                    if v is None:
                        continue
                    if c.choices and c.id in node.choice_columns:
                        ticks[field_name(a.id, c.id, table=node.id, row=i, option=c.choices.index(v) + 1)] = True
                    else:
                        text[field_name(a.id, c.id, table=node.id, row=i)] = to_text(c, v)
        else:
            v = part.get(node.id)
            if v is None:
                continue
            if node.choices and not node.choice_list:
                ticks[field_name(a.id, node.id, option=node.choices.index(v) + 1)] = True
            else:
                text[field_name(a.id, node.id)] = to_text(node, v)
    return text, ticks


def as_form(text: dict[str, str], blank: Path) -> dict[str, str]:
    """``text`` under the blank form's own names: a date the form prints in parts
    (____年__月__日) goes into its three fields, as a person fills them."""
    import re

    import pikepdf
    with pikepdf.open(blank) as pdf:
        names = {str(a.get("/T")) for page in pdf.pages for a in page.obj.get("/Annots", []) if "/T" in a}
    out = {}
    for name, value in text.items():
        digits = re.findall(r"\d+", value)
        if name not in names and f"{name}__y" in names and len(digits) == 3:
            out.update({f"{name}__{p}": d for p, d in zip("ymd", digits)})
        else:
            out[name] = value
    return out


def on_states(pdf: Path) -> dict[str, str]:
    from pypdf import PdfReader
    out = {}
    for name, f in (PdfReader(str(pdf)).get_fields() or {}).items():
        states = [s for s in f.get("/_States_", []) if s not in ("/Off", "Off")]
        if f.get("/FT") == "/Btn" and states:
            out[name] = states[0]
    return out


def fill_pypdf(src: Path, out: Path, text: dict, ticks: dict) -> None:
    from pypdf import PdfReader, PdfWriter
    w = PdfWriter(clone_from=PdfReader(str(src)))
    states = on_states(src)
    values = dict(text)
    values.update({k: states[k] for k in ticks if k in states})
    for page in w.pages:
        w.update_page_form_field_values(page, values, auto_regenerate=False)
    w.write(str(out))


def fill_pikepdf(src: Path, out: Path, text: dict, ticks: dict) -> None:
    """/V of each text field, /V and /AS of each tick box: what a viewer stores (fast)."""
    import pikepdf
    with pikepdf.open(src) as pdf:
        for f in pdf.Root.AcroForm.Fields:
            name = str(f.get("/T"))
            if name in text:
                f.V = pikepdf.String(text[name])
            elif ticks.get(name):
                on = next(k for k in f.AP.N.keys() if k != "/Off")
                f.V = f.AS = pikepdf.Name(on)
        pdf.save(out)


def fill_pypdfform(src: Path, out: Path, text: dict, ticks: dict) -> None:
    from PyPDFForm import PdfWrapper
    out.write_bytes(PdfWrapper(str(src)).fill({**text, **ticks}).read())


def fill_pdftk(src: Path, out: Path, text: dict, ticks: dict) -> None:
    need("pdftk")
    states = on_states(src)
    fields = "".join(f"<</T({k})/V<FEFF{v.encode('utf-16-be').hex()}>>>" for k, v in text.items())
    fields += "".join(f"<</T({k})/V{states[k]}>>" for k in ticks if k in states)
    fdf = out.with_suffix(".fdf")
    fdf.write_bytes(("%FDF-1.2\n1 0 obj<</FDF<</Fields[" + fields + "]>>>>endobj\n"
                     "trailer<</Root 1 0 R>>\n%%EOF\n").encode("ascii"))
    subprocess.run(["pdftk", str(src), "fill_form", str(fdf), "output", str(out), "need_appearances"],
                   check=True, capture_output=True)


@pytest.fixture(scope="module")
def blanks():
    """The committed blanks people download (tests/test_pdf_forms.py: equal to fresh ones)."""
    return ROOT / "fillable"


@pytest.mark.parametrize("n", ANNEXES)
@pytest.mark.parametrize("filler", [fill_pypdf, fill_pypdfform, fill_pdftk], ids=["pypdf", "PyPDFForm", "pdftk"])
def test_third_party_filled_form_parses_back(blanks, good_data, tmp_path, filler, n):
    part = sample_part(good_data, n)
    text, ticks = values_for(n, part)
    text = as_form(text, blanks / f"annex{n}.pdf")
    out = tmp_path / f"annex{n}-filled.pdf"
    filler(blanks / f"annex{n}.pdf", out, text, ticks)
    res = parse_paths([out])
    got = res.data[f"annex{n}"]
    assert got == part


def test_a_set_filled_in_a_viewer_passes_without_photo_files(blanks, good_data, tmp_path):
    """A person filling the PDFs types the photos' captions but cannot put a photo file in
    annex 2's unlabelled 照片文件 box: that is a hint to hand in the photos, not an error
    that fails every set (exit 1)."""
    from click.testing import CliRunner

    from toolkit.cli import main
    outs = []
    for n in (1, 2, 3, 4, 5, 6):
        part = sample_part(good_data, n)
        if "photos" in part:           # copies: the rows are the session's sample data
            part["photos"] = [{k: v for k, v in row.items() if k != "file"} for row in part["photos"]]
        text, ticks = values_for(n, part)
        text = as_form(text, blanks / f"annex{n}.pdf")
        outs.append(tmp_path / f"annex{n}.pdf")
        fill_pikepdf(blanks / f"annex{n}.pdf", outs[-1], text, ticks)
    res = CliRunner().invoke(main, ["parse", *map(str, outs), "--out", str(tmp_path / "o.json")])
    assert res.exit_code == 0, res.output
    photo = [ln for ln in res.output.splitlines() if "照片" in ln]
    assert len(photo) == 1 and photo[0].startswith("[提示]") and "申请报告" in photo[0]
