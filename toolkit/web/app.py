"""The local web page: ``create_app(config)`` builds the Flask app.

Pages (Chinese, server-rendered, no JavaScript):

- ``/forms``  下载表格: the blank fillable annexes, Word and PDF, with thumbnails;
- ``/batch``  解析回收材料: a clerk uploads files, a folder or zips; a job page
  shows 已处理 k / n, then one table per application and the XLSX/CSV/JSON;
- ``/self``   自检与装订: an applicant uploads the data file or the filled
  annexes and the article 9 attachments; the check report, the filled forms
  and the bound dossier (a draft when items are missing).

- ``/jobs``   处理记录: the jobs still kept (this browser's when a token is set, this
  account's with named logins, every one for 省厅), with their counts, when they
  expire, and a button to cancel a running one.
- ``/registry``, ``/audit`` with ``--db`` (``ledger.py``): the 台账, 导入台账 from a batch
  job, the audit log; named logins (``people.py``) when the database has accounts.

Safety: uploads are stored under generated names in a private workspace
removed ``ttl`` seconds after the job finished; a name with ``..`` or an
absolute path is refused; request size and file count are limited, decided
from the headers before the body is read (``guard.precheck``); with a
``token`` every page asks for it once (login form or ``?token=``), wrong
tokens are throttled per client (429, no sleeping thread); ``next=`` only
leads to this site; POSTs carry a per-session token.  ``upload.js`` (the only
script, progressive enhancement) shows upload progress.
"""
from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, abort, redirect, render_template, request, send_file, session, url_for
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from ..resources import templates_dir
from . import guard
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
    behind_proxy: bool = False          # behind nginx on this computer: the client is X-Forwarded-For
    db: str | None = None               # the registry database (台账, named accounts, audit log)

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
    throttle = guard.Throttle()
    app.extensions["qhsme_throttle"] = throttle
    limits = f"每次最多 {cfg.max_mb:g} MB、{cfg.max_files} 个文件"
    from . import people
    reg = people.open_registry(app, cfg)

    def refuse(why: str):
        """The page for a request refused from its headers (its body is not read)."""
        if why == guard.LOGIN:
            return redirect(url_for("login", next=guard.safe_next(request.path)), 303)
        if why == guard.LOCKED:
            return _locked(throttle.wait(_client()))
        back = {"/batch": "batch", "/self": "selfcheck"}.get(request.path)
        if why == guard.TOO_MANY:
            msg = f"选择的文件太多：{limits}。请分几次上传，或把文件压缩成 .zip 后再上传。"
        else:
            msg = f"上传的内容太大：{limits}。请分几次上传。"
        again = "自检与装订页面不会保留已选择的文件：请重新选择全部文件。" if back == "selfcheck" else ""
        return _error(413, msg, back=back, again=again)

    def _locked(wait: float):
        minutes = max(1, int(wait // 60 + (1 if wait % 60 else 0)))
        body, code = _error(429, f"口令错误次数过多，请 {minutes} 分钟后再试。")
        return body, code, {"Retry-After": str(int(wait) + 1)}

    @app.template_filter("clock")
    def _clock(t: float) -> str:
        import time
        return time.strftime("%m月%d日 %H:%M", time.localtime(t))

    @app.context_processor
    def _globals():
        return {"csrf": _csrf(), "cfg": cfg, "nav": request.endpoint, "account": people.current(),
                "login_on": people.login_required(app), "ledger": reg is not None}

    @app.before_request
    def _guard():
        # decided from the headers first: nothing below may read the body before this
        why = request.environ.get("HTTP_qhsme_refused") or guard.precheck(
            app, request.method, request.path,
            {"CONTENT_LENGTH": request.headers.get("Content-Length", ""),
             "COOKIE": request.headers.get("Cookie", ""),
             "X_QHSME_FILES": request.headers.get(guard.FILES_HEADER, "")}, _client())
        if why:
            return refuse(why)
        if request.endpoint == "upload_js":
            return None
        if people.accounts_on(app):
            if not people.signed_in(app) and request.endpoint not in ("login", "logout"):
                return redirect(url_for("login", next=guard.safe_next(request.full_path.rstrip("?"))))
        elif cfg.token:
            given = request.args.get("token")
            if given is not None:
                wait = throttle.wait(_client())
                if wait:
                    return _locked(wait)
                if hmac.compare_digest(given.encode(), cfg.token.encode()):
                    throttle.passed(_client())
                    session["auth"] = True
                    args = {k: v for k, v in request.args.items() if k != "token"}
                    if request.endpoint is None or request.endpoint == "login":
                        return redirect(guard.safe_next(args.get("next")) if request.endpoint else
                                        guard.safe_next(request.path))
                    return redirect(url_for(request.endpoint, **(request.view_args or {}), **args))
                throttle.failed(_client())
            if not session.get("auth") and request.endpoint not in ("login", "logout"):
                from urllib.parse import urlencode
                rest = urlencode([(k, v) for k, v in request.args.items(multi=True) if k != "token"])
                return redirect(url_for("login", next=guard.safe_next(request.path + ("?" + rest if rest else ""))))
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
                                "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self'; "
                                "object-src 'none'; frame-ancestors 'none'; form-action 'self'")
        return resp

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(e):
        back = {"batch": "batch", "selfcheck": "selfcheck"}.get(request.endpoint)
        return _error(413, f"上传的内容超过限制：{limits}。请分几次上传，或把文件压缩后再上传。",
                      back=back, again=_chosen() if back == "selfcheck" else "")

    @app.errorhandler(BadName)
    def _bad_name(e):
        back = {"batch": "batch", "selfcheck": "selfcheck"}.get(request.endpoint)
        return _error(400, f"文件名“{e.name}”含有路径（如 ../ 或以 / 开头），已拒收，未处理任何文件。"
                           "请改用普通文件名后重新上传。", back=back,
                      again=_chosen() if back == "selfcheck" else "")

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
        nxt = guard.safe_next(request.values.get("next"))
        wrong = False
        if people.accounts_on(app):
            return people.login_page(app, nxt, throttle, _client, _locked)
        if session.get("auth") or not cfg.token:
            return redirect(nxt)
        if request.method == "POST":
            wait = throttle.wait(_client())
            if wait:
                return _locked(wait)
            given = request.form.get("token", "")
            if hmac.compare_digest(given.encode(), cfg.token.encode()):
                throttle.passed(_client())
                session.clear()
                session["auth"] = True
                return redirect(nxt)
            if throttle.failed(_client()):
                return _locked(throttle.wait(_client()))
            wrong = True
        return render_template("login.html", next=nxt, wrong=wrong), (403 if wrong else 200)

    @app.post("/logout")
    def logout():
        people.audit(app, "logout")
        session.clear()
        return redirect(url_for("login") if people.login_required(app) else url_for("index"), 303)

    @app.get("/upload.js")
    def upload_js():
        resp = send_file(templates_dir() / "web" / "upload.js", mimetype="text/javascript", max_age=300)
        return resp

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

    @app.post("/forms/rows")
    def forms_rows():
        """需要更多行？: blanks of annexes 2-5 with the rows asked for, as one .zip (the same
        library call as ``qhsme forms --rows``)."""
        return _blank_forms_zip(request.form)
    app.jinja_env.globals["more_rows"] = _more_rows

    @app.route("/batch", methods=["GET", "POST"])
    def batch():
        if request.method == "GET":
            return render_template("batch.html")
        from .work import run_batch
        fs = _files("files") + _files("folder")
        if not fs:
            return _error(400, "没有选择文件。请选择文件、文件夹或 .zip 压缩包后再上传。", back="batch")
        job = jobs.new("batch")
        job.title = f"{len(fs)} 个文件"
        _mine(job)
        uploads = _save(fs, job.dir / "in", set(_parse_suffixes()) | {ZIP})
        people.audit(app, "upload", f"解析回收材料 {job.id}", _shown(uploads))
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
        job.title = "、".join(f.filename.replace("\\", "/").rsplit("/", 1)[-1] for f in data_fs[:3]) + \
            ("等" if len(data_fs) > 3 else "")
        _mine(job)
        data_up = _save(data_fs, job.dir / "in", set(_parse_suffixes()) | DATA_SUFFIXES)
        item_up = {n: _save(fs, job.dir / f"item{n}", ATTACHMENT_SUFFIXES, stem="材料") for n, fs in item_fs.items()}
        photos = _save(_files("photos"), job.dir / "photos", PHOTO_SUFFIXES, stem="照片")
        people.audit(app, "upload", f"自检与装订 {job.id}",
                     _shown(data_up + [u for ups in item_up.values() for u in ups] + photos))
        options = {"duplex": bool(request.form.get("duplex")), "package": bool(request.form.get("package"))}
        jobs.submit(job, run_self, data_up, item_up, options, photos)
        return redirect(url_for("job_page", job_id=job.id), 303)

    @app.get("/jobs/<job_id>")
    def job_page(job_id):
        job = people.own_job(app, jobs.get(job_id))
        if job is None:
            abort(404)
        running = job.running            # one look: the job may finish while the page renders
        left = job.expires_in(cfg.ttl)
        return render_template("job.html", job=job, running=running, ttl_min=int(cfg.ttl // 60),
                               left_min=None if left is None else int(left // 60),
                               expiring=left is not None and left < max(300, cfg.ttl / 5),
                               printing=bool(request.args.get("print")))

    @app.get("/jobs")
    def history():
        if people.accounts_on(app):
            shown = [j for j in jobs.all() if people.own_job(app, j)]
        else:
            shown = [j for j in jobs.all() if not cfg.token or j.id in session.get("jobs", [])]
        return render_template("history.html", jobs=shown, ttl=cfg.ttl, now=_now())

    @app.post("/jobs/<job_id>/cancel")
    def cancel(job_id):
        job = people.own_job(app, jobs.get(job_id))
        if job is None:
            abort(404)
        jobs.cancel(job)
        return redirect(url_for("job_page", job_id=job.id), 303)

    @app.get("/jobs/<job_id>/app/<int:n>/<kind>")
    def applicant_file(job_id, n, kind):
        from .downloads import applicant_file as make
        job = people.own_job(app, jobs.get(job_id))
        got = make(job, n, kind) if job is not None and job.finished_ok else None
        if got is None:
            abort(404)
        path, name, mimetype = got
        people.audit(app, "download", f"{job.id} 第{n}家 {name}")
        if kind == "report":
            return send_file(path, mimetype=mimetype)
        return send_file(path, as_attachment=True, download_name=name, mimetype=mimetype)

    @app.get("/jobs/<job_id>/<key>")
    def job_file(job_id, key):
        job = people.own_job(app, jobs.get(job_id))
        if job is None or key not in job.outputs:
            abort(404)
        path, name = job.outputs[key]
        people.audit(app, "download", f"{job.id} {name}")
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

    from .ledger import install
    install(app, reg, jobs, _error)
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


def _error(code: int, message: str, back: str | None = None, again=""):
    return render_template("error.html", code=code, message=message, back=back, again=again), code


def _client() -> str:
    return request.remote_addr or ""


def _now():
    import time
    return time.monotonic()


def _shown(uploads) -> str:
    names = [u.shown for u in uploads]
    return "、".join(names[:20]) + (f" 等 {len(names)} 个文件" if len(names) > 20 else "")


def _mine(job) -> None:
    """Remember the job in this browser's session (the history shows these when a token is set),
    and its account (who submitted it)."""
    from .people import current
    acc = current()
    job.owner = acc.name if acc else ""
    mine = [j for j in session.get("jobs", []) if j != job.id][-29:]
    session["jobs"] = mine + [job.id]


def _chosen():
    """What the self-check page had chosen, per field, for the page to say which to choose again."""
    from ..dossier.items import application_items
    from ..model import annex
    a2 = annex(2)
    labels = {"data": "申报数据", "photos": f"{a2.name} {a2['photos'].label}"}
    labels.update({f"item{i.number}": i.label for i in application_items() if i.number >= 6})
    out = []
    try:
        for key, label in labels.items():
            names = [f.filename for f in request.files.getlist(key) if f and f.filename]
            if names:
                out.append((label, names))
    except Exception:  # noqa: BLE001 - the body could not be read: say so generally
        return "自检与装订页面不会保留已选择的文件：请重新选择全部文件。"
    return out or "自检与装订页面不会保留已选择的文件：请重新选择全部文件。"


WEB_ROWS = {"photos": 2, "staff": 3, "equipment": 4, "enterprises": 5}     # table id: its annex
WEB_MAX_ROWS = 500          # per table: a blank of 500 rows takes some seconds to write


def _more_rows() -> list[dict]:
    """The row counts the forms page offers: table id, annex, label and default."""
    from ..forms import default_rows
    from ..model import annex
    d = default_rows()
    return [{"id": tid, "annex": annex(n).name, "label": annex(n)[tid].label, "default": d[tid],
             "least": max(1, annex(n)[tid].min_rows), "max": WEB_MAX_ROWS} for tid, n in WEB_ROWS.items()]


def _blank_forms_zip(form):
    """The blank annexes holding the tables of the form's row counts, zipped."""
    import io
    import tempfile
    import zipfile

    from ..errors import InputError
    from ..forms import blank_rows, write_blank_forms
    rows = {}
    for tid in WEB_ROWS:
        raw = (form.get(tid) or "").strip()
        if raw:
            rows[tid] = int(raw) if raw.isdigit() else raw
    fmt = form.get("format", "all")
    if fmt not in ("all", "pdf", "docx"):
        fmt = "all"
    try:
        blank_rows(rows, limit=WEB_MAX_ROWS)
        with tempfile.TemporaryDirectory(prefix="qhsme-rows-") as d:
            written = write_blank_forms(d, fmt, sorted(set(WEB_ROWS.values())), index=False, rows=rows)
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
                for p in written:
                    z.write(p, p.name)
    except InputError as e:
        return _error(400, e.message + "。网页上每个表格最多 %d 行；更多行请用命令 qhsme forms --rows。"
                      % WEB_MAX_ROWS, back="forms")
    buf.seek(0)
    return send_file(buf, mimetype="application/zip", as_attachment=True, download_name="qhsme-blank-forms.zip")
