"""The web page in a bureau's daily use, through Flask's test client: messages without server
paths or program names, one line per applicant with its unit name and downloads, the history,
cancelling, keep time counted from the end of a job, the self-check naming files to choose
again, the token from a file, and logging out."""
from __future__ import annotations

import io
import json
import re
import threading
import time
import zipfile

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from toolkit.web import create_app

from web_support import csrf, download, filled_annexes, wait_done

LEAKS = re.compile(r"qhsme-web-|/unzipped/|zip0\d{3}|/in/0\d{4}|Error\b|Exception\b|BadZipFile|annex\d\.[a-z_]+")


@pytest.fixture
def app(tmp_path):
    a = create_app({"workspace": tmp_path, "ttl": 600})
    yield a
    a.extensions["qhsme_jobs"].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def docx_annexes(tmp_path_factory):
    return filled_annexes(tmp_path_factory.mktemp("docx"), "docx")


def _post(client, files, field="files", page="/batch", **form):
    data = {"csrf": csrf(client, page), **form}
    data[field] = files
    return client.post(page, data=data, content_type="multipart/form-data")


def _zip(members: dict[str, bytes]) -> io.BytesIO:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    buf.seek(0)
    return buf


def _batch(client, docx_annexes):
    """Two applicants from zips (one with a corrupt PDF and a twice-sent annex), one broken zip."""
    good = {f"附件{i}.docx": p.read_bytes() for i, p in enumerate(docx_annexes, 1)}
    other = dict(good)
    other["损坏.pdf"] = b"%PDF-1.7\n1 0 obj << /Type /Catalog"
    other["附件1-再次.docx"] = good["附件1.docx"]
    files = [(_zip(good), "西宁甲.zip"), (_zip(other), "海东乙.zip"), (io.BytesIO(b"PK\x03\x04 cut"), "坏包.zip")]
    r = _post(client, files)
    assert r.status_code == 303
    return r.headers["Location"], wait_done(client, r.headers["Location"], timeout=120)


def test_results_name_upload_names_never_server_paths_or_program_names(client, docx_annexes):
    loc, html = _batch(client, docx_annexes)
    text = re.sub(r"<[^>]+>", " ", html)
    assert not LEAKS.findall(text), LEAKS.findall(text)[:5]
    assert "海东乙.zip/损坏.pdf" in text and "坏包.zip" in text
    doc = json.loads(download(client, loc + "/json")[2])
    said = json.dumps(doc["problems"], ensure_ascii=False)
    assert "qhsme-web-" not in said and "/unzipped/" not in said and "BadZipFile" not in said
    wb = load_workbook(io.BytesIO(download(client, loc + "/xlsx")[2]))
    cells = " ".join(str(c.value) for row in wb["问题清单"].iter_rows() for c in row if c.value)
    assert "qhsme-web-" not in cells and "/unzipped/" not in cells and "海东乙.zip/损坏.pdf" in cells


def test_one_line_per_applicant_with_unit_name_counts_and_its_own_downloads(client, docx_annexes):
    from web_support import sample_data
    loc, html = _batch(client, docx_annexes)
    name = sample_data()["annex1"]["unit_name"]
    summary = html.split('id="summary"')[1].split("</table>")[0]
    assert summary.count("<tr>") == 3 + 2              # two header rows, three applicants
    assert summary.count(name) == 2                     # the unit name, not only the folder
    assert "西宁甲" in summary and "海东乙" in summary and "坏包" in summary
    # what every applicant shares is said once, not per applicant
    common = html.split('id="common"')[1].split("</details>")[0]
    shared = re.findall(r'<td class="sev sev-需核实">', common)
    assert shared
    n = re.search(r'id="app-(\d)"[^>]*>\s*<summary><h2[^>]*>' + re.escape(name), html).group(1)
    own = html.split(f'id="app-{n}"')[1].split("</details>")[0]
    assert "与各单位相同" in own
    # details folded per applicant, each with its downloads
    assert html.count('<details class="applicant application"') == 3
    status, headers, body = download(client, f"{loc}/app/{n}/xlsx")
    assert status == 200 and "attachment" in headers["Content-Disposition"]
    wb = load_workbook(io.BytesIO(body))
    ids = {r[0] for r in wb[wb.sheetnames[0]].iter_rows(min_row=2, values_only=True)}
    assert len(ids) == 1
    doc = json.loads(download(client, f"{loc}/app/{n}/json")[2])
    assert doc["data"]["annex1"]["unit_name"] == name and doc["check"]["format"] == "qhsme-check/1"
    status, headers, body = download(client, f"{loc}/app/{n}/report")
    assert status == 200 and "第五条" in body.decode()
    status, headers, body = download(client, f"{loc}/app/{n}/forms")
    names = zipfile.ZipFile(io.BytesIO(body)).namelist()
    assert "附件1.pdf" in names and "附件3.docx" in names
    broken = re.search(r'id="app-(\d)"[^>]*>\s*<summary><h2[^>]*>坏包', html).group(1)
    assert client.get(f"{loc}/app/{broken}/forms").status_code == 404      # nothing read, no forms
    assert client.get(f"{loc}/app/99/json").status_code == 404
    assert client.get(f"{loc}/app/{n}/../../etc").status_code == 404


