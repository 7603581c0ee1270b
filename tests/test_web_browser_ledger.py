"""Named logins and the 台账 in Chromium, on a real waitress server over a registry database
with accounts: the login form (a wrong password said, the right one leads back to the page
asked for), the 台账 filters, a clerk's batch imported with 导入台账, a 市州 account kept to
its city (the other city's address refused), the audit log for 省厅, and an upload without a
login refused from its headers.  Screenshots go to $QHSME_SCREENSHOTS (default: a temp folder)."""
from __future__ import annotations

import datetime as dt
import http.client
import os
from pathlib import Path

import pytest

from test_web_browser import Server, browser  # noqa: F401 - the fixtures (Chromium)
from test_web_ledger import PW, platform_file
from toolkit.registry.accounts import add_account
from toolkit.registry.db import Registry
from toolkit.registry.store import add_event, import_files
from web_support import filled_annexes


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ledger")
    db = str(tmp / "台账.sqlite3")
    with Registry(db) as reg:
        import_files(reg, [platform_file(tmp, "海东乙公司", "海东市", "91630200MA7XXXXX2B")])
        add_event(reg, "海东乙公司", "recognized", dt.date(2019, 5, 1), document="青工信〔乙〕2号")
        add_account(reg, "张处长", PW["张处长"], "省厅")
        add_account(reg, "李科长", PW["李科长"], "市州", "西宁市")
    s = Server({"workspace": tmp, "ttl": 600, "db": db})
    yield s
    s.close()
    s.app.extensions["qhsme_registry"].close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    d = Path(os.environ.get("QHSME_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    d.mkdir(parents=True, exist_ok=True)
    return d


def _page(browser):  # noqa: F811
    ctx = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900}, locale="zh-CN")
    pg = ctx.new_page()
    pg.set_default_timeout(60_000)
    return ctx, pg


def _login(page, name, password):
    page.fill("#name", name)
    page.fill("#password", password)
    page.click("main button[type=submit]")


def test_an_upload_without_a_login_is_refused_from_its_headers(server):
    host, port = server.url.rsplit("//", 1)[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.putrequest("POST", "/batch")
    conn.putheader("Content-Type", "multipart/form-data; boundary=x")
    conn.putheader("Content-Length", str(50 * 1024 * 1024))
    conn.endheaders()
    conn.send(b"--x\r\n" + b"0" * 65536)                     # the rest is never sent: the answer comes first
    r = conn.getresponse()
    assert r.status == 303 and r.getheader("Location").startswith("/login")
    conn.close()


def test_login_ledger_filters_import_and_audit(browser, server, shots, tmp_path):  # noqa: F811
    ctx, page = _page(browser)
    page.goto(server.url + "/registry")
    assert "/login" in page.url and page.locator("#name").is_visible()
    page.screenshot(path=str(shots / "L1-login.png"), full_page=True)
    _login(page, "李科长", "wrong-password")
    assert "账号或口令不正确" in page.inner_text("main")
    page.screenshot(path=str(shots / "L2-login-wrong.png"), full_page=True)
    _login(page, "李科长", PW["李科长"])
    assert page.url.endswith("/registry")
    assert "李科长（市州，西宁市）" in page.inner_text("nav") and "审计日志" not in page.inner_text("nav")
    assert "台账中还没有平台" in page.inner_text("main")             # 海东乙公司 is not this city's
    page.screenshot(path=str(shots / "L3-ledger-city-empty.png"), full_page=True)
    page.goto(server.url + "/registry?city=海东市")
    assert "只能查看西宁市" in page.inner_text("main") and "海东乙公司" not in page.content()
    # a clerk's batch, imported in one click
    files = filled_annexes(tmp_path / "西宁", "docx")
    page.goto(server.url + "/batch")
    page.set_input_files("#files", [str(p) for p in files])
    page.click("main button[type=submit]")
    page.wait_for_selector("h1#result", timeout=120_000)
    page.screenshot(path=str(shots / "L4-job-import-button.png"), full_page=True)
    page.click("#import")
    assert "已导入：平台 1 个（新建 1 个）" in page.inner_text("main")
    page.screenshot(path=str(shots / "L5-imported.png"), full_page=True)
    page.click("text=查看台账")
    assert "青海堃元中小企业服务有限公司" in page.inner_text("#ledger")
    page.screenshot(path=str(shots / "L6-ledger-city.png"), full_page=True)
    with page.expect_download() as d:
        page.click("#xlsx")
    assert d.value.suggested_filename.startswith("示范平台台账-西宁市-")
    page.click("text=退出登录")
    assert "/login" in page.url
    # the province: every city, the filters, the audit log
    _login(page, "张处长", PW["张处长"])
    page.goto(server.url + "/registry")
    assert "海东乙公司" in page.inner_text("#ledger") and "青海堃元中小企业服务有限公司" in page.inner_text("#ledger")
    page.screenshot(path=str(shots / "L7-ledger-province.png"), full_page=True)
    page.select_option("#city", "海东市")
    page.check("input[name=overdue]")
    page.click("#filters button[type=submit]")
    rows = page.inner_text("#ledger")
    assert "海东乙公司" in rows and "青海堃元" not in rows and "第十五条" in rows
    page.screenshot(path=str(shots / "L8-ledger-filtered.png"), full_page=True)
    page.click("nav >> text=审计日志")
    log = page.inner_text("#audit")
    for words in ("登录失败", "导入台账", "上传", "导出台账", "退出登录"):
        assert words in log
    page.screenshot(path=str(shots / "L9-audit.png"), full_page=True)
    page.click("nav >> text=处理记录")
    assert "李科长" in page.inner_text("#history")
    page.screenshot(path=str(shots / "L10-history-who.png"), full_page=True)
    ctx.close()
