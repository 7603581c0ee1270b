"""Attacks on ``qhsme serve`` from a hostile user on the same network, reproduced against a real
waitress server on 127.0.0.1 (loopback only, bounded loops): an open redirect after login,
guessing the token, idle connections locking the page out, large bodies sent without a login
or over the limit, and SIGTERM leaving uploads on disk."""
from __future__ import annotations

import fcntl
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

import pytest

from toolkit.web import create_app
from toolkit.web.server import make_server

TOKEN = "口令-2026"


class Live:
    """A hardened waitress server (as ``qhsme serve`` runs it) in a thread."""

    def __init__(self, config):
        self.app = create_app(config)
        self.server = make_server(self.app, "127.0.0.1", 0, threads=8, max_mb=self.app.config["QHSME"].max_mb)
        self.port = self.server.effective_port
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

    def conn(self, timeout=10):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def get(self, path, headers=None):
        c = self.conn()
        try:
            c.request("GET", path, headers=headers or {})
            r = c.getresponse()
            return r.status, dict(r.getheaders()), r.read().decode("utf-8", "replace")
        finally:
            c.close()

    def close(self):
        self.server.close()
        self.thread.join(5)
        self.server.task_dispatcher.shutdown(timeout=2)
        self.app.extensions["qhsme_jobs"].close()


@pytest.fixture
def guarded(tmp_path):
    s = Live({"workspace": tmp_path, "token": TOKEN, "max_mb": 5, "max_files": 10})
    yield s
    s.close()


def _login(live) -> str:
    """The session cookie of a logged-in browser."""
    status, headers, _ = live.get("/?token=" + urllib.parse.quote(TOKEN))
    assert status == 302
    return headers["Set-Cookie"].split(";")[0]


def _offsite(location: str) -> bool:
    """Whether a browser would leave the site for ``location`` (it drops tabs and newlines)."""
    loc = re.sub(r"[\t\n\r]", "", urllib.parse.unquote(location))
    parts = urllib.parse.urlsplit(loc)
    return bool(parts.netloc) or loc.startswith("//") or loc.startswith("/\\") or "127.0.0.2" in loc


@pytest.mark.parametrize("target", ["/%09/127.0.0.2/x", "//127.0.0.2/x", "/\\127.0.0.2/x", "http://127.0.0.2/",
                                    "/%0a/127.0.0.2", "%2f%2f127.0.0.2", "/%5c127.0.0.2"])
def test_login_never_redirects_off_site(guarded, target):
    q = "next=" + target
    status, headers, _ = guarded.get("/login?" + q + "&token=" + urllib.parse.quote(TOKEN))
    assert status in (302, 303) and not _offsite(headers["Location"]), headers["Location"]
    cookie = headers["Set-Cookie"].split(";")[0]
    status, headers, _ = guarded.get("/login?" + q, headers={"Cookie": cookie})     # already logged in
    assert status in (302, 303) and not _offsite(headers["Location"]), headers["Location"]
    # the form, with the right password
    c = guarded.conn()
    c.request("GET", "/login?" + q)
    r = c.getresponse()
    page = r.read().decode()
    cookie = r.getheader("Set-Cookie").split(";")[0]
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrf": csrf, "token": TOKEN, "next": urllib.parse.unquote(target)})
    c.request("POST", "/login", body=body, headers={"Cookie": cookie,
                                                   "Content-Type": "application/x-www-form-urlencoded"})
    r = c.getresponse()
    r.read()
    c.close()
    assert r.status in (302, 303) and not _offsite(r.getheader("Location")), r.getheader("Location")


def test_a_same_site_next_is_kept(guarded):
    status, headers, _ = guarded.get("/login?next=/jobs&token=" + urllib.parse.quote(TOKEN))
    assert headers["Location"].endswith("/jobs")


def test_token_guessing_is_locked_out_at_once_and_pages_stay_fast(guarded):
    started = time.monotonic()
    codes = []
    for i in range(200):                                  # bounded: 200 guesses
        status, _, body = guarded.get(f"/forms?token=guess{i}")
        codes.append(status)
    elapsed = time.monotonic() - started
    assert codes.count(429) >= 190, codes[:10]            # 5 free tries, then locked
    assert "口令错误次数过多" in body
    # even the right token is refused while locked: guessing gains nothing
    assert guarded.get("/forms?token=" + urllib.parse.quote(TOKEN))[0] == 429
    assert elapsed < 10                                   # answered at once, no sleeping
    print(f"\n200 guesses answered in {elapsed:.2f} s")


