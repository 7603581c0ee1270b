"""The local web page: ``create_app(config)`` builds the Flask app.

Pages (Chinese, server-rendered, no JavaScript):

- ``/forms``  下载表格: the blank fillable annexes, Word and PDF, with thumbnails;
- ``/batch``  解析回收材料: a clerk uploads files, a folder or zips; a job page
  shows 已处理 k / n, then one table per application and the XLSX/CSV/JSON;
- ``/self``   自检与装订: an applicant uploads the data file or the filled
  annexes and the article 9 attachments; the check report, the filled forms
  and the bound dossier (a draft when items are missing).

Safety: uploads are stored under generated names in a private workspace
removed after ``ttl`` seconds; a name with ``..`` or an absolute path is
refused; request size and file count are limited; with a ``token`` every page
asks for it once (login form or ``?token=``); POSTs carry a per-session token.
"""
from __future__ import annotations

import hmac
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, abort, redirect, render_template, request, send_file, session, url_for
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from ..resources import templates_dir
from .grouping import DATA_SUFFIXES, ZIP, BadName, Upload, name_parts, suffix_of
from .jobs import Jobs

MB = 1024 * 1024
ATTACHMENT_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".pdf", ".docx", ".doc", ".wps", ".odt"}
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png"}
_FILLABLE = re.compile(r"^(annex[1-7]\.(?:pdf|docx)|thumbs/annex[1-7]\.png)$")


@dataclass
class WebConfig:
    """Settings of one server.  ``token``: required on every page when set.
    ``max_mb``: largest request; ``max_files``: most files in one upload;
    ``ttl``: seconds a job's files are kept; ``workers``: jobs run at once."""

    token: str | None = None
    max_mb: float = 300
    max_files: int = 500
    ttl: float = 3600
    workers: int = 2
    workspace: Path | None = None       # parent of the private workspace (default: the system temp)

    @classmethod
    def resolve(cls, config) -> "WebConfig":
        if config is None:
            return cls()
        if isinstance(config, cls):
            return config
        return cls(**dict(config))


def fillable_dir() -> Path:
    from .. import resources
    return resources.fillable_dir()


