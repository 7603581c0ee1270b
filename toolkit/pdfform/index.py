"""fillable/index.html: the download page."""
from __future__ import annotations


def write_index(fillable_dir) -> None:
    raise NotImplementedError
