"""Start the web page with waitress, a production WSGI server.

The page binds to 127.0.0.1 unless told otherwise; any other address makes
the page reachable from the network, so a token (password) is then required.

Beyond waitress's defaults (see README, 本机网页):

- a request is judged on its headers before its body is read (``guard.precheck``:
  not logged in, Content-Length over the limit, too many files announced); the
  refusal page is sent at once and what the client still sends is thrown away,
  never buffered;
- idle connections cannot lock the page out: they time out after ``IDLE`` seconds,
  and at the connection limit the longest-idle connection without a request in
  progress is closed to make room for the new one;
- SIGTERM (systemd, docker) stops the page as Ctrl+C does: the workspace is removed;
  a start removes workspaces left by servers that are no longer running.
"""
from __future__ import annotations

import ipaddress
import signal
import socket
import time
from pathlib import Path

from ..errors import QhsmeError
from .app import MB, WebConfig, create_app
from .guard import precheck

CONNECTIONS = 200       # open connections at most (a browser opens about 6)
IDLE = 30               # seconds an idle connection is kept
LINGER = 5              # seconds a refused upload's rest is read and thrown away
REFUSED = "qhsme_refused"   # lower case: no header a client sends can become this key


class UnsafeHost(QhsmeError):
    """Listening on the network without a token."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_host(host: str, token: str | None, accounts: bool = False) -> None:
    """Refuse the network without a token or named accounts (``--db`` with accounts)."""
    if not is_loopback(host) and not token and not accounts:
        raise UnsafeHost(f"监听地址 {host} 可被其他电脑访问，必须设置口令："
                         "加 --token-file 口令文件（或环境变量 QHSME_TOKEN），或用 --db 给出已建账号的台账数据库"
                         "（qhsme registry account add）；只在本机使用请去掉 --host")


def check_port(host: str, port: int) -> None:
    """Fail with a Chinese message before starting when the address cannot be listened on."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as e:
        raise QhsmeError(f"监听地址 {host} 无效（{e.strerror}）") from e
    family, kind, proto, _, addr = infos[0]
    with socket.socket(family, kind, proto) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(addr)
        except OSError as e:
            raise QhsmeError(f"无法在 {host}:{port} 启动（{e.strerror or e}）：端口可能已被占用，请换一个 --port") from e


def _has_accounts(db) -> bool:
    if not db:
        return False
    from ..registry.accounts import has_accounts
    from ..registry.db import Registry
    with Registry(db, create=True) as reg:
        return has_accounts(reg)


