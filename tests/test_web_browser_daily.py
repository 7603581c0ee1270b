"""The web page in a bureau's daily use, in Chromium (Debian's, through Playwright) on the
hardened waitress server: upload progress from the script, the same uploads without
JavaScript, an over-limit upload with and without the script, the print version, the history
and cancelling, logging in and out, a locked-out login, and the self-check naming the files
to choose again.  Screenshots go to $QHSME_SCREENSHOTS (default: a temporary folder)."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from conftest import need
from test_web_browser import ARGS, CHROMIUM, Server
from web_support import SAMPLES, filled_annexes


@pytest.fixture(scope="module")
def browser():
    need("chromium")
    sync = pytest.importorskip("playwright.sync_api")
    with sync.sync_playwright() as p:
        b = p.chromium.launch(executable_path=shutil.which("chromium") or CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    from pathlib import Path
    d = Path(os.environ.get("QHSME_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    d.mkdir(parents=True, exist_ok=True)
    return d


def _page(browser, js=True):
    ctx = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900}, locale="zh-CN",
                              java_script_enabled=js)
    pg = ctx.new_page()
    pg.set_default_timeout(60_000)
    return pg


@pytest.fixture
def page(browser):
    pg = _page(browser)
    yield pg
    pg.context.close()


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """Three units' filled DOCX annexes, and a big scan so the upload takes a moment."""
    docx = filled_annexes(tmp_path_factory.mktemp("docx"), "docx")
    root = tmp_path_factory.mktemp("up") / "回收"
    for name in ("甲平台", "乙平台", "丙平台"):
        (root / name).mkdir(parents=True)
        for p in docx:
            shutil.copyfile(p, root / name / p.name)
    (root / "甲平台" / "扫描件.pdf").write_bytes(b"%PDF-1.4\n" + os.urandom(40 * 1024 * 1024))
    return root


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = Server({"workspace": tmp_path_factory.mktemp("ws"), "ttl": 600, "max_mb": 100})
    yield s
    s.close()


def test_upload_shows_progress_and_results_fold_per_applicant(page, server, folder, shots):
    page.goto(server.url + "/batch")
    page.set_input_files("#folder", str(folder))
    seen = []
    page.expose_function("seen", lambda t: seen.append(t))
    page.evaluate("""() => new MutationObserver(() => window.seen(document.querySelector('#upload-progress .text').textContent))
                     .observe(document.querySelector('#upload-progress'), {subtree: true, childList: true, characterData: true})""")
    page.click("button[type=submit]")
    page.wait_for_selector("#upload-progress.on")
    page.screenshot(path=str(shots / "20-upload-progress.png"), full_page=True)
    page.wait_for_selector("h1#result", timeout=180_000)
    assert any("已上传" in t and "MB" in t for t in seen), seen[:5]
    page.screenshot(path=str(shots / "21-batch-folded.png"), full_page=True)
    assert page.locator("details.applicant").count() == 3
    assert page.locator("details.applicant[open]").count() == 0
    row = page.locator("#summary tbody tr").first.inner_text()
    assert "甲平台" in row or "乙平台" in row or "丙平台" in row
    # the print version: every applicant open, one per page, no navigation
    page.goto(page.url + "?print=1")
    assert page.locator("details.applicant[open]").count() == 3
    page.emulate_media(media="print")
    assert not page.locator("header").is_visible() and not page.locator("#downloads").is_visible()
    page.screenshot(path=str(shots / "22-batch-print-media.png"), full_page=True)
    pdf = shots / "23-batch-print.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "3", str(pdf), str(shots / "23-print")],
                       check=True)
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(str(pdf))
    try:
        texts = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()
    starts = [i for i, t in enumerate(texts) if "下载此单位" not in t and ("文件：" in t)]
    assert len(texts) >= 3 and len(starts) >= 3          # each applicant starts a page
    assert not any("解析回收材料" in t.split("\n")[0] for t in texts)     # no navigation bar


