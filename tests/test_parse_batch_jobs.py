"""parse_batch on every core: files (not applications) as units, costliest first, workers
capped by memory; the same result with one worker or two; progress counted per file and per
application; the command's bar only on a terminal."""
import json
import zipfile

import pytest
from click.testing import CliRunner

from toolkit.cli import main
from toolkit.parse import batch
from toolkit.parse.batch import estimated_cost, parse_batch, worker_count

from conftest import SAMPLES

GB = 1024 ** 3


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """A batch of every kind of return: a folder with a Word form, a fillable PDF and a printed
    PDF; a zip with a PDF and an Excel workbook; a loose printed PDF; a folder with a damaged
    PDF beside a workbook; an empty folder."""
    from toolkit.forms import write_filled_forms
    tmp = tmp_path_factory.mktemp("mixed")
    sample = SAMPLES / "xining-complete.yaml"
    filled = write_filled_forms(sample, tmp / "filled", "all", [1, 3, 4, 5])
    printed = write_filled_forms(sample, tmp / "printed", "pdf", [4, 6], flatten=True)
    f = {p.parent.name + "/" + p.name: p for p in filled + printed}
    root = tmp / "batch"
    (root / "甲").mkdir(parents=True)
    (root / "甲" / "附件1.docx").write_bytes(f["filled/annex1.docx"].read_bytes())
    (root / "甲" / "附件3.pdf").write_bytes(f["filled/annex3.pdf"].read_bytes())
    (root / "甲" / "附件4打印.pdf").write_bytes(f["printed/annex4.pdf"].read_bytes())
    with zipfile.ZipFile(root / "乙.zip", "w") as z:
        z.writestr("附件5.pdf", f["filled/annex5.pdf"].read_bytes())
        z.writestr("附件3.xlsx", f["filled/annex3.xlsx"].read_bytes())
    (root / "丙.pdf").write_bytes(f["printed/annex6.pdf"].read_bytes())
    (root / "丁").mkdir()
    (root / "丁" / "坏.pdf").write_bytes(b"%PDF-1.7\n garbage")
    (root / "丁" / "附件4.xlsx").write_bytes(f["filled/annex4.xlsx"].read_bytes())
    (root / "戊").mkdir()
    return root


def _shape(apps):
    return [(a.id, a.data, [p.to_dict() for p in a.problems], a.files) for a in apps]


def test_two_workers_give_the_result_of_one(mixed, monkeypatch):
    one = list(parse_batch(mixed, jobs=1))
    pools = []

    costs = []

    class Pool(batch.ProcessPoolExecutor):
        def __init__(self, *a, **k):
            pools.append(k.get("max_workers"))
            super().__init__(*a, **k)

        def submit(self, fn, unit, *a, **k):
            costs.append(unit.cost)
            return super().submit(fn, unit, *a, **k)

    monkeypatch.setattr(batch, "ProcessPoolExecutor", Pool)
    monkeypatch.setattr(batch, "PARALLEL_FROM", 2)
    monkeypatch.setattr(batch, "available_memory", lambda: 24 * GB)
    two = list(parse_batch(mixed, jobs=2))
    assert pools == [2]                                   # the parallel path ran
    assert len(costs) == 7 and costs == sorted(costs, reverse=True)     # files, costliest first
    assert _shape(two) == _shape(one)
    ids = [a.id for a in one]
    assert ids == ["丁", "丙", "乙", "戊", "甲"]          # the order of find_applications
    by = {a.id: a for a in one}
    assert {"annex1", "annex3", "annex4"} <= set(by["甲"].data)
    assert {"annex3", "annex5"} <= set(by["乙"].data) and "annex6" in by["丙"].data
    assert "annex4" in by["丁"].data                      # the damaged PDF did not take the workbook along
    assert any(p.file.endswith("坏.pdf") for p in by["丁"].problems)
    assert any("没有找到可解析的表格文件" in p.message for p in by["戊"].problems)


def test_progress_counts_applications_and_files(mixed):
    apps, units = [], []
    got = list(parse_batch(mixed, jobs=1, progress=apps.append, on_unit=lambda d, t: units.append((d, t))))
    assert sorted(a.id for a in apps) == sorted(a.id for a in got)
    total = 3 + 1 + 1 + 2                                  # 甲's files, 乙.zip, 丙.pdf, 丁's files
    assert units[0] == (0, total) and units[-1] == (total, total)
    assert [d for d, _ in units] == list(range(total + 1))


def test_a_worker_that_dies_is_said_on_its_file(mixed, monkeypatch):
    from concurrent.futures.process import BrokenProcessPool

    class Dead:
        def result(self):
            raise BrokenProcessPool("killed")

    u = batch._Unit(0, 0, mixed / "甲" / "附件3.pdf")
    [pf] = batch._result(Dead(), u)
    assert "进程意外退出" in pf.problems[0].message and "--jobs 1" in pf.problems[0].fix