def test_print_version_opens_every_applicant(client, docx_annexes):
    loc, _ = _batch(client, docx_annexes)
    html = client.get(loc + "?print=1").get_data(as_text=True)
    assert html.count('<details class="applicant application" id="app-') == 3
    assert len(re.findall(r'class="applicant application" id="app-\d" open', html)) == 3
    assert "@media print" in html and "break-before: page" in html


def test_keep_time_counts_from_the_end_and_warns(tmp_path):
    from toolkit.web.jobs import DONE, Jobs
    jobs = Jobs(ttl=60, root=tmp_path)
    job = jobs.new("batch")
    job.state = DONE
    job.finished = job.created + 100                       # a job that ran 100 s
    assert jobs.sweep(now=job.created + 130, force=True) == 0      # 30 s after it finished: kept
    assert job.expires_in(60, now=job.created + 130) == 30
    assert jobs.sweep(now=job.created + 170, force=True) == 1
    jobs.close()


def test_job_page_warns_before_results_expire(tmp_path):
    app = create_app({"workspace": tmp_path, "ttl": 600})
    c = app.test_client()
    r = _post(c, [(io.BytesIO(b"%PDF-1.4"), "a.pdf")])
    html = wait_done(c, r.headers["Location"])
    job = app.extensions["qhsme_jobs"].get(r.headers["Location"].rsplit("/", 1)[1])
    assert "结果还保留约" in html and "结果即将删除" not in html, (job.finished, job.state, job.expires_in(600))
    job = app.extensions["qhsme_jobs"].get(r.headers["Location"].rsplit("/", 1)[1])
    job.finished -= 560                                    # 40 s left
    html = c.get(r.headers["Location"]).get_data(as_text=True)
    assert "结果即将删除" in html
    app.extensions["qhsme_jobs"].close()


def test_history_lists_jobs_with_counts_and_a_job_can_be_cancelled(client, app, monkeypatch, docx_annexes):
    import toolkit.web.work as work
    gate = threading.Event()
    real = work.read_all

    def slow(paths, progress=None):
        gate.wait(10)
        return real(paths, progress)
    loc, _ = _batch(client, docx_annexes)
    monkeypatch.setattr(work, "read_all", slow)
    r = _post(client, [(io.BytesIO(b"%PDF-1.4"), f"单位/{i}.pdf") for i in range(3)])
    running = r.headers["Location"]
    page = client.get("/jobs").get_data(as_text=True)
    assert page.count("<tr>") == 3 and "3 家单位" in page and "3 个文件" in page and "取消" in page
    token = csrf(client, "/jobs")
    r = client.post(running + "/cancel", data={"csrf": token})
    assert r.status_code == 303
    gate.set()
    html = wait_done(client, running)
    assert "已取消" in html
    job = app.extensions["qhsme_jobs"].get(running.rsplit("/", 1)[1])
    assert job.state == "已取消"
    assert client.post(running + "/cancel", data={}).status_code == 400      # the page token is needed


def test_history_with_a_token_shows_only_this_browsers_jobs(tmp_path):
    app = create_app({"workspace": tmp_path, "token": "t"})
    a, b = app.test_client(), app.test_client()
    for c in (a, b):
        c.get("/?token=t")
    r = _post(a, [(io.BytesIO(b"%PDF-1.4"), "甲的文件.pdf")])
    wait_done(a, r.headers["Location"])
    assert "1 个文件" in a.get("/jobs").get_data(as_text=True)
    assert "暂无处理记录" in b.get("/jobs").get_data(as_text=True)
    app.extensions["qhsme_jobs"].close()


def test_self_check_names_the_files_to_choose_again(client):
    bad = b"annex1:\n  unit_name: [unclosed\n"
    r = _post(client, [(io.BytesIO(bad), "我的申报.yaml")], field="data", page="/self")
    html = wait_done(client, r.headers["Location"])
    again = html.split('id="again"')[1].split("</div>")[0]
    assert "我的申报.yaml" in again and "重新选择" in again


