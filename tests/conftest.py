"""Shared fixtures.  Tests that need a third-party program call ``need(...)``
(pdf.js: the ``pdfjs`` fixture): it skips with the reason when the program is
absent, and fails instead when QHSME_REQUIRE_CLIENTS=1 (set by .ci/run), so CI
always runs them."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


def need(*programs: str) -> None:
    missing = [p for p in programs if shutil.which(p) is None]
    if missing:
        unavailable("需要第三方程序（未安装）：" + "、".join(missing))


def unavailable(reason: str) -> None:
    """Skip with ``reason``, or fail when CI requires every client."""
    if os.environ.get("QHSME_REQUIRE_CLIENTS") == "1":
        pytest.fail(reason + "；CI 要求安装它们")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def pdfjs():
    """pdf.js (pdfjs-dist from $QHSME_PDFJS or .ci/pdfjs, as .ci/run installs it) in Debian's
    chromium.  Module scope: only one Playwright runs at a time, and the web tests start their own."""
    import importlib.util
    import pdf_helpers
    need("chromium")
    if importlib.util.find_spec("playwright") is None:
        unavailable("需要 Python 包 playwright（未安装）")
    if pdf_helpers.pdfjs_dist() is None:
        unavailable("需要 pdf.js（未找到 pdfjs-dist）：运行 npm install --prefix .ci/pdfjs "
                    f"pdfjs-dist@{pdf_helpers.PDFJS_VERSION}，或用 QHSME_PDFJS 指向它的目录")
    yield pdf_helpers.pdfjs()
    pdf_helpers.close_pdfjs()


@pytest.fixture
def sample_path():
    return lambda name: SAMPLES / name


@pytest.fixture(scope="session")
def good_data():
    from toolkit.datafile import load
    from toolkit.validate import validate
    return validate(load(SAMPLES / "xining-complete.yaml")).data
