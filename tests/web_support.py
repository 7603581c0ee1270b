"""Helpers for the web tests: filled annexes of the bundled sample, and a form post."""
from __future__ import annotations

import re
import time
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def sample_data() -> dict:
    from toolkit.datafile import load
    from toolkit.validate import validate
    return validate(load(SAMPLES / "xining-complete.yaml")).data


def filled_annexes(out: Path, ext: str, annexes=(1, 2, 3, 4, 5)) -> list[Path]:
    """The sample's annexes filled in as an applicant would return them (``ext``: docx or pdf)."""
    data = sample_data()
    if ext == "pdf":
        from toolkit.pdfform import write_filled
        kw = {"flatten": False}
    else:
        from toolkit.docxform import write_filled
        kw = {}
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in annexes:
        p = out / f"annex{n}.{ext}"
        write_filled(n, data, p, base_dir=SAMPLES, **kw)
        paths.append(p)
    return paths


def csrf(client, page="/batch") -> str:
    html = client.get(page).get_data(as_text=True)
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def wait_done(client, location: str, timeout: float = 60) -> str:
    end = time.monotonic() + timeout
    while True:
        html = client.get(location).get_data(as_text=True)
        if 'http-equiv="refresh"' not in html:
            return html
        if time.monotonic() > end:
            raise AssertionError("job did not finish: " + html[-500:])
        time.sleep(0.1)


def download(client, url: str):
    """(status, headers, body) of a file response, closed (send_file streams from disk)."""
    with client.get(url) as r:
        return r.status_code, r.headers, r.data
