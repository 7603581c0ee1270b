"""fillable/index.html: every annex with its title, both formats when present, sizes, thumbnail."""
from __future__ import annotations

import re
import shutil

from conftest import ROOT
from toolkit.model.annexes import ANNEXES
from toolkit.pdfform import write_index


def test_index_lists_every_annex_with_formats_sizes_and_thumbnails(tmp_path):
    for n in range(1, 8):
        shutil.copy(ROOT / "fillable" / f"annex{n}.pdf", tmp_path)
    (tmp_path / "annex3.docx").write_bytes(b"PK\x03\x04" + b"0" * 3000)
    write_index(tmp_path)
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert 'lang="zh-CN"' in html
    for a in ANNEXES:
        assert a.title in html and f'href="annex{a.number}.pdf"' in html
        thumb = tmp_path / "thumbs" / f"annex{a.number}.png"
        assert thumb.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and thumb.stat().st_size < 20_000
        assert f'src="thumbs/annex{a.number}.png"' in html
    assert 'href="annex3.docx"' in html and 'href="annex4.docx"' not in html
    assert re.search(r"annex1\.pdf</a>（PDF（可填写）, ?\d", html) or re.search(r"\d+(\.\d)? (KB|MB)", html)


def test_committed_index_matches_committed_files():
    html = (ROOT / "fillable" / "index.html").read_text(encoding="utf-8")
    for n in range(1, 8):
        assert (ROOT / "fillable" / "thumbs" / f"annex{n}.png").is_file()
        assert f'href="annex{n}.pdf"' in html
        if (ROOT / "fillable" / f"annex{n}.docx").is_file():
            assert f'href="annex{n}.docx"' in html
