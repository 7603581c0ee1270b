"""File-level check job: read the data (and a dossier manifest), check, format."""
from __future__ import annotations

import dataclasses
import json

from ..datafile import load
from ..errors import DataProblems
from ..validate import validate
from . import check
from .config import CheckConfig


def run_check(data_path, fmt: str = "text", as_of=None, config=None, manifest=None, package=None):
    """(report, the report formatted as ``fmt``)."""
    checked = validate(load(data_path))
    if not checked.ok:
        for p in checked.problems:
            p.file = str(data_path)
        raise DataProblems(checked.problems, file=str(data_path))
    cfg = CheckConfig.resolve(config)
    if as_of is not None:
        cfg = dataclasses.replace(cfg, as_of=as_of)
    items = None
    if manifest is not None:
        from ..dossier.manifest import load_manifest
        m = load_manifest(manifest)
        items = {n: [str(p) for p in paths] for n, paths in m.files.items()}
    report = check(checked.data, cfg, items, package=package)
    if fmt == "json":
        text = json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n"
    elif fmt == "html":
        text = report.to_html()
    else:
        text = report.to_text()
    return report, text
