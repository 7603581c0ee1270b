"""One applicant's downloads from a clerk's batch, made when first asked for.

``job.store[n]`` keeps what the batch read for applicant ``n`` (its data, its
problems, its check report); ``applicant_file`` writes the asked-for file
once under ``out/app<n>/`` and returns (path, download name, mimetype).
"""
from __future__ import annotations

import json
import threading
import zipfile
from pathlib import Path

KINDS = ("report", "xlsx", "json", "forms")
_lock = threading.Lock()


def _safe(name: str) -> str:
    return "".join("_" if c in '/\\:*?"<>|' or ord(c) < 32 else c for c in name).strip() or "申报单位"


def applicant_file(job, n: int, kind: str) -> tuple[Path, str, str] | None:
    entry = job.store.get(n)
    if entry is None or kind not in KINDS:
        return None
    out = job.dir / "out" / f"app{n}"
    stem = _safe(entry["id"])
    with _lock:
        out.mkdir(parents=True, exist_ok=True)
        if kind == "report":
            if entry["report"] is None:
                return None
            p = out / "report.html"
            if not p.exists():
                p.write_text(entry["report"].to_html(), encoding="utf-8")
            return p, f"{stem}-检查报告.html", "text/html"
        if kind == "json":
            p = out / "data.json"
            if not p.exists():
                doc = {"id": entry["id"], "data": entry["data"],
                       "check": entry["report"].to_json() if entry["report"] else None,
                       "problems": [x.to_dict() for x in entry["problems"]]}
                p.write_text(json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
            return p, f"{stem}.json", "application/json"
        if kind == "xlsx":
            p = out / "data.xlsx"
            if not p.exists():
                from ..export import workbook
                apps = [(entry["id"], entry["data"])] if entry["data"] else []
                workbook(apps, entry["problems"]).save(p)
            return p, f"{stem}.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if entry["data"] is None:
            return None
        p = out / "forms.zip"
        if not p.exists():
            _forms(entry["data"], out, p)
        return p, f"{stem}-填好的表格.zip", "application/zip"


def _forms(data: dict, out: Path, target: Path) -> None:
    """Annexes 1-5 (those with data) filled, PDF and Word, zipped; a note for one that fails."""
    from ..docxform import write_filled as docx_filled
    from ..errors import QhsmeError
    from ..pdfform import write_filled as pdf_filled
    from .text import user_text
    forms = out / "forms"
    forms.mkdir(exist_ok=True)
    annexes = sorted(int(k[5:]) for k in data if k.startswith("annex") and k[5:].isdigit())
    made, notes = [], []
    for n in annexes:
        for ext, write in (("pdf", lambda n, p: pdf_filled(n, data, p, base_dir=out, flatten=False)),
                           ("docx", lambda n, p: docx_filled(n, data, p, base_dir=out))):
            p = forms / f"附件{n}.{ext}"
            try:
                write(n, p)
                made.append(p)
            except QhsmeError as e:
                notes.append(f"附件{n}（{ext.upper()}）未能生成：{e.message}")
            except Exception as e:  # noqa: BLE001 - one form never stops the rest
                notes.append(f"附件{n}（{ext.upper()}）未能生成：{user_text(str(e)[:200], out)}")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for p in made:
            z.write(p, p.name)
        if notes:
            z.writestr("未能生成的表格.txt", "\n".join(notes) + "\n")
