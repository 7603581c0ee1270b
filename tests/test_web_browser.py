"""The web page in a real browser (Debian's chromium driven by Playwright), on
a real waitress server: download page, a clerk's batch with a corrupt file, the
XLSX opened with openpyxl, the applicant's self-check and draft dossier, an
oversize upload, a path-like file name, and 200 files in one upload with the
server answering other pages meanwhile.

Screenshots of every page are written to $QHSME_SCREENSHOTS (default: the
test's temporary folder) so a person can look at them.
"""
from __future__ import annotations

import io
import os
import shutil
import threading
import time
import urllib.request
import uuid
import zipfile
from pathlib import Path

import pytest

from conftest import need
from web_support import SAMPLES, filled_annexes

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    need("chromium")
    sync = pytest.importorskip("playwright.sync_api")
    with sync.sync_playwright() as p:
        b = p.chromium.launch(executable_path=shutil.which("chromium") or CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


class Server:
    def __init__(self, config):
        from toolkit.web import create_app
        from toolkit.web.server import make_server
        self.app = create_app(config)
        self.server = make_server(self.app, "127.0.0.1", 0, threads=8,
                                  max_mb=self.app.config["QHSME"].max_mb)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

    def close(self):
        self.server.close()
        self.thread.join(5)          # the loop ends once the browser's keep-alive connections are gone
        self.server.task_dispatcher.shutdown(timeout=2)
        self.app.extensions["qhsme_jobs"].close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = Server({"workspace": tmp_path_factory.mktemp("ws"), "ttl": 600})
    yield s
    s.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    d = Path(os.environ.get("QHSME_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    d.mkdir(parents=True, exist_ok=True)
    return d


@pytest.fixture
def page(browser):
    ctx = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900}, locale="zh-CN")
    pg = ctx.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    ctx.close()


@pytest.fixture(scope="module")
def returned(tmp_path_factory):
    """A clerk's folder: one platform's filled PDF annexes, one corrupt file, one zip of DOCX annexes."""
    root = tmp_path_factory.mktemp("returned") / "回收材料"
    filled_annexes(root / "西宁市示范平台", "pdf")
    (root / "格式损坏的单位").mkdir()
    (root / "格式损坏的单位" / "附件1.pdf").write_bytes(b"%PDF-1.7\n% cut off while copying\n1 0 obj <<")
    docx = filled_annexes(tmp_path_factory.mktemp("docx"), "docx")
    with zipfile.ZipFile(root / "海东市平台.zip", "w") as z:
        for p in docx:
            z.write(p, p.name)
    return root


def _done(page):
    page.wait_for_selector("h1#result", timeout=120_000)


def test_forms_page_shows_both_formats_with_thumbnails(page, server, shots):
    from toolkit.web.app import fillable_dir
    if not (fillable_dir() / "thumbs" / "annex1.png").is_file():
        pytest.skip("fillable/ 尚未生成")
    page.goto(server.url + "/")
    page.screenshot(path=str(shots / "01-home.png"), full_page=True)
    page.click("text=下载表格 >> nth=0")
    assert page.url.endswith("/forms")
    assert page.locator("td >> text=青海省中小企业公共服务示范平台申请推荐表").count() == 1
    widths = page.eval_on_selector_all("td.thumb img", "imgs => imgs.map(i => i.naturalWidth)")
    assert len(widths) == 7 and all(w > 0 for w in widths)
    with page.expect_download() as d:
        page.click("text=annex3.docx")
    assert d.value.suggested_filename == "annex3.docx"
    page.screenshot(path=str(shots / "02-forms.png"), full_page=True)


def test_clerk_batch_findings_and_xlsx(page, server, returned, shots, tmp_path):
    from openpyxl import load_workbook
    page.goto(server.url + "/batch")
    page.screenshot(path=str(shots / "03-batch-upload.png"), full_page=True)
    page.set_input_files("#folder", str(returned))
    page.click("button[type=submit]")
    _done(page)
    page.screenshot(path=str(shots / "04-batch-result.png"), full_page=True)
    assert "3 家单位" in page.inner_text("h1")
    summary = page.inner_text("#summary")
    assert "西宁市示范平台" in summary and "海东市平台" in summary and "格式损坏的单位" in summary
    from web_support import sample_data
    assert summary.count(sample_data()["annex1"]["unit_name"]) == 2       # 单位名称, not only the folder
    sections = page.locator("details.applicant")
    assert sections.count() == 3
    broken = sections.filter(has_text="格式损坏的单位")
    assert not broken.get_attribute("open") and not broken.locator("table.problems").is_visible()   # folded
    broken.locator("summary").click()
    assert "回收材料/格式损坏的单位/附件1.pdf" in broken.inner_text() and "没有读出数据" in broken.inner_text()
    page.screenshot(path=str(shots / "04b-batch-one-open.png"), full_page=True)
    common = page.locator("#common")
    common.locator("summary").click()
    head = common.locator("table.findings th").all_inner_texts()
    assert head[:6] == ["结论", "条款", "检查事项", "要求", "实际", "位置"]
    assert "第五条" in common.inner_text()
    for good in ("西宁市示范平台", "海东市平台"):
        sec = sections.filter(has_text=good)
        assert "与各单位相同" in sec.text_content()             # folded: not visible, but there
    with page.expect_download() as d:
        page.click("#downloads >> text=Excel（.xlsx）")
    path = tmp_path / "batch.xlsx"
    d.value.save_as(path)
    wb = load_workbook(path)
    apps = {r[0] for r in wb["检查结论"].iter_rows(min_row=2, values_only=True)}
    assert apps == {"西宁市示范平台", "海东市平台"}
    a1 = wb[wb.sheetnames[0]]
    assert a1.cell(1, 1).value == "申报编号" and a1.max_row == 3
    assert any("格式损坏的单位" in str(r[0]) for r in wb["问题清单"].iter_rows(min_row=2, values_only=True))


def test_applicant_self_check_gives_report_forms_and_draft_dossier(page, server, shots, tmp_path):
    import pypdfium2 as pdfium
    page.goto(server.url + "/self")
    page.screenshot(path=str(shots / "05-self-upload.png"), full_page=True)
    page.set_input_files("#data", str(SAMPLES / "xining-complete.yaml"))
    page.set_input_files("#photos", [str(SAMPLES / "attachments" / n) for n in ("photo-hall.png", "photo-lab.png")])
    page.set_input_files("#item6", str(SAMPLES / "attachments" / "business-licence.jpg"))
    page.set_input_files("#item7", str(SAMPLES / "attachments" / "audit-report-2025.pdf"))
    started = time.monotonic()
    page.click("button[type=submit]")
    _done(page)
    print(f"\nself-check, forms and dossier: {time.monotonic() - started:.1f} s")
    page.screenshot(path=str(shots / "06-self-result.png"), full_page=True)
    body = page.inner_text("main")
    assert "不通过" in page.inner_text("#verdict")        # items 8-10 missing are 不符合
    assert "草稿" in page.inner_text("#downloads")
    assert "服务平台组织架构及发展规划" in page.inner_text("#downloads")
    assert "business-licence.jpg" in body
    assert "photo-classroom.png" in body and "photo-hall.png" not in body     # the one photo not uploaded
    with page.expect_download() as d:
        page.click("#downloads >> text=填好的表格")
    d.value.save_as(tmp_path / "forms.zip")
    names = zipfile.ZipFile(tmp_path / "forms.zip").namelist()
    assert "附件1.pdf" in names and "附件3.docx" in names
    with page.expect_download() as d:
        page.click("#downloads >> text=正本")
    assert d.value.suggested_filename.startswith("草稿-")
    d.value.save_as(tmp_path / "dossier.pdf")
    pdf = pdfium.PdfDocument(str(tmp_path / "dossier.pdf"))
    try:
        texts = [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
        assert len(texts) > 10
        assert any("缺" in t and "服务平台组织架构及发展规划" in t for t in texts)
    finally:
        pdf.close()
    page.click("#downloads >> text=检查报告")
    page.wait_for_load_state()
    assert "第五条" in page.inner_text("body")
    page.screenshot(path=str(shots / "07-self-report.png"))


def test_oversize_upload_gets_a_clear_message(page, tmp_path, shots):
    small = Server({"workspace": tmp_path, "max_mb": 1, "max_files": 500})
    try:
        big = tmp_path / "大文件.pdf"
        big.write_bytes(b"%PDF-1.7\n" + os.urandom(2 * 1024 * 1024))
        page.goto(small.url + "/batch")
        page.set_input_files("#files", str(big))
        page.click("button[type=submit]")
        page.wait_for_selector("#upload-message.error")          # the script: before sending
        assert "每次最多 1 MB" in page.inner_text("#upload-message")
        assert page.eval_on_selector("#files", "i => i.files.length") == 1    # still chosen
        page.screenshot(path=str(shots / "08-oversize.png"), full_page=True)
        assert [p for p in small.app.extensions["qhsme_jobs"].root.iterdir() if p.name != "owner.lock"] == []
    finally:
        page.context.close()
        small.close()


def _multipart(fields: dict, files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    b = uuid.uuid4().hex
    out = io.BytesIO()
    for k, v in fields.items():
        out.write(f'--{b}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
    for field, name, data in files:
        out.write(f'--{b}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
                  f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    out.write(f"--{b}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={b}"


def test_path_like_name_is_refused_by_the_real_server(page, server):
    # a browser strips paths from names, so this is what a hand-made request sends
    page.goto(server.url + "/batch")
    token = page.get_attribute("input[name=csrf]", "value")
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in page.context.cookies())
    body, ctype = _multipart({"csrf": token}, [("files", "../../etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n")])
    req = urllib.request.Request(server.url + "/batch", data=body, method="POST",
                                 headers={"Content-Type": ctype, "Cookie": cookie})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=30)
    assert e.value.code == 400
    assert "已拒收" in e.value.read().decode("utf-8")
    e.value.close()


def test_two_hundred_files_in_one_upload_stay_responsive(page, server, shots, tmp_path_factory):
    docx = filled_annexes(tmp_path_factory.mktemp("docx200"), "docx")
    root = tmp_path_factory.mktemp("big") / "全省回收"
    for i in range(40):
        d = root / f"平台{i + 1:02d}"
        d.mkdir(parents=True)
        for p in docx:
            shutil.copyfile(p, d / p.name)
    page.goto(server.url + "/batch")
    page.set_input_files("#folder", str(root))
    started = time.monotonic()
    page.click("button[type=submit]")
    page.wait_for_selector("#progress, #summary")
    if page.locator("#progress").count():
        page.screenshot(path=str(shots / "09-progress.png"), full_page=True)
        assert "已处理" in page.inner_text("#progress")
    latencies = []
    while page.locator("meta[http-equiv=refresh]").count():
        t = time.monotonic()
        with urllib.request.urlopen(server.url + "/forms", timeout=10) as r:
            assert r.status == 200
        latencies.append(time.monotonic() - t)
        time.sleep(0.2)
        page.wait_for_load_state()
    _done(page)
    elapsed = time.monotonic() - started
    assert "40 家单位，200 个文件" in page.inner_text("h1")
    assert page.locator("details.applicant").count() == 40
    height = page.evaluate("document.body.scrollHeight")
    print(f"\n40 applicants: page {height} px high")
    assert height < 6000                                   # one line each, details folded
    page.screenshot(path=str(shots / "10-200-files.png"))
    print(f"\n200 files: {elapsed:.1f} s; other pages answered in at most {max(latencies or [0]):.2f} s")
    assert max(latencies or [0]) < 2.0


def test_token_login_in_the_browser(page, tmp_path, shots):
    guarded = Server({"workspace": tmp_path, "token": "口令-2026"})
    try:
        page.goto(guarded.url + "/batch")
        assert "/login" in page.url
        page.fill("#token", "不对")
        page.click("button[type=submit]")
        assert "口令不正确" in page.inner_text("main")
        page.screenshot(path=str(shots / "11-login.png"))
        page.fill("#token", "口令-2026")
        page.click("button[type=submit]")
        assert page.url.endswith("/batch") and page.locator("#folder").count() == 1
    finally:
        page.context.close()
        guarded.close()
