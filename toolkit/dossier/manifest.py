"""The dossier manifest: which data file, and which files for which item.

    kind: application          # application (第九条) | review (第十五条) | report (第十四条)
    data: xining-complete.yaml # the application data file
    date: 2026-03-15           # optional: date on the cover and the declaration
    items:                     # by item number, one path or a list; paths relative to the manifest
      6: attachments/business-licence.jpg
      9:                       # several files: each may carry the title the contents show
        - {file: attachments/certificate-cma.png, title: 检验检测机构资质认定证书}
        - attachments/honor-2024.jpg            # without one: the file name

Annex items are rendered from the data unless files are given for them; the
declaration (application item 11) is generated unless a signed scan is given.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..datafile import load
from ..errors import InputError
from .items import KINDS, Item, items_for


@dataclass
class Manifest:
    path: Path
    kind: str
    data_path: Path | None
    files: dict[int, list[Path]] = field(default_factory=dict)
    date: str | None = None
    titles: dict[Path, str] = field(default_factory=dict)    # a file's title in the contents

    def title(self, path: Path) -> str:
        return self.titles.get(path) or path.stem

    @property
    def items(self) -> list[Item]:
        return items_for(self.kind)

    @property
    def base_dir(self) -> Path:
        return self.path.parent


def load_manifest(path) -> Manifest:
    path = Path(path)
    raw = load(path)
    kind = str(raw.get("kind", "application"))
    if kind not in KINDS:
        raise InputError(f"kind 应为 {'、'.join(KINDS)} 之一，实际为“{kind}”", file=str(path))
    items = {i.number: i for i in items_for(kind)}
    data = raw.get("data")
    files: dict[int, list[Path]] = {}
    titles: dict[Path, str] = {}
    given = raw.get("items") or {}
    if not isinstance(given, dict):
        raise InputError("items 应为“编号: 文件”的键值表", file=str(path))
    for key, value in given.items():
        try:
            n = int(key)
        except (TypeError, ValueError):
            raise InputError(f"items 中的“{key}”不是材料编号（1–{len(items)}）", file=str(path))
        if n not in items:
            raise InputError(f"没有第{n}项材料（{kind} 共{len(items)}项）", file=str(path))
        entries = value if isinstance(value, list) else ([] if value in (None, "") else [value])
        files[n] = []
        for entry in entries:
            title = None
            if isinstance(entry, dict):
                unknown = set(entry) - {"file", "title"}
                if unknown or "file" not in entry:
                    raise InputError(f"{items[n].label} 的文件应写成路径，或 {{file: 路径, title: 标题}}"
                                     f"（{'多了 ' + '、'.join(map(str, unknown)) if unknown else '缺少 file'}）",
                                     file=str(path))
                title = entry.get("title")
                if title is not None and (not isinstance(title, str) or not title.strip()):
                    raise InputError(f"{items[n].label} 的文件标题应为文字，实际为“{title}”", file=str(path))
                entry = entry["file"]
            f = _resolve(path, entry, items[n])
            files[n].append(f)
            if title:
                titles[f] = title.strip()
    date = raw.get("date")
    return Manifest(path, kind, _resolve(path, data, None) if data else None, files,
                    str(date) if date else None, titles)


def _resolve(manifest: Path, p, item: Item | None) -> Path:
    if not isinstance(p, str) or not p.strip():
        where = f"{item.label} 的" if item else ""
        raise InputError(f"{where}文件路径应为文字，实际为“{p}”", file=str(manifest))
    q = Path(p)
    return q if q.is_absolute() else (manifest.parent / q)
