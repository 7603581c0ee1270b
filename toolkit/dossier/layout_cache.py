"""The authored pages of a dossier, kept once laid out.

Binding the same dossier again (another copy, the electronic version, a re-bind after
replacing an attachment with one of the same length) lays out the very same HTML: the
cover, contents and declaration depend only on it.  Its WeasyPrint result is kept in the
font cache folder, keyed by the HTML and the WeasyPrint version, so the next bind neither
lays it out nor imports WeasyPrint (most of a bind's time).  The newest ``KEEP`` are kept.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

KEEP = 32
VERSION = "1"


def _dir() -> Path:
    from ..pdfform import fonts as F
    return F.cache_dir() / "dossier-layout"


def key(html: str, fonts: str) -> str:
    """For the page ``html`` (before its @font-face rules) in ``fonts`` (the font files' names,
    which carry their build keys), with this WeasyPrint (its file, size and time)."""
    from importlib.util import find_spec
    spec = find_spec("weasyprint")
    st = Path(spec.origin).stat() if spec and spec.origin else None
    h = hashlib.sha256(f"{VERSION}|{spec and spec.origin}|{st and (st.st_size, st.st_mtime_ns)}|{fonts}|".encode())
    h.update(html.encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:32]


def get(k: str) -> tuple[bytes, dict] | None:
    d = _dir()
    try:
        meta = json.loads((d / f"{k}.json").read_text(encoding="utf-8"))
        body = (d / f"{k}.pdf").read_bytes()
    except (OSError, ValueError):
        return None
    if hashlib.sha256(body).hexdigest() != meta.get("sha256"):
        return None
    return body, meta


def put(k: str, body: bytes, counts: dict, links: list) -> None:
    from ..datafile import write_atomic
    d = _dir()
    try:
        d.mkdir(parents=True, exist_ok=True)
        write_atomic(d / f"{k}.pdf", body)
        write_atomic(d / f"{k}.json", json.dumps({"sha256": hashlib.sha256(body).hexdigest(), "counts": counts,
                                                  "links": links}, ensure_ascii=False).encode("utf-8"))
        old = sorted(d.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)[KEEP:]
        for p in old:
            p.unlink(missing_ok=True)
            p.with_suffix(".pdf").unlink(missing_ok=True)
    except OSError:
        pass                         # a read-only cache: laid out again next time
