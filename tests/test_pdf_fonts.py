"""The form fonts: built once, TrueType, no radical aliases, licence beside them, chosen by option."""
from __future__ import annotations

import io

import pytest
from fontTools.ttLib import TTFont

from toolkit.errors import ResourceMissing
from toolkit.model.annexes import ANNEXES
from toolkit.pdfform import fonts as F


@pytest.fixture(scope="module")
def built():
    return F.fonts()


@pytest.mark.parametrize("which", ["serif", "field", "labels"])
def test_fonts_are_truetype_without_aliases(built, which):
    with TTFont(str(getattr(built, which)), lazy=True) as font:
        assert "glyf" in font and "CFF " not in font
        cmap = font.getBestCmap()
        assert not [cp for cp in cmap if F.is_alias(cp)]
        glyphs = [g for cp, g in cmap.items() if cp > 0x7F]
        assert len(glyphs) == len(set(glyphs)), "two code points share a glyph"


def test_every_printed_word_is_in_the_labels_and_field_fonts(built):
    words = "".join(t for a in ANNEXES for t in a.printed_texts())
    for path in (built.labels, built.field):
        assert F.missing(words, path) == ""


def test_field_font_has_gb2312_and_names_but_not_everything(built):
    """Coverage in full: tests/test_pdf_field_font.py; characters outside it (𠀀) get a rare font."""
    sample = "".join(bytes((hi, 0xA1)).decode("gb2312") for hi in range(0xB0, 0xF8))   # levels 1 and 2
    assert F.missing(sample + "堃喆", built.field) == ""
    assert F.missing("堃喆\U00020000", built.field) == "\U00020000"


def test_rare_font_draws_characters_no_font_has():
    data = F.rare_font("堃\U00020000")
    with TTFont(io.BytesIO(data)) as font:
        cmap = font.getBestCmap()
        assert 0x5803 in cmap and 0x20000 in cmap
        assert font["glyf"][cmap[0x20000]].numberOfContours > 4     # the boxed hex code


def test_licence_is_kept_beside_the_built_fonts(built):
    if F.licence_text() is None:
        pytest.skip("pylopdf-fonts-zh-cn metadata has no licence file")
    assert "Open Font License" in (F.cache_dir() / "OFL.txt").read_text(encoding="utf-8")


def test_source_font_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("QHSME_FONT", str(tmp_path / "none.ttf"))
    with pytest.raises(ResourceMissing, match="QHSME_FONT"):
        F.source_font()
    ttf = tmp_path / "fangsong.ttf"
    ttf.write_bytes(b"x")
    monkeypatch.setenv("QHSME_FONT", str(ttf))
    assert F.source_font() == (ttf, 0)
    monkeypatch.setenv("QHSME_FONT", f"{ttf}#2")
    assert F.source_font() == (ttf, 2)


def test_a_chosen_font_builds_its_own_cache(monkeypatch, tmp_path, built):
    """A user's font (here the labels font itself, small) is made safe into its own cache entry."""
    monkeypatch.setenv("QHSME_CACHE", str(tmp_path))
    try:
        F.set_source_font(built.labels)
        fs = F.fonts()
        assert fs.source == built.labels and fs.field.parent == tmp_path / "fonts"
        with TTFont(str(fs.field), lazy=True) as font:
            assert font["name"].getDebugName(1) == F.FIELD_FAMILY
    finally:
        monkeypatch.undo()
        F.set_source_font(None)
    assert F.fonts() == built