def read_token_file(path) -> str:
    """The token in the first line of ``path`` (kept out of ``ps`` and shell history)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise QhsmeError(f"无法读取口令文件 {path}（{getattr(e, 'strerror', None) or e}）") from e
    token = text.strip().splitlines()[0].strip() if text.strip() else ""
    if not token:
        raise QhsmeError(f"口令文件 {path} 是空的：请在第一行写入口令")
    return token


# ---------------------------------------------------------------- waitress, hardened

def _classes():
    """The parser, channel and server classes (waitress is imported only when serving)."""
    from waitress.channel import HTTPChannel
    from waitress.parser import HTTPRequestParser
    from waitress.server import TcpWSGIServer

    class Parser(HTTPRequestParser):
        app = None          # set per server class

        def parse_header(self, header_plus):
            super().parse_header(header_plus)
            h = self.headers
            client = getattr(self, "client", "")
            why = precheck(self.app, self.command, self.path, h, client)
            if why:
                # answer from the headers: the app renders the page for ``why``; the body
                # (if any) is not read into a buffer, and the connection closes after
                h[REFUSED] = why
                h["CONTENT_LENGTH"] = "0"
                h["CONNECTION"] = "close"
                self.content_length = 0
                self.body_rcv = None
                self.chunked = False
                self.connection_close = True
                self.expect_continue = False     # a client waiting for 100 Continue never sends it
                self.refused = True

    class Channel(HTTPChannel):
        parser_class = Parser
        refused = False
        linger_until = 0.0

        def __init__(self, *args, **kw):
            super().__init__(*args, **kw)
            client = self.addr[0] if isinstance(self.addr, tuple) else ""

            def parser(adj):
                p = Parser(adj)
                p.client = client
                return p
            self.parser_class = parser

        def received(self, data):
            if self.refused:
                self.last_activity = time.time()
                return True                          # the rest of a refused body: dropped
            done = super().received(data)
            if any(getattr(r, "refused", False) for r in self.requests):
                self.refused = True
            return done

        def handle_write(self):
            if self.refused and self.close_when_flushed and not self.requests:
                self._flush_exception(self._flush_some)
                if not self.total_outbufs_len:
                    # a lingering close: the page has been sent; half-close and read what the
                    # client still sends, so it sees the page rather than a reset connection
                    self.close_when_flushed = False
                    self.linger_until = time.time() + LINGER
                    try:
                        self.socket.shutdown(socket.SHUT_WR)
                    except OSError:
                        self.will_close = True
                if self.will_close:
                    self.handle_close()
                return
            super().handle_write()

        def readable(self):
            if self.linger_until:
                if time.time() > self.linger_until:
                    self.will_close = True
                    return False
                return True
            return super().readable()

        def writable(self):
            return super().writable() or bool(self.linger_until and time.time() > self.linger_until)

    class Server(TcpWSGIServer):
        channel_class = Channel

        def readable(self):
            if self.accepting and len(self._map) >= self.adj.connection_limit:
                self.evict()
            return super().readable()

        def evict(self) -> int:
            """Close the longest-idle connections without a request in progress (a tenth of the
            limit), so that new visitors are let in; the number closed."""
            idle = sorted((c for c in self.active_channels.values()
                           if not c.requests and not c.will_close), key=lambda c: c.last_activity)
            for c in idle[:max(1, self.adj.connection_limit // 10)]:
                c.will_close = True
            return min(len(idle), max(1, self.adj.connection_limit // 10))

    return Server, Parser


def make_server(app, host: str = "127.0.0.1", port: int = 0, threads: int = 8, max_mb: float = 300,
                proxy: bool = False):
    """A waitress server for ``app`` on one address (``port`` 0: any free port).  ``proxy``: behind
    a reverse proxy on this computer (nginx), whose X-Forwarded-For names the client."""
    from waitress.adjustments import Adjustments
    from waitress.task import ThreadedTaskDispatcher
    Server, Parser = _classes()
    Parser.app = app
    adj = Adjustments(host=host, port=port, threads=threads, ident="qhsme",
                      connection_limit=CONNECTIONS, channel_timeout=IDLE, cleanup_interval=2,
                      asyncore_use_poll=True, max_request_body_size=int(max_mb * MB) + MB,
                      **({"trusted_proxy": "127.0.0.1", "trusted_proxy_count": 1,
                          "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto"},
                          "clear_untrusted_proxy_headers": True} if proxy else {}))
    dispatcher = ThreadedTaskDispatcher()
    dispatcher.set_thread_count(threads)
    return Server(app, {}, dispatcher=dispatcher, adj=adj, sockinfo=adj.listen[0])


def serve(host: str = "127.0.0.1", port: int = 8000, config: WebConfig | dict | None = None,
          announce=print) -> None:
    cfg = WebConfig.resolve(config)
    check_host(host, cfg.token, accounts=_has_accounts(cfg.db))
    check_port(host, port)
    app = create_app(cfg)
    jobs = app.extensions["qhsme_jobs"]
    try:
        server = make_server(app, host, port, threads=8, max_mb=cfg.max_mb, proxy=cfg.behind_proxy)
    except BaseException:
        jobs.close()
        raise
    if jobs.swept_at_start:
        announce(f"已删除以前未正常关闭时留下的 {jobs.swept_at_start} 个临时文件夹。")
    if host in ("0.0.0.0", "::", ""):
        announce(f"已启动：本机在浏览器中打开 http://127.0.0.1:{port}/ ，其他电脑打开 http://本机IP地址:{port}/"
                 "   （按 Ctrl+C 停止）")
    else:
        shown = f"[{host}]" if ":" in host else host
        announce(f"已启动：在浏览器中打开 http://{shown}:{port}/   （按 Ctrl+C 停止）")
    reg = app.extensions.get("qhsme_registry")
    if reg is not None:
        announce(f"台账数据库：{reg.name}")
    if _has_accounts(cfg.db):
        announce("此数据库已建账号：访问时须用账号登录（启动口令不再使用）。")
    elif cfg.token:
        announce("访问时需输入启动时设置的口令（或在地址后加 ?token=口令 打开一次）。")

    def stop(signum, frame):
        raise SystemExit(0)          # waitress's loop ends as on Ctrl+C; the finally below cleans up
    old = signal.signal(signal.SIGTERM, stop)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, old)
        server.task_dispatcher.shutdown(timeout=2)
        server.close()
        jobs.close()
