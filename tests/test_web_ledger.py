"""The 台账 pages and named logins (``qhsme serve --db``), with the Flask test client:
a database with accounts asks for a named login (the start token no longer opens it);
a 市州 account sees, downloads and imports only its own city's platforms and its own jobs,
whatever the address says; 省厅 sees every city and the audit log; uploads, downloads,
imports, logins and wrong passwords are audited; a disabled account is signed out at once."""
from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from openpyxl import load_workbook

from toolkit.registry.accounts import add_account, audit_rows, disable_account
from toolkit.registry.db import Registry
from toolkit.registry.store import add_event, import_files
from toolkit.web import create_app
from web_support import SAMPLES, download, filled_annexes, wait_done

PW = {"张处长": "province-pw-1", "李科长": "xining-pw-22", "王科员": "haidong-pw-333"}


def platform_file(tmp, name, city, code):
    from toolkit.datafile import load
    d = json.loads(json.dumps(load(SAMPLES / "xining-complete.yaml"), default=str))
    d["annex1"].update(unit_name=name, city=city, **({"credit_code": code} if code else {}))
    p = tmp / f"{name}.json"
    p.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    return p


@pytest.fixture
def db(tmp_path):
    """Two platforms (西宁市 valid until this year's end of term, 海东市 expired), three accounts."""
    path = str(tmp_path / "台账.sqlite3")
    with Registry(path) as reg:
        import_files(reg, [platform_file(tmp_path, "西宁甲公司", "西宁市", "91630100MA7XXXXX1A"),
                           platform_file(tmp_path, "海东乙公司", "海东市", "91630200MA7XXXXX2B")])
        recognized = dt.date(dt.date.today().year - 3, 12, 30)
        add_event(reg, "西宁甲公司", "recognized", recognized, document="青工信〔甲〕1号")
        from toolkit.registry.status import periods
        for key, _, _, due in periods(recognized, dt.date.today()):       # every report on time
            if due < dt.date.today():
                add_event(reg, "西宁甲公司", "report", due - dt.timedelta(days=10), period=key)
        add_event(reg, "海东乙公司", "recognized", dt.date(2019, 5, 1), document="青工信〔乙〕2号")
        add_account(reg, "张处长", PW["张处长"], "省厅")
        add_account(reg, "李科长", PW["李科长"], "市州", "西宁市")
        add_account(reg, "王科员", PW["王科员"], "市州", "海东市")
    return path


@pytest.fixture
def app(tmp_path, db):
    a = create_app({"workspace": tmp_path, "ttl": 600, "db": db, "token": "start-token"})
    yield a
    a.extensions["qhsme_jobs"].close()
    a.extensions["qhsme_registry"].close()


def audit_of(db):
    with Registry(db) as reg:
        return [(r.account, r.action, r.object, r.detail) for r in audit_rows(reg)]


def token_of(client, page="/login"):
    return re.search(r'name="csrf" value="([^"]+)"', client.get(page).get_data(as_text=True)).group(1)


def login(app, name, password=None, nxt="/"):
    c = app.test_client()
    r = c.post("/login", data={"csrf": token_of(c), "name": name, "password": password or PW[name], "next": nxt})
    assert r.status_code == 302 and r.headers["Location"] == nxt, r.get_data(as_text=True)[-300:]
    return c


def test_accounts_require_a_named_login_and_the_start_token_no_longer_opens(app, db):
    c = app.test_client()
    r = c.get("/registry?overdue=1")
    assert r.status_code == 302 and r.headers["Location"] == "/login?next=/registry?overdue%3D1"
    assert 'name="name"' in c.get("/login").get_data(as_text=True)
    assert c.get("/batch?token=start-token").status_code == 302            # to the login, not in
    assert c.get("/batch").status_code == 302
    r = c.post("/login", data={"csrf": token_of(c), "name": "李科长", "password": "wrong", "next": "/registry"})
    assert r.status_code == 403 and "账号或口令不正确" in r.get_data(as_text=True)
    r = c.post("/login", data={"csrf": token_of(c), "name": "李科长", "password": PW["李科长"],
                               "next": "//evil.example/"})
    assert r.headers["Location"] == "/"                                    # next= stays on this site
    html = c.get("/registry").get_data(as_text=True)
    assert "李科长（市州，西宁市）" in html and "退出登录" in html
    c.post("/logout", data={"csrf": token_of(c, "/")})
    assert c.get("/registry").status_code == 302
    acts = [(a, act, obj) for a, act, obj, _ in audit_of(db)]
    assert acts[:3] == [("李科长", "logout", ""), ("李科长", "login", "李科长"), (None, "login-failed", "李科长")]


