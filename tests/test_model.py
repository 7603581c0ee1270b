"""The annex declarations against the regulation's own text (toolkit/data/regulation.txt)."""
import pytest

from toolkit import regulation
from toolkit.model import ANNEXES, annex
from toolkit.model.fields import Table


@pytest.mark.parametrize("a", ANNEXES, ids=lambda a: a.id)
def test_every_printed_cell_of_the_seed_is_in_the_model(a):
    model_text = regulation.squash("".join(a.printed_texts()))
    cells = regulation.annex_cells(a.number)
    assert len(cells) >= 9
    missing = [c for c in cells if regulation.squash(c) not in model_text]
    assert missing == []


@pytest.mark.parametrize("a", ANNEXES, ids=lambda a: a.id)
def test_the_model_prints_nothing_the_seed_does_not(a):
    seed = regulation.squash(regulation.annex_text(a.number))
    extra = [t for t in a.printed_texts() if regulation.squash(t) not in seed]
    assert extra == []


def test_field_ids_are_ascii_and_unique_per_annex():
    for a in ANNEXES:
        ids = [n.id for n in a.nodes()]
        assert len(ids) == len(set(ids))
        for t in a.tables():
            cols = [c.id for c in t.columns]
            assert len(cols) == len(set(cols))
            assert all(c.isascii() for c in cols)


def test_annex6_has_24_columns_under_two_header_rows():
    t = annex(6)["platforms"]
    assert isinstance(t, Table)
    assert len(t.columns) + (1 if t.numbered else 0) == 24
    grouped = [c for g in t.groups for c in g.columns]
    assert len(grouped) == 19 and len(set(grouped)) == 19
    assert t.column_label("revenue_growth_pct") == "营业收入/同比增长（%）"


def test_article5_minimums_fit_in_the_tables():
    assert annex(3)["staff"].min_rows == 15 and annex(3)["staff"].blank_rows >= 15
    assert annex(5)["enterprises"].min_rows == 50 and annex(5)["enterprises"].blank_rows >= 50


def test_annex7_is_annex1_for_a_review():
    a1, a7 = annex(1), annex(7)
    assert a7.cover is None and a1.cover is not None
    body1 = {n.id for s in a1.sections for n in _nodes(s)} - {"bureau_opinion"}
    body7 = {n.id for s in a7.sections for n in _nodes(s)} - {"review_opinion", "unit_name"}
    assert body1 == body7
    assert "复核意见" in a7["review_opinion"].label
    assert a1["bureau_opinion"].min_length == 20


def _nodes(section):
    from toolkit.model.fields import Row
    for item in section.items:
        if isinstance(item, Row):
            yield from item.fields
        elif hasattr(item, "id"):
            yield item


def test_lookup_by_number_and_id():
    assert annex(3) is annex("annex3") is annex("3")
    with pytest.raises(KeyError):
        annex(8)


def test_article_text_is_read_from_the_regulation():
    assert "年服务中小企业不少于50家" in regulation.article(5)
    assert "青南、环湖" in regulation.article(7)
    assert regulation.article(16).startswith("对认定的示范平台")


def test_field_names_round_trip():
    from toolkit.model.naming import field_name, parse_name
    for a in ANNEXES:
        for f in a.fields():
            assert parse_name(field_name(a.id, f.id)).field == f.id
        for t in a.tables():
            for c in t.columns:
                name = field_name(a.id, c.id, table=t.id, row=57, option=2)
                assert "." not in name and name.isascii()
                p = parse_name(name)
                assert (p.annex, p.table, p.row, p.field, p.option) == (a.id, t.id, 57, c.id, 2)
    assert parse_name("Text1") is None
