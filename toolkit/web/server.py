"""Start the web page with waitress, a production WSGI server.

The page binds to 127.0.0.1 unless told otherwise; any other address makes
the page reachable from the network, so a token (password) is then required.
"""
from __future__ import annotations

import ipaddress
import socket

from ..errors import QhsmeError
from .app import MB, WebConfig, create_app


class UnsafeHost(QhsmeError):
    """Listening on the network without a token."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_host(host: str, token: str | None) -> None:
    if not is_loopback(host) and not token:
        raise UnsafeHost(f"监听地址 {host} 可被其他电脑访问，必须设置口令："
                         "加 --token 口令，或设置环境变量 QHSME_TOKEN；只在本机使用请去掉 --host")


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


def serve(host: str = "127.0.0.1", port: int = 8000, config: WebConfig | dict | None = None,
          announce=print) -> None:
    cfg = WebConfig.resolve(config)
    check_host(host, cfg.token)
    check_port(host, port)
    import waitress
    app = create_app(cfg)
    if host in ("0.0.0.0", "::", ""):
        announce(f"已启动：本机在浏览器中打开 http://127.0.0.1:{port}/ ，其他电脑打开 http://本机IP地址:{port}/"
                 "   （按 Ctrl+C 停止）")
    else:
        shown = f"[{host}]" if ":" in host else host
        announce(f"已启动：在浏览器中打开 http://{shown}:{port}/   （按 Ctrl+C 停止）")
    if cfg.token:
        announce("访问时需输入启动时设置的口令（或在地址后加 ?token=口令 打开一次）。")
    try:
        waitress.serve(app, host=host, port=port, threads=8, ident="qhsme",
                       max_request_body_size=int(cfg.max_mb * MB) + MB, _quiet=True)
    finally:
        app.extensions["qhsme_jobs"].close()
