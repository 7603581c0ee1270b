"""``qhsme demo``: the whole flow on the bundled sample, one stage after another.

Each stage of the toolkit adds itself here, so a newcomer sees every output
in one folder.  Yields one line of Chinese progress per step.
"""
from __future__ import annotations

import json
from pathlib import Path

from .datafile import load, save, write_atomic
from .errors import DataProblems
from .resources import samples_dir
from .schema import json_schema
from .validate import validate

DEFAULT_SAMPLE = "xining-complete.yaml"


def run_demo(out: Path, sample: Path | None = None):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    sample = Path(sample) if sample else samples_dir() / DEFAULT_SAMPLE
    yield f"示例数据：{sample}"

    result = validate(load(sample))
    if not result.ok:
        for p in result.problems:
            p.file = str(sample)
        raise DataProblems(result.problems, file=str(sample))
    data_file = out / "application.json"
    save(result.data, data_file)
    yield f"1. 校验通过（{len(result.problems)} 条提示），规范化数据：{data_file}"

    schema_file = out / "schema.json"
    write_atomic(schema_file, (json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n").encode())
    yield f"2. 数据文件的 JSON Schema：{schema_file}"
    yield f"完成。输出目录：{out.resolve()}"