def test_self_check_refused_upload_lists_what_was_chosen(client):
    data = {"csrf": csrf(client, "/self"), "data": [(io.BytesIO(b"a: 1"), "申报.yaml")],
            "item6": [(io.BytesIO(b"x"), "营业执照.jpg"), (io.BytesIO(b"x"), "../执照2.jpg")]}
    r = client.post("/self", data=data, content_type="multipart/form-data")
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    again = html.split('id="again"')[1].split("</div>")[0]
    assert "申报.yaml" in again and "营业执照.jpg" in again and "营业执照复印件" in again
    assert 'href="/self"' in html


def test_oversize_page_is_chinese_with_a_way_back(tmp_path):
    app = create_app({"workspace": tmp_path, "max_mb": 0.1, "max_files": 3})
    c = app.test_client()
    r = _post(c, [(io.BytesIO(b"0" * 200_000), "big.pdf")])
    html = r.get_data(as_text=True)
    assert r.status_code == 413 and "上传的内容太大" in html and 'href="/batch"' in html
    assert "Request Entity Too Large" not in html
    app.extensions["qhsme_jobs"].close()


def test_token_from_a_file_and_a_warning_for_one_on_the_command_line(tmp_path, monkeypatch):
    import toolkit.web as web
    from toolkit.cli import main
    seen = {}
    monkeypatch.setattr(web, "serve", lambda host, port, config, announce: seen.update(config))
    monkeypatch.delenv("QHSME_TOKEN", raising=False)
    f = tmp_path / "token.txt"
    f.write_text("青海-口令\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--token-file", str(f)])
    assert r.exit_code == 0, r.output
    assert seen["token"] == "青海-口令" and "ps" not in r.output
    r = CliRunner().invoke(main, ["serve", "--token", "abc"])
    assert seen["token"] == "abc" and "ps 看到" in r.output
    r = CliRunner().invoke(main, ["serve"], env={"QHSME_TOKEN": "envtok"})
    assert seen["token"] == "envtok" and "ps 看到" not in r.output
    (tmp_path / "empty.txt").write_text("\n")
    r = CliRunner().invoke(main, ["serve", "--token-file", str(tmp_path / "empty.txt")])
    assert r.exit_code == 2 and "口令文件" in r.output and "是空的" in r.output


def test_logout_ends_the_login(tmp_path):
    app = create_app({"workspace": tmp_path, "token": "t"})
    c = app.test_client()
    c.get("/?token=t")
    html = c.get("/batch").get_data(as_text=True)
    assert "退出登录" in html
    r = c.post("/logout", data={"csrf": csrf(c, "/batch")})
    assert r.status_code == 303 and "/login" in r.headers["Location"]
    assert c.get("/batch").status_code == 302
    app.extensions["qhsme_jobs"].close()


def test_wrong_logins_do_not_sleep(tmp_path):
    app = create_app({"workspace": tmp_path, "token": "t"})
    c = app.test_client()
    token = csrf(c, "/login")
    t0 = time.perf_counter()
    codes = [c.post("/login", data={"csrf": token, "token": "x"}).status_code for _ in range(8)]
    assert time.perf_counter() - t0 < 1
    assert codes[:4] == [403] * 4 and codes[-1] == 429
    app.extensions["qhsme_jobs"].close()


def test_a_wrong_token_link_leads_to_the_login_without_the_token(tmp_path):
    from urllib.parse import parse_qs, urlsplit
    app = create_app({"workspace": tmp_path, "token": "t"})
    c = app.test_client()
    r = c.get("/batch?token=wrong&x=1")
    assert r.status_code == 302
    nxt = parse_qs(urlsplit(r.headers["Location"]).query)["next"][0]
    assert nxt == "/batch?x=1"
    app.extensions["qhsme_jobs"].close()


def test_messages_are_rewritten_for_people():
    from toolkit.web.text import path_label, user_text
    stored = "/tmp/qhsme-web-abc/job/unzipped/zip0003/0001.pdf"
    said = user_text(f"{stored}（第3页）无法读取（pikepdf._core.PdfError）；见 annex1.unit_nature、annex2.photos",
                     None, {stored: "海东.zip/附件1.pdf"})
    assert said == "海东.zip/附件1.pdf（第3页）无法读取（PDF 文件已损坏）；见 附件1 单位性质、附件2 实景照片"
    assert user_text("/tmp/qhsme-web-x/j/in/00002.pdf 太大（MemoryError）") == "上传的文件 太大（内存不足，文件太大或太复杂）"
    assert path_label("annex3.staff[4].education").startswith("附件3 ") and "第4行" in path_label("annex3.staff[4].education")
    assert path_label("annex9.x") == "" and user_text("annex1.no_such_field") == "annex1.no_such_field"