def create_app(config: WebConfig | dict | None = None) -> Flask:
    cfg = WebConfig.resolve(config)
    app = Flask(__name__, template_folder=str(templates_dir() / "web"), static_folder=None)
    app.config.update(
        SECRET_KEY=secrets.token_bytes(32),
        MAX_CONTENT_LENGTH=int(cfg.max_mb * MB),
        MAX_FORM_PARTS=cfg.max_files + 50,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        QHSME=cfg,
    )
    jobs = Jobs(ttl=cfg.ttl, workers=cfg.workers, root=cfg.workspace)
    app.extensions["qhsme_jobs"] = jobs

    @app.context_processor
    def _globals():
        return {"csrf": _csrf(), "cfg": cfg, "nav": request.endpoint}

    @app.before_request
    def _guard():
        if cfg.token:
            given = request.args.get("token")
            if given is not None and hmac.compare_digest(given.encode(), cfg.token.encode()):
                session["auth"] = True
                args = {k: v for k, v in request.args.items() if k != "token"}
                if request.endpoint is None:
                    return redirect(request.path)
                return redirect(url_for(request.endpoint, **(request.view_args or {}), **args))
            if not session.get("auth") and request.endpoint != "login":
                return redirect(url_for("login", next=request.path))
        if request.method == "POST":
            sent = request.form.get("csrf", "")
            if not hmac.compare_digest(sent.encode(), _csrf().encode()):
                return _error(400, "页面已过期或来源不明，请刷新页面后重新提交。")

    @app.after_request
    def _headers(resp):
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("X-Frame-Options", "DENY")
        resp.headers.setdefault("Referrer-Policy", "no-referrer")
        resp.headers.setdefault("Content-Security-Policy",
                                "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'none'; "
                                "object-src 'none'; frame-ancestors 'none'; form-action 'self'")
        return resp

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(e):
        return _error(413, f"上传的内容超过限制：每次最多 {cfg.max_mb:g} MB、{cfg.max_files} 个文件。"
                           "请分几次上传，或把文件压缩后再上传。")

    @app.errorhandler(BadName)
    def _bad_name(e):
        return _error(400, f"文件名“{e.name}”含有路径（如 ../ 或以 / 开头），已拒收，未处理任何文件。"
                           "请改用普通文件名后重新上传。")

    @app.errorhandler(HTTPException)
    def _http(e):
        messages = {404: "没有这个页面，或处理结果已过期被删除（结果保留时间有限），请重新上传。",
                    405: "不支持这种访问方式。", 400: "请求有误，请返回重试。"}
        return _error(e.code or 500, messages.get(e.code, e.description or "出错了"))

    @app.get("/")
    def index():
        return render_template("index.html")

    @app.route("/login", methods=["GET", "POST"])
    def login():
        nxt = request.values.get("next", "/")
        if not nxt.startswith("/") or nxt.startswith("//"):
            nxt = "/"
        wrong = False
        if session.get("auth"):
            return redirect(nxt)
        if request.method == "POST":
            given = request.form.get("token", "")
            if cfg.token and hmac.compare_digest(given.encode(), cfg.token.encode()):
                session["auth"] = True
                return redirect(nxt)
            time.sleep(0.5)
            wrong = True
        return render_template("login.html", next=nxt, wrong=wrong), (403 if wrong else 200)

    @app.get("/forms")
    def forms():
        from ..model.annexes import ANNEXES
        d = fillable_dir()
        rows = []
        for a in ANNEXES:
            files = [{"name": f"annex{a.number}.{ext}", "kind": kind, "size": _size(d / f"annex{a.number}.{ext}")}
                     for ext, kind in (("pdf", "PDF（可填写）"), ("docx", "Word"))
                     if (d / f"annex{a.number}.{ext}").is_file()]
            thumb = f"thumbs/annex{a.number}.png" if (d / "thumbs" / f"annex{a.number}.png").is_file() else None
            rows.append({"annex": a, "files": files, "thumb": thumb})
        return render_template("forms.html", rows=rows, any_files=any(r["files"] for r in rows))

    @app.get("/forms/<path:name>")
    def fillable(name):
        if not _FILLABLE.match(name):
            abort(404)
        p = fillable_dir() / name
        if not p.is_file():
            abort(404)
        return send_file(p, as_attachment=not name.endswith(".png"), download_name=p.name)

    @app.route("/batch", methods=["GET", "POST"])
    def batch():
        if request.method == "GET":
            return render_template("batch.html")
        from .work import run_batch
        fs = _files("files") + _files("folder")
        if not fs:
            return _error(400, "没有选择文件。请选择文件、文件夹或 .zip 压缩包后再上传。", back="batch")
        job = jobs.new("batch")
        uploads = _save(fs, job.dir / "in", set(_parse_suffixes()) | {ZIP})
        jobs.submit(job, run_batch, uploads)
        return redirect(url_for("job_page", job_id=job.id), 303)

    @app.route("/self", methods=["GET", "POST"])
    def selfcheck():
        from ..dossier.items import application_items
        items = [i for i in application_items() if i.number >= 6]
        if request.method == "GET":
            return render_template("self.html", items=items)
        from .work import run_self
        data_fs = _files("data")
        item_fs = {i.number: _files(f"item{i.number}") for i in items}
        if not data_fs:
            return _error(400, "请上传申报数据文件（YAML/JSON）或填好的附件（PDF/Word）。", back="selfcheck")
        job = jobs.new("self")
        data_up = _save(data_fs, job.dir / "in", set(_parse_suffixes()) | DATA_SUFFIXES)
        item_up = {n: _save(fs, job.dir / f"item{n}", ATTACHMENT_SUFFIXES, stem="材料") for n, fs in item_fs.items()}
        photos = _save(_files("photos"), job.dir / "photos", PHOTO_SUFFIXES, stem="照片")
        options = {"duplex": bool(request.form.get("duplex")), "package": bool(request.form.get("package"))}
        jobs.submit(job, run_self, data_up, item_up, options, photos)
        return redirect(url_for("job_page", job_id=job.id), 303)

    @app.get("/jobs/<job_id>")
    def job_page(job_id):
        job = jobs.get(job_id)
        if job is None:
            abort(404)
        return render_template("job.html", job=job, ttl_min=int(cfg.ttl // 60))

    @app.get("/jobs/<job_id>/<key>")
    def job_file(job_id, key):
        job = jobs.get(job_id)
        if job is None or key not in job.outputs:
            abort(404)
        path, name = job.outputs[key]
        if key == "report":
            return send_file(path, mimetype="text/html")
        return send_file(path, as_attachment=True, download_name=name)

    @app.before_request
    def _check_uploads():
        """Count and names of every file, before anything is written."""
        if request.method == "POST" and request.endpoint in ("batch", "selfcheck"):
            files = [f for key in request.files for f in _files(key)]
            if len(files) > cfg.max_files:
                raise RequestEntityTooLarge()
            for f in files:
                name_parts(f.filename)

    return app


def _files(field: str):
    """The files sent in ``field`` (an empty file input sends one without a name)."""
    return [f for f in request.files.getlist(field) if f and f.filename]


def _save(fs, dest: Path, allowed: set[str], stem: str = "") -> list[Upload]:
    """Store uploads as ``00001.pdf`` (or ``材料1.pdf`` with ``stem``): a counter and a suffix
    from ``allowed``; the sent name is kept only to be shown."""
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for n, f in enumerate(fs, 1):
        counter = f"{stem}{n}" if stem else f"{n:05d}"
        path = dest / f"{counter}{suffix_of(f.filename, allowed)}"
        f.save(path)
        out.append(Upload(path, f.filename))
    return out


def _parse_suffixes():
    from ..parse import SUFFIXES
    return SUFFIXES


def _csrf() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return session["csrf"]


def _size(p: Path) -> str:
    if not p.is_file():
        return ""
    n = p.stat().st_size
    return f"{n / MB:.1f} MB" if n >= MB else f"{max(1, round(n / 1024))} KB"


def _error(code: int, message: str, back: str | None = None):
    return render_template("error.html", code=code, message=message, back=back), code
