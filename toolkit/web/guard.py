"""Hardening of the web page that does not depend on the WSGI server.

- ``safe_next``: a ``?next=`` target that can only stay on this site;
- ``Throttle``: wrong tokens counted per client address, a lockout answered
  with 429 at once (no sleep holding a server thread);
- ``precheck``: what can be decided from a request's headers alone (its
  Content-Length, the session cookie, the file count the page's script
  announces) before any byte of the body is read.  ``server.py`` calls it from
  waitress's header parser; Flask's ``before_request`` calls it again for any
  other server.
"""
from __future__ import annotations

import threading
import time
from urllib.parse import unquote, urlsplit

# Refusals decided from the headers; the app renders the page for each.
LOGIN, TOO_LARGE, TOO_MANY, LOCKED = "login", "too-large", "too-many", "locked"
FILES_HEADER = "X-Qhsme-Files"           # sent by upload.js: the number of files chosen
UPLOAD_PATHS = ("/batch", "/self")


def safe_next(target: str | None, default: str = "/") -> str:
    """``target`` when it is a path on this site, else ``default``.

    Refused: anything with a scheme or host, ``//host``, a backslash (browsers read
    ``/\\host`` as ``//host``), and control characters or spaces anywhere, raw or
    percent-encoded (browsers drop a tab or newline, so ``/%09/host`` becomes ``//host``)."""
    if not target or not isinstance(target, str):
        return default
    for text in (target, unquote(target)):
        if any(ord(c) < 33 or ord(c) == 127 for c in text) or "\\" in text:
            return default
        if not text.startswith("/") or text.startswith("//"):
            return default
        parts = urlsplit(text)
        if parts.scheme or parts.netloc:
            return default
    return target


class Throttle:
    """Wrong tokens per client address: ``free`` tries, then a lockout that doubles with
    each further wrong try (``base`` seconds, at most ``longest``).  A right token clears
    the count.  Thread-safe; the table is pruned so it cannot grow without bound."""

    def __init__(self, free: int = 5, base: float = 30.0, longest: float = 900.0, clock=time.monotonic):
        self.free, self.base, self.longest, self.clock = free, base, longest, clock
        self._fails: dict[str, tuple[int, float]] = {}      # client -> (wrong tries, locked until)
        self._lock = threading.Lock()

    def wait(self, client: str) -> float:
        """Seconds until ``client`` may try again (0: now)."""
        with self._lock:
            _, until = self._fails.get(client, (0, 0.0))
        return max(0.0, until - self.clock())

    def failed(self, client: str) -> float:
        """Count a wrong token; the lockout it starts (0 while tries are left)."""
        now = self.clock()
        with self._lock:
            n, _ = self._fails.get(client, (0, 0.0))
            n += 1
            lock = 0.0 if n < self.free else min(self.longest, self.base * 2 ** (n - self.free))
            self._fails[client] = (n, now + lock)
            if len(self._fails) > 10_000:
                self._fails = {k: v for k, v in self._fails.items() if v[1] > now}
        return lock

    def passed(self, client: str) -> None:
        with self._lock:
            self._fails.pop(client, None)


def precheck(app, method: str, path: str, headers: dict, client: str) -> str | None:
    """The refusal for a request known from its headers alone, or None.

    ``headers``: WSGI-style names (``CONTENT_LENGTH``, ``COOKIE``, ``X_QHSME_FILES``).
    Only POSTs carry bodies worth refusing early; GETs are left to the app."""
    if method != "POST":
        return None
    cfg = app.config["QHSME"]
    required = app.extensions.get("qhsme_login_required")
    if (required() if required else cfg.token) and path != "/login" \
            and not authenticated(app, headers.get("COOKIE", "")):
        return LOGIN
    if path == "/login" and not cfg.behind_proxy and app.extensions["qhsme_throttle"].wait(client):
        return LOCKED
    try:
        length = int(headers.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > cfg.max_mb * 1024 * 1024:
        return TOO_LARGE
    try:
        files = int(headers.get(FILES_HEADER.upper().replace("-", "_")) or 0)
    except ValueError:
        files = 0
    if path in UPLOAD_PATHS and files > cfg.max_files:
        return TOO_MANY
    return None


def authenticated(app, cookie_header: str) -> bool:
    """Whether the session cookie in ``cookie_header`` is a signed, logged-in session."""
    from werkzeug.http import parse_cookie
    value = parse_cookie(cookie_header).get(app.config.get("SESSION_COOKIE_NAME", "session"))
    if not value:
        return False
    s = app.session_interface.get_signing_serializer(app)
    if s is None:
        return False
    try:
        data = s.loads(value, max_age=int(app.permanent_session_lifetime.total_seconds()))
    except Exception:  # noqa: BLE001 - any bad cookie is simply not a login
        return False
    return bool(data.get("auth"))
