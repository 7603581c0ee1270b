"""Where the package finds its own files, installed as a wheel or run from a clone.

In a wheel, ``templates/`` and ``fillable/`` are copied inside the package
(see ``pyproject.toml``); in a source checkout they stand beside it.
"""
from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
_REPO_DIR = PACKAGE_DIR.parent


def data_path(name: str) -> Path:
    return PACKAGE_DIR / "data" / name


def _shipped_dir(name: str) -> Path:
    inside = PACKAGE_DIR / name
    if inside.is_dir():
        return inside
    return _REPO_DIR / name


def templates_dir() -> Path:
    return _shipped_dir("templates")


def template_path(name: str) -> Path:
    p = templates_dir() / name
    if not p.exists():
        from .errors import ResourceMissing
        raise ResourceMissing(f"找不到模板文件 {name}（{p}）。安装可能不完整，请重新安装 qhsme。")
    return p


def fillable_dir() -> Path:
    """The blank forms to download (fillable/)."""
    return _shipped_dir("fillable")


def samples_dir() -> Path:
    return _shipped_dir("samples")