def test_workers_are_capped_by_memory_and_units(tmp_path):
    quick = [batch._Unit(k, 0, tmp_path / f"{k}.pdf", 1.0) for k in range(10)]
    scans = quick + [batch._Unit(10, 0, tmp_path / "s.jpg", 30.0)]
    assert worker_count(2, quick, memory=24 * GB) == 2
    assert worker_count(8, quick[:3], memory=24 * GB) == 3          # no idle worker
    assert worker_count(4, scans, memory=2 * GB) == 2               # ~650 MB a reader of scans
    assert worker_count(4, quick, memory=2 * GB) == 4
    assert worker_count(4, scans, memory=500 * 1024 ** 2) == 1      # never none


def test_scans_are_started_first(tmp_path):
    from PIL import Image
    Image.new("RGB", (1600, 2200), "white").save(tmp_path / "scan.jpg", quality=75)
    (tmp_path / "a.docx").write_bytes(b"PK" + b"x" * 40_000)
    img_pdf = tmp_path / "image.pdf"
    Image.new("RGB", (1600, 2200), "white").save(img_pdf)                  # a PDF of a picture
    assert estimated_cost(tmp_path / "scan.jpg") > 10 * estimated_cost(tmp_path / "a.docx")
    assert estimated_cost(img_pdf) > 10 * estimated_cost(tmp_path / "a.docx")


def test_a_scan_in_a_batch_reads_the_same_with_two_workers(mixed, tmp_path, monkeypatch):
    """A scan (OCR: seconds a page) beside a Word form and a printed PDF."""
    from toolkit.parse.scan import available, synth
    if available():
        pytest.skip(available())
    root = tmp_path / "batch"
    (root / "甲").mkdir(parents=True)
    page = synth.render_pdf((mixed / "丙.pdf").read_bytes())[0]
    (root / "甲" / "附件6扫描.jpg").write_bytes(synth.scan(page))
    (root / "甲" / "附件1.docx").write_bytes((mixed / "甲" / "附件1.docx").read_bytes())
    (root / "乙.pdf").write_bytes((mixed / "丙.pdf").read_bytes())
    one = list(parse_batch(root, jobs=1))
    monkeypatch.setattr(batch, "available_memory", lambda: 24 * GB)
    two = list(parse_batch(root, jobs=2))
    assert _shape(two) == _shape(one)
    assert "annex6" in one[1].data and "annex1" in one[1].data


def test_the_command_shows_no_bar_when_not_a_terminal(mixed, tmp_path, monkeypatch):
    monkeypatch.delenv("QHSME_PROGRESS", raising=False)
    out = tmp_path / "b.json"
    r = CliRunner().invoke(main, ["parse", "--batch", str(mixed), "--out", str(out), "--jobs", "1"])
    assert r.exit_code == 1, r.output                      # 坏.pdf and 戊 are errors
    assert "解析中" not in r.stderr and "个文件" not in r.stderr
    assert len(json.loads(out.read_text(encoding="utf-8"))["applications"]) == 4
    assert "共 5 家单位" in r.stdout


def test_the_command_shows_a_bar_on_a_terminal(mixed, tmp_path, monkeypatch):
    monkeypatch.setenv("QHSME_PROGRESS", "1")            # as if stderr were a terminal
    r = CliRunner().invoke(main, ["parse", "--batch", str(mixed), "--out", str(tmp_path / "b.json"),
                                  "--jobs", "1"])
    assert "解析中" in r.stderr and "0/7 [" in r.stderr, r.stderr      # a bar over the 7 files
    assert "解析中" not in r.stdout


def test_read_files_keeps_the_order_given_on_two_workers(mixed, monkeypatch):
    files = sorted((mixed / "甲").iterdir()) + sorted((mixed / "丁").iterdir())
    one = batch.read_files(files, jobs=1)
    monkeypatch.setattr(batch, "PARALLEL_FROM", 2)
    monkeypatch.setattr(batch, "available_memory", lambda: 24 * GB)
    ticks = []
    two = batch.read_files(files, jobs=2, on_file=lambda d, t: ticks.append((d, t)))
    assert [[(pf.file, pf.annex, len(pf.values)) for pf in r] for r in two] == \
        [[(pf.file, pf.annex, len(pf.values)) for pf in r] for r in one]
    assert [r[0].annex for r in one] == ["annex1", "annex3", "annex4", None, "annex4"]
    assert ticks[-1] == (5, 5)


def test_each_worker_gets_its_share_of_the_cores_for_ocr(monkeypatch):
    from toolkit.parse.scan import ocr
    monkeypatch.setattr(ocr, "THREADS", 2)
    batch._init_worker(1)
    assert ocr.THREADS == 1
