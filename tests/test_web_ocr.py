"""Values read from a scan on the job page: each marked 扫描件识别 with its source and confidence,
and the low-confidence ones listed in a 请核对 block of their applicant.  The OCR itself is
tested in test_parse_scans.py; here the filled Word annex 1 is read and its values are marked
as ``parse.scan.read.mark`` marks a scan's (via ocr, confidence, 扫描件 in the source)."""
from __future__ import annotations

import io
import re

import pytest

from toolkit.web import create_app
from web_support import csrf, filled_annexes, wait_done


@pytest.fixture
def app(tmp_path):
    a = create_app({"workspace": tmp_path})
    yield a
    a.extensions["qhsme_jobs"].close()


def as_scanned(got: list[list]) -> list[list]:
    from toolkit.parse.scan.read import LOW_CONF
    for pfs in got:
        for pf in pfs:
            for i, v in enumerate(pf.values):
                v.via, v.conf = "ocr", (LOW_CONF - 0.25 if v.name.field == "unit_name" else 0.97)
                v.source = f"第1页（扫描件，识别置信度{v.conf:.2f}）"
    return got


def test_ocr_values_are_marked_and_unsure_ones_listed_to_check(app, tmp_path, monkeypatch):
    import toolkit.web.work as work
    real = work.read_all
    monkeypatch.setattr(work, "read_all", lambda paths, progress=None: as_scanned(real(paths, progress)))
    (annex1,) = filled_annexes(tmp_path / "in", "docx", annexes=(1,))
    c = app.test_client()
    r = c.post("/batch", data={"csrf": csrf(c), "files": [(io.BytesIO(annex1.read_bytes()), "扫描/附件1.docx")]},
               content_type="multipart/form-data")
    html = wait_done(c, r.headers["Location"])
    review = re.search(r'<div class="notice review">(.*?)</div>', html, re.S).group(1)
    assert "请核对（1）" in review and "单位名称" in review and "0.65" in review
    assert "青海堃元中小企业服务有限公司" in review
    values = re.search(r'<details class="ocr-values">(.*?)</details>', html, re.S).group(1)
    assert values.count('<span class="ocr">扫描件识别</span>') == values.count("<tr") - 1 > 5   # each value, header aside
    assert "扫描/附件1.docx" in values and "0.97" in values
