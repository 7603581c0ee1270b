"""Text lines and check boxes of a page image without a detector (toolkit.parse.scan.lines)."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import unavailable


@pytest.fixture(scope="module", autouse=True)
def cv():
    from toolkit.parse import scan
    reason = scan.available()
    if reason and "OpenCV" in reason:
        unavailable(reason)


def _ink(h=200, w=400):
    return np.zeros((h, w), np.uint8)


def test_a_character_of_strokes_stays_one_line():
    from toolkit.parse.scan.lines import pieces_of
    ink = _ink()
    ink[50:53, 100:130] = 255      # 二: two strokes with a gap taller than either
    ink[75:78, 95:135] = 255
    ink[120:150, 100:102] = 255    # a second line below: a tall stroke
    ink[120:122, 100:130] = 255
    ps = pieces_of(ink, (0, 0, 400, 200), 0, 200)
    assert [(p.y0, p.y1) for p in ps] == [(50, 78), (120, 150)]


def test_a_wide_gap_splits_a_line_into_pieces():
    from toolkit.parse.scan.lines import pieces_of
    ink = _ink()
    ink[50:80, 20:50] = 255
    ink[50:80, 55:85] = 255        # next character: same piece
    ink[50:80, 200:230] = 255      # far right: its own piece
    ps = pieces_of(ink, (0, 0, 400, 200), 0, 200)
    assert [(p.x0, p.x1) for p in ps] == [(20, 85), (200, 230)]


def test_an_empty_or_specked_region_has_no_piece():
    from toolkit.parse.scan.lines import clean, pieces_of
    ink = _ink()
    rng = np.random.default_rng(1)
    ys, xs = rng.integers(0, 200, 40), rng.integers(0, 400, 40)
    ink[ys, xs] = 255              # scanner specks
    assert pieces_of(clean(ink), (0, 0, 400, 200), 0, 200) == []


def _box(ink, x, y, s=30, tick=False, middle=False):
    ink[y:y + 2, x:x + s] = ink[y + s - 2:y + s, x:x + s] = 255
    ink[y:y + s, x:x + 2] = ink[y:y + s, x + s - 2:x + s] = 255
    if tick:
        for k in range(6, s - 6):
            ink[y + k, x + k - 1:x + k + 1] = ink[y + k, x + s - k - 1:x + s - k + 1] = 255   # ☒
    if middle:
        ink[y + s // 2:y + s // 2 + 2, x:x + s] = 255


def test_a_drawn_check_box_is_told_empty_or_ticked():
    from toolkit.parse.scan.lines import Piece, box_mark
    ink = _ink()
    _box(ink, 10, 10)
    _box(ink, 60, 10, tick=True)
    ink[100:130, 10:12] = ink[100:102, 10:40] = ink[128:130, 10:40] = 255    # 匚: not closed
    assert box_mark(ink, Piece(10, 10, 40, 40, 0)) == "□"
    assert box_mark(ink, Piece(60, 10, 90, 40, 0)) == "☑"
    assert box_mark(ink, Piece(10, 100, 40, 130, 0)) is None


def test_full_width_punctuation_in_chinese_text():
    from toolkit.parse.scan.lines import Piece, glyphs_of
    chars = [("单", .1, .99), ("位", .3, .99), ("(", .45, .9), ("盖", .6, .99), (")", .75, .9), (":", .9, .6)]
    gl = glyphs_of(Piece(0, 0, 120, 20, 0), "", chars, 0.36, 1)
    assert "".join(g.text for g in gl) == "单位（盖）："
    assert [g.conf for g in gl][-1] == 0.6
    nums = glyphs_of(Piece(0, 0, 60, 20, 0), "", [("1", .2, 1), (":", .5, 1), ("2", .8, 1)], 0.36, 1)
    assert "".join(g.text for g in nums) == "1:2"
    assert all(a.x1 <= b.x0 + 1e-9 for a, b in zip(gl, gl[1:]))          # in order, no overlap


def test_ink_no_character_was_read_for_lowers_the_confidence():
    from toolkit.parse.scan.lines import UNREAD_CONF, Piece, glyphs_of
    ink = _ink()
    ink[50:74, 20:44] = 255            # 刘 ...
    ink[50:74, 45:69] = 255            # ... touching a box the font drew for a glyph it lacks
    ink[50:74, 73:97] = 255            # 芳
    p = Piece(20, 50, 97, 74, 0)
    read_two = [("刘", 12 / 77, .99), ("芳", 65 / 77, .99)]          # centres in the crop's fractions
    gl = glyphs_of(p, "刘芳", read_two, 0.36, 1, ink=ink)
    assert [g.conf for g in gl] == [UNREAD_CONF, UNREAD_CONF]      # reported for checking (请核对)
    ink[50:74, 45:69] = 0              # without the box every character is accounted for
    assert [g.conf for g in glyphs_of(Piece(20, 50, 97, 74, 0), "刘芳", read_two, 0.36, 1, ink=ink)] == [.99, .99]


def test_brackets_of_a_piece_are_of_one_kind():
    from toolkit.parse.scan.lines import Piece, glyphs_of
    chars = [(c, (k + .5) / 7, .99) for k, c in enumerate("(2025年度)")]
    gl = glyphs_of(Piece(0, 0, 140, 20, 0), "", chars, 0.36, 1)
    assert "".join(g.text for g in gl) == "（2025年度）"


def test_a_colon_read_as_two_dots_and_a_date_rule_read_as_underscores_are_tidied():
    """所在市（州）： scanned: the recogniser reads the colon as two stacked dots, and the rule
    under a date as underscores; the label must read as printed for the reader to find it."""
    from toolkit.parse.geometry import G
    from toolkit.parse.scan.source import tidy
    label = [G(c, 128 + 14 * k, 142 + 14 * k, 478, 493, 15.0, 1, conf=0.99) for k, c in enumerate("所在市")]
    dots = [G("•", 220, 222, 482.3, 485.3, 3.0, 1, conf=0.8), G("•", 220, 222, 488.5, 491.5, 3.0, 1, conf=0.7)]
    rule = [G("_", 330, 340, 533, 534.5, 1.5, 1)]
    value = [G(c, 246 + 13 * k, 259 + 13 * k, 478, 491, 12.6, 1) for k, c in enumerate("西宁市")]
    got = tidy(label + dots + rule + value)
    assert "".join(g.text for g in got) == "所在市：西宁市"
    colon = got[3]
    assert colon.top == 482.3 and colon.bottom == 491.5 and colon.conf == 0.7
    # a middle dot between words (a name: 阿卜杜·热合曼) is no colon
    name = [G("杜", 100, 112, 100, 112, 12, 1), G("·", 113, 115, 105, 107, 2, 1), G("热", 116, 128, 100, 112, 12, 1)]
    assert "".join(g.text for g in tidy(name)) == "杜·热"


def test_a_dot_read_before_a_value_is_no_part_of_it():
    """申报单位（盖章）：青海… scanned: one dot of the colon read with the value's piece."""
    from toolkit.parse.geometry import G
    from toolkit.parse.scan.source import tidy
    label = [G(c, 50 + 12 * k, 62 + 12 * k, 100, 112, 12.0, 1) for k, c in enumerate("单位（盖章）：")]
    piece = [G(c, 140 + 12 * k, 152 + 12 * k, 101, 113, 12.5, 1) for k, c in enumerate("·青海")]
    assert "".join(g.text for g in tidy(label + piece)) == "单位（盖章）：青海"
    bare = [G(c, 50 + 12 * k, 62 + 12 * k, 100, 112, 12.0, 1) for k, c in enumerate("所在市（州）")]
    piece = [G(c, 125 + 12 * k, 137 + 12 * k, 101, 113, 12.5, 1) for k, c in enumerate("•西宁")]
    assert "".join(g.text for g in tidy(bare + piece)) == "所在市（州）：西宁"