def test_the_page_works_without_javascript(browser, server, folder, shots, tmp_path):
    page = _page(browser, js=False)
    try:
        small = tmp_path / "回收"
        shutil.copytree(folder / "乙平台", small / "乙平台")
        page.goto(server.url + "/batch")
        page.set_input_files("#folder", str(small))
        page.click("button[type=submit]")
        page.wait_for_selector("h1#result", timeout=120_000)
        assert "1 家单位" in page.inner_text("h1")
        page.locator("details.applicant > summary").click()
        assert "下载此单位" in page.inner_text("details.applicant")
        page.screenshot(path=str(shots / "24-nojs-result.png"), full_page=True)
    finally:
        page.context.close()


def test_over_limit_without_the_script_gets_a_chinese_page_with_a_way_back(browser, tmp_path, shots):
    small = Server({"workspace": tmp_path, "max_mb": 1})
    page = _page(browser, js=False)
    try:
        big = tmp_path / "大文件.pdf"
        big.write_bytes(b"%PDF-1.7\n" + os.urandom(3 * 1024 * 1024))
        page.goto(small.url + "/self")
        page.set_input_files("#data", str(big))
        page.click("button[type=submit]")
        page.wait_for_selector("#message")
        text = page.inner_text("main")
        assert "上传的内容太大" in text and "每次最多 1 MB" in text and "重新选择" in text
        assert "Request Entity Too Large" not in page.content()
        page.screenshot(path=str(shots / "25-oversize-nojs.png"), full_page=True)
        page.click("text=返回")
        assert page.url.endswith("/self")
    finally:
        page.context.close()
        small.close()


def test_history_and_cancel(page, server, folder, shots):
    page.goto(server.url + "/batch")
    page.set_input_files("#folder", str(folder))
    page.click("button[type=submit]")
    page.wait_for_selector("#progress, h1#result", timeout=180_000)
    if page.locator("#cancel").count():
        page.click("#cancel")
        page.wait_for_selector("h1#result", timeout=60_000)
        assert "已取消" in page.inner_text("h1#result") or "解析结果" in page.inner_text("h1#result")
    page.click("nav >> text=处理记录")
    page.wait_for_selector("#history")
    assert page.locator("#history tbody tr").count() >= 1
    assert "还剩" in page.inner_text("#history")
    page.screenshot(path=str(shots / "26-history.png"), full_page=True)


def test_login_logout_and_lockout(page, tmp_path, shots):
    guarded = Server({"workspace": tmp_path, "token": "口令-2026"})
    try:
        page.goto(guarded.url + "/batch")
        page.fill("#token", "口令-2026")
        page.click("button[type=submit]")
        assert page.url.endswith("/batch")
        page.click("text=退出登录")
        assert "/login" in page.url
        page.goto(guarded.url + "/batch")
        assert "/login" in page.url
        for _ in range(6):
            if not page.locator("#token").count():
                break
            page.fill("#token", "不对")
            page.click("button[type=submit]")
        assert "口令错误次数过多" in page.inner_text("main")
        page.screenshot(path=str(shots / "27-locked.png"))
    finally:
        page.context.close()
        guarded.close()


def test_self_check_says_which_files_to_choose_again(page, server, tmp_path, shots):
    bad = tmp_path / "我的申报.yaml"
    bad.write_text("annex1:\n  unit_name: [没有闭合\n", encoding="utf-8")
    page.goto(server.url + "/self")
    page.set_input_files("#data", str(bad))
    page.set_input_files("#item6", str(SAMPLES / "attachments" / "business-licence.jpg"))
    page.click("button[type=submit]")
    page.wait_for_selector("h1#result")
    again = page.inner_text("#again")
    assert "我的申报.yaml" in again and "重新选择" in again
    page.screenshot(path=str(shots / "28-self-choose-again.png"), full_page=True)
