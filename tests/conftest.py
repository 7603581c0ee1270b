"""Shared fixtures.  Tests that need a third-party program call ``need(...)``:
it skips with the reason when the program is absent, and fails instead when
QHSME_REQUIRE_CLIENTS=1 (set by .ci/run), so CI always runs them."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


def need(*programs: str) -> None:
    missing = [p for p in programs if shutil.which(p) is None]
    if not missing:
        return
    reason = "需要第三方程序（未安装）：" + "、".join(missing)
    if os.environ.get("QHSME_REQUIRE_CLIENTS") == "1":
        pytest.fail(reason + "；CI 要求安装它们")
    pytest.skip(reason)


@pytest.fixture
def sample_path():
    return lambda name: SAMPLES / name


@pytest.fixture(scope="session")
def good_data():
    from toolkit.datafile import load
    from toolkit.validate import validate
    return validate(load(SAMPLES / "xining-complete.yaml")).data
