"""qhsme demo's scan step: our printed annex 3, stamped and scanned, read back by OCR; without
the ocr extra the demo says what to install and goes on."""
import json
import re

import pytest

from toolkit import demo
from toolkit.forms import load_valid

from conftest import SAMPLES


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    from toolkit.forms import write_filled_forms
    d = tmp_path_factory.mktemp("printed")
    write_filled_forms(SAMPLES / "xining-complete.yaml", d, "pdf", [demo.SCANNED], flatten=True)
    return d


def test_without_the_ocr_extra_the_demo_says_what_to_install_and_goes_on(tmp_path, monkeypatch):
    import toolkit.parse.scan as scan
    monkeypatch.setattr(scan, "available", lambda: "未安装 OCR 组件 rapidocr，无法识别扫描件；请运行 pip install 'qhsme[ocr]'")
    lines = list(demo._scan_back({}, tmp_path / "nothing-printed", tmp_path))
    assert "未识别" in lines[0] and "rapidocr" in lines[0]
    assert 'pip install ".[ocr]"' in lines[1]
    assert not (tmp_path / "扫描件").exists()


def test_the_scan_of_the_printed_annex_reads_back(printed, tmp_path):
    from toolkit.parse.scan import available
    if available():
        pytest.skip(available())
    data = load_valid(SAMPLES / "xining-complete.yaml")
    [line] = list(demo._scan_back(data, printed, tmp_path))
    m = re.search(r"从扫描件识别回数据：(\d+)/(\d+) 个值与原数据一致，请核对 (\d+) 个", line)
    assert m, line
    same, total, check = map(int, m.groups())
    assert total == demo._agree(data["annex3"], {})[1] and same >= 0.9 * total
    assert (tmp_path / "扫描件" / "附件3-扫描件.jpg").read_bytes()[:3] == b"\xff\xd8\xff"    # a JPEG
    back = json.loads((tmp_path / "扫描件" / "解析结果-扫描件.json").read_text(encoding="utf-8"))
    assert len(back["annex3"]["staff"]) == len(data["annex3"]["staff"])
    assert back["annex3"]["applicant"] == data["annex3"]["applicant"]       # read under the red seal
    assert 1 <= check <= total - same + 3                 # what OCR was unsure of is to be checked


def test_values_differing_only_in_spaces_agree_for_a_scan():
    assert demo._agree({"a": "青海大学 机械工程"}, {"a": "青海大学机械工程"}, spaces=False) == (1, 1)
    assert demo._agree({"a": "青海大学 机械工程"}, {"a": "青海大学机械工程"}) == (0, 1)
    assert demo._agree({"t": [{"n": "刘𠀀芳"}]}, {"t": [{"n": "刘芳"}]}, spaces=False) == (0, 1)