def test_wrong_passwords_are_throttled_per_client(app):
    c = app.test_client()
    codes = [c.post("/login", data={"csrf": token_of(c), "name": "张处长", "password": f"x{i}"}).status_code
             for i in range(5)]
    assert codes == [403] * 4 + [429]
    r = c.post("/login", data={"csrf": token_of(c), "name": "张处长", "password": PW["张处长"]})
    assert r.status_code == 429                                           # even the right one, while locked


def test_a_city_account_sees_and_downloads_only_its_own_city(app, db):
    li = login(app, "李科长")
    html = li.get("/registry").get_data(as_text=True)
    assert "西宁甲公司" in html and "海东乙公司" not in html and 'name="city"' not in html
    for url in ("/registry?city=海东市", "/registry.xlsx?city=海东市"):           # the address tried directly
        r = li.get(url)
        assert r.status_code == 403 and "海东乙公司" not in r.get_data(as_text=True)
    status, headers, body = download(li, "/registry.xlsx")
    assert status == 200
    wb = load_workbook(io.BytesIO(body))
    units = {r[0] for ws in wb for r in ws.iter_rows(min_row=2, values_only=True)}
    assert units == {"西宁甲公司"}
    assert li.get("/audit").status_code == 403
    assert ("李科长", "registry-export", f"示范平台台账-西宁市-{dt.date.today().isoformat()}.xlsx") in \
        [x[:3] for x in audit_of(db)]


def test_the_province_sees_every_city_filters_and_the_audit_log(app):
    zhang = login(app, "张处长")
    html = zhang.get("/registry").get_data(as_text=True)
    assert "西宁甲公司" in html and "海东乙公司" in html and "显示 <b>2</b> 个平台" in html
    assert "第十五条" in html and "第十四条" in html                         # items cite their articles
    only = zhang.get("/registry?city=海东市").get_data(as_text=True)
    assert "海东乙公司" in only and "西宁甲公司" not in only
    overdue = zhang.get("/registry?overdue=1").get_data(as_text=True)
    assert "海东乙公司" in overdue and "西宁甲公司" not in overdue           # expired, reports never received
    expiring = zhang.get("/registry?expiring=1").get_data(as_text=True)
    assert "西宁甲公司" in expiring and "海东乙公司" not in expiring         # valid, its term ends this year
    page = zhang.get("/audit").get_data(as_text=True)
    assert "张处长" in page and "登录" in page


@pytest.fixture(scope="module")
def docx_annexes(tmp_path_factory):
    return filled_annexes(tmp_path_factory.mktemp("docx"), "docx")


def upload(c, docx_annexes):
    files = [(io.BytesIO(p.read_bytes()), f"西宁/附件{i}.docx") for i, p in enumerate(docx_annexes, 1)]
    r = c.post("/batch", data={"csrf": token_of(c, "/batch"), "files": files}, content_type="multipart/form-data")
    assert r.status_code == 303
    return r.headers["Location"], wait_done(c, r.headers["Location"], timeout=120)