def test_parallel_wrong_logins_do_not_slow_other_pages(guarded):
    cookie = _login(guarded)

    def wrong():
        c = guarded.conn()
        c.request("POST", "/login", body="token=x&csrf=y",
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
        c.getresponse().read()
        c.close()
    threads = [threading.Thread(target=wrong) for _ in range(32)]
    for t in threads:
        t.start()
    t0 = time.monotonic()
    assert guarded.get("/forms", headers={"Cookie": cookie})[0] == 200
    latency = time.monotonic() - t0
    for t in threads:
        t.join(10)
    print(f"\n/forms during 32 wrong logins: {latency:.2f} s")
    assert latency < 0.5


def test_idle_connections_do_not_lock_the_page_out(tmp_path):
    live = Live({"workspace": tmp_path})
    socks = []
    try:
        for _ in range(120):                              # bounded: 120 idle sockets on loopback
            socks.append(socket.create_connection(("127.0.0.1", live.port), timeout=5))
        time.sleep(1.5)
        t0 = time.monotonic()
        status, _, _ = live.get("/forms")
        assert status == 200
        latency = time.monotonic() - t0
        for _ in range(3):                                # and more idle sockets still cannot
            socks.append(socket.create_connection(("127.0.0.1", live.port), timeout=5))
        assert live.get("/")[0] == 200
        print(f"\n/forms with 120 idle connections open: {latency:.2f} s")
        assert latency < 3
    finally:
        for s in socks:
            s.close()
        live.close()


def _send_headers(live, path, length, extra=""):
    s = socket.create_connection(("127.0.0.1", live.port), timeout=10)
    s.sendall((f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {length}\r\n"
               f"Content-Type: multipart/form-data; boundary=x\r\n{extra}\r\n").encode())
    s.sendall(b"--x\r\n" + b"0" * 65536)                  # a little of the body, the rest never sent
    return s


def _answer(s) -> str:
    data = b""
    s.settimeout(5)
    try:
        while True:                                       # the server closes after its answer
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    finally:
        s.close()
    return data.decode("utf-8", "replace")


def test_an_unauthenticated_upload_is_refused_before_its_body(guarded):
    t0 = time.monotonic()
    s = _send_headers(guarded, "/batch", 100 * 1024 * 1024)
    answer = _answer(s)
    assert answer.startswith("HTTP/1.1 303") and "/login" in answer.split("\r\n\r\n")[0]
    assert time.monotonic() - t0 < 3                       # not waiting for 100 MB
    root = guarded.app.extensions["qhsme_jobs"].root
    assert [p.name for p in root.iterdir()] == ["owner.lock"]


def test_an_oversize_upload_is_refused_from_its_length_in_chinese(guarded):
    cookie = _login(guarded)
    t0 = time.monotonic()
    answer = _answer(_send_headers(guarded, "/batch", 50 * 1024 * 1024, f"Cookie: {cookie}\r\n"))
    assert answer.startswith("HTTP/1.1 413")
    assert time.monotonic() - t0 < 3
    assert "上传的内容太大" in answer and "每次最多 5 MB、10 个文件" in answer and 'href="/batch"' in answer
    assert "Request Entity Too Large" not in answer and "max_body" not in answer
    # the file count the page's script announces is judged before the body too
    answer = _answer(_send_headers(guarded, "/batch", 100_000, f"Cookie: {cookie}\r\nX-Qhsme-Files: 11\r\n"))
    assert answer.startswith("HTTP/1.1 413") and "选择的文件太多" in answer
    assert guarded.get("/batch", headers={"Cookie": cookie})[0] == 200     # the page still answers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(tmp_path, *args):
    port = _free_port()
    env = {**os.environ, "TMPDIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    env.pop("QHSME_TOKEN", None)
    p = subprocess.Popen([sys.executable, "-c", "from toolkit.cli import main; main()", "serve", "--port", str(port), *args],
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    end = time.monotonic() + 30
    while time.monotonic() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return p, port
        except OSError:
            time.sleep(0.2)
    p.kill()
    raise AssertionError(p.communicate()[0])


def _upload(port, n=20):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("GET", "/batch")
    r = c.getresponse()
    page = r.read().decode()
    cookie = r.getheader("Set-Cookie").split(";")[0]
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    b = "bnd"
    body = f'--{b}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{csrf}\r\n'.encode()
    for i in range(n):
        body += (f'--{b}\r\nContent-Disposition: form-data; name="files"; filename="单位/附件{i}.pdf"\r\n'
                 f"Content-Type: application/pdf\r\n\r\n").encode() + b"%PDF-1.4\n" + os.urandom(50_000) + b"\r\n"
    body += f"--{b}--\r\n".encode()
    c.request("POST", "/batch", body=body, headers={"Cookie": cookie,
                                                   "Content-Type": f"multipart/form-data; boundary={b}"})
    r = c.getresponse()
    r.read()
    c.close()
    assert r.status == 303


def test_sigterm_removes_the_uploads(tmp_path):
    if not hasattr(signal, "SIGTERM"):
        pytest.skip("no SIGTERM here")
    p, port = _start(tmp_path)
    try:
        _upload(port)
        assert [d for d in tmp_path.iterdir() if d.name.startswith("qhsme-web-")]
        p.send_signal(signal.SIGTERM)
        out = p.communicate(timeout=20)[0]
    finally:
        if p.poll() is None:
            p.kill()
            p.communicate()
    assert p.returncode == 0, out
    assert [d.name for d in tmp_path.iterdir() if d.name.startswith("qhsme-web-")] == [], out


def test_a_start_sweeps_workspaces_of_servers_no_longer_running(tmp_path):
    dead = tmp_path / "qhsme-web-dead"                    # a server killed with SIGKILL
    (dead / "job" / "in").mkdir(parents=True)
    (dead / "owner.lock").write_text("999999\n")
    (dead / "job" / "in" / "00001.pdf").write_bytes(b"%PDF")
    old = tmp_path / "qhsme-web-old"                      # an older version's, without a lock file
    old.mkdir()
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    alive = tmp_path / "qhsme-web-alive"                  # a server still running (holds its lock)
    alive.mkdir()
    other = tmp_path / "not-ours"
    other.mkdir()
    with open(alive / "owner.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        p, port = _start(tmp_path)
        try:
            names = {d.name for d in tmp_path.iterdir()}
            assert "qhsme-web-dead" not in names and "qhsme-web-old" not in names
            assert {"qhsme-web-alive", "not-ours"} <= names
        finally:
            p.send_signal(signal.SIGTERM)
            out = p.communicate(timeout=20)[0]
    assert "已删除以前未正常关闭时留下的 2 个临时文件夹" in out


def test_a_client_waiting_for_100_continue_is_answered_without_sending_the_body(guarded):
    s = socket.create_connection(("127.0.0.1", guarded.port), timeout=10)
    s.sendall(b"POST /batch HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 104857600\r\n"
              b"Content-Type: multipart/form-data; boundary=x\r\nExpect: 100-continue\r\n\r\n")
    answer = _answer(s)
    assert answer.startswith("HTTP/1.1 303") and "100 Continue" not in answer


def test_behind_a_proxy_wrong_tokens_count_per_forwarded_client(tmp_path):
    live = Live({"workspace": tmp_path, "token": TOKEN, "behind_proxy": True})
    live.server.close()                       # the proxy-aware server instead
    live.thread.join(5)
    live.server = make_server(live.app, "127.0.0.1", 0, proxy=True)
    live.port = live.server.effective_port
    live.thread = threading.Thread(target=live.server.run, daemon=True)
    live.thread.start()
    try:
        # header values only (documentation addresses): no traffic goes anywhere but loopback
        for i in range(8):
            status, _, _ = live.get(f"/forms?token=guess{i}", headers={"X-Forwarded-For": "203.0.113.5"})
        assert status == 429
        status, _, _ = live.get("/forms?token=" + urllib.parse.quote(TOKEN),
                                headers={"X-Forwarded-For": "203.0.113.6"})
        assert status == 302                  # another person behind the same proxy is not locked out
    finally:
        live.close()


def test_five_concurrent_hundred_file_batches_finish_within_bounded_memory(tmp_path):
    import resource
    live = Live({"workspace": tmp_path, "ttl": 600, "workers": 2})
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    done = []

    def one(k):
        _upload(live.port, n=100)
        done.append(k)
    try:
        threads = [threading.Thread(target=one, args=(k,)) for k in range(5)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert sorted(done) == list(range(5))
        jobs = live.app.extensions["qhsme_jobs"]
        end = time.monotonic() + 120
        while any(j.running for j in jobs.all()) and time.monotonic() < end:
            time.sleep(0.5)
        assert len(jobs.all()) == 5 and all(j.finished_ok for j in jobs.all())
        assert all(len(j.result["applications"]) == 1 and j.result["files"] == 100 for j in jobs.all())
        grew = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - before
        print(f"\n5 x 100 files (25 MB uploaded): peak grew by {grew:.0f} MB")
        assert grew < 300
    finally:
        live.close()


def test_session_cookie_is_httponly_and_samesite(guarded):
    _, headers, _ = guarded.get("/login")
    cookie = headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