def test_import_a_finished_batch_in_one_click_audited_and_jobs_kept_to_their_account(app, db, docx_annexes):
    li = login(app, "李科长")
    loc, html = upload(li, docx_annexes)
    assert 'id="import"' in html and "导入台账" in html
    assert download(li, loc + "/xlsx")[0] == 200
    wang = login(app, "王科员")
    for url in (loc, loc + "/xlsx", loc + "/app/1/json"):                 # another account's job: not there
        assert wang.get(url).status_code == 404
    assert wang.post(loc + "/import", data={"csrf": token_of(wang, "/")}).status_code == 404
    assert loc.rsplit("/", 1)[1] not in wang.get("/jobs").get_data(as_text=True)
    r = li.post(loc + "/import", data={"csrf": token_of(li, "/")})
    text = r.get_data(as_text=True)
    assert r.status_code == 200 and "已导入：平台 1 个（新建 1 个）" in text and "/tmp" not in text
    with Registry(db) as reg, reg.read() as conn:
        from toolkit.registry.status import load
        assert "青海堃元中小企业服务有限公司" in {s.unit_name for s in load(conn, dt.date.today())}
    again = li.post(loc + "/import", data={"csrf": token_of(li, "/")}).get_data(as_text=True)
    assert "已导入过（内容相同），未改动" in again
    assert li.post(loc + "/import", data={}).status_code == 400              # the page token is needed
    zhang = login(app, "张处长")
    hist = zhang.get("/jobs").get_data(as_text=True)
    assert "<th>提交人</th>" in hist and "<td>李科长</td>" in hist
    acts = {(a, act) for a, act, *_ in audit_of(db)}
    assert {("李科长", "upload"), ("李科长", "download"), ("李科长", "registry-import")} <= acts
    upload_row = next(x for x in audit_of(db) if x[1] == "upload")
    assert "西宁/附件1.docx" in upload_row[3]


def test_an_import_lists_the_values_that_differ_from_the_registry_and_keeps_the_registrys(
        app, db, tmp_path, docx_annexes):
    old = platform_file(tmp_path, "青海堃元中小企业服务有限公司", "西宁市", None)
    d = json.loads(old.read_text(encoding="utf-8"))
    d["annex1"]["platform_name"] = "旧的平台名称"
    old.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    with Registry(db) as reg:
        import_files(reg, [old])
    li = login(app, "李科长")
    loc, _ = upload(li, docx_annexes)
    r = li.post(loc + "/import", data={"csrf": token_of(li, "/")})
    text = r.get_data(as_text=True)
    assert 'id="conflicts"' in text and "有 1 处与台账不一致" in text and "台账为“旧的平台名称”" in text
    assert "/tmp" not in text and "解析汇总.json" in text
    with Registry(db) as reg, reg.read() as conn:
        import sqlalchemy as sa
        from toolkit.registry.schema import platforms
        names = conn.execute(sa.select(platforms.c.platform_name).where(
            platforms.c.unit_name == "青海堃元中小企业服务有限公司")).scalars().all()
    assert names == ["旧的平台名称"]                                       # the registry's value kept


def test_a_city_account_imports_only_its_own_citys_applications(app, db, docx_annexes):
    wang = login(app, "王科员")
    loc, _ = upload(wang, docx_annexes)                     # the sample applicant is in 西宁市
    text = wang.post(loc + "/import", data={"csrf": token_of(wang, "/")}).get_data(as_text=True)
    assert "不属海东市，未导入" in text
    with Registry(db) as reg, reg.read() as conn:
        from toolkit.registry.status import load
        assert "青海堃元中小企业服务有限公司" not in {s.unit_name for s in load(conn, dt.date.today())}


def test_a_disabled_account_is_signed_out_on_its_next_request(app, db):
    li = login(app, "李科长")
    assert li.get("/registry").status_code == 200
    with Registry(db) as reg:
        disable_account(reg, "李科长")
    assert li.get("/registry").status_code == 302


def test_without_accounts_the_token_login_stays_and_the_ledger_is_shown(tmp_path):
    path = str(tmp_path / "空台账.sqlite3")
    a = create_app({"workspace": tmp_path, "db": path, "token": "t"})
    c = a.test_client()
    assert c.get("/registry").status_code == 302
    c.get("/?token=t")
    html = c.get("/registry").get_data(as_text=True)
    assert "台账中还没有平台" in html
    assert c.get("/audit").status_code == 404                         # no named logins: no audit page
    a.extensions["qhsme_jobs"].close()
    a.extensions["qhsme_registry"].close()


def test_the_network_needs_a_token_or_accounts_and_serve_takes_db(db, tmp_path):
    from click.testing import CliRunner

    from toolkit.cli import main
    from toolkit.web.server import UnsafeHost, _has_accounts, check_host
    assert _has_accounts(db) and not _has_accounts(str(tmp_path / "无账号.sqlite3")) and not _has_accounts(None)
    check_host("0.0.0.0", None, accounts=_has_accounts(db))            # named logins guard the page
    with pytest.raises(UnsafeHost, match="account add"):
        check_host("0.0.0.0", None, accounts=False)
    assert "--db" in CliRunner().invoke(main, ["serve", "--help"]).output
