"""Read and write application data files (YAML or JSON, UTF-8)."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import yaml

from .errors import InputError

MAX_BYTES = 50 * 1024 * 1024


class _Refused(yaml.YAMLError):
    """An anchor or alias in a data file (refused: nested aliases expand exponentially)."""

    def __init__(self, what: str, mark):
        self.problem, self.problem_mark = what, mark
        super().__init__(what)


class _PlainLoader(yaml.SafeLoader):
    """YAML without anchors (&name) and aliases (*name): a data file never needs them, and a
    few hundred bytes of nested aliases would expand to billions of values (a "YAML bomb")."""

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(f"使用了别名（*{event.anchor}）", event.start_mark)
        if getattr(event, "anchor", None) is not None:
            raise _Refused(f"使用了锚点（&{event.anchor}）", event.start_mark)
        return super().compose_node(parent, index)


_CLoader = getattr(yaml, "CSafeLoader", None)     # libyaml: the same YAML, about 15 times faster


def _yaml(text: str):
    """``text`` as YAML, anchors and aliases refused before anything is built.  With libyaml
    the tokens are scanned in C for them first, then the file is loaded in C; without it the
    pure-Python ``_PlainLoader`` refuses them as it composes."""
    if _CLoader is None:
        return yaml.load(text, Loader=_PlainLoader)  # noqa: S506 - a SafeLoader without aliases
    for tok in yaml.scan(text, Loader=_CLoader):
        if isinstance(tok, yaml.AliasToken):
            raise _Refused(f"使用了别名（*{tok.value}）", tok.start_mark)
        if isinstance(tok, yaml.AnchorToken):
            raise _Refused(f"使用了锚点（&{tok.value}）", tok.start_mark)
    return yaml.load(text, Loader=_CLoader)  # noqa: S506 - CSafeLoader, aliases refused above


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


FILE_MODE = 0o666 & ~_umask()        # what open() would give a new file


def load(path) -> dict:
    """The data file as plain Python data.  Raises ``InputError`` naming the file."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise InputError("文件不存在，请检查路径", file=str(path))
    except OSError as e:
        raise InputError(f"无法读取文件（{e.strerror}）", file=str(path))
    if len(raw) > MAX_BYTES:
        raise InputError("文件超过50MB，不是申报数据文件", file=str(path))
    if raw.startswith(b"PK\x03\x04") or raw.startswith(b"%PDF"):
        raise InputError("这是Word或PDF文件，不是数据文件；请先用 qhsme parse 解析", file=str(path))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("文件不是UTF-8编码；请用记事本或WPS另存为UTF-8", file=str(path))
    try:
        if p.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            data = _yaml(text)
    except json.JSONDecodeError as e:
        raise InputError(f"JSON格式错误：第{e.lineno}行第{e.colno}列，{e.msg}", file=str(path))
    except _Refused as e:
        m = e.problem_mark
        raise InputError(f"YAML第{m.line + 1}行第{m.column + 1}列{e.problem}：数据文件中不允许使用锚点（&）和别名（*），"
                         "未读取；请把每个值直接写出", file=str(path))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"第{mark.line + 1}行第{mark.column + 1}列" if mark else ""
        raise InputError(f"YAML格式错误{where}：{getattr(e, 'problem', '') or e}", file=str(path))
    if data is None:
        raise InputError("文件是空的", file=str(path))
    if not isinstance(data, dict):
        raise InputError("最外层应为键值表（annex1: …），请参照 samples/ 中的示例", file=str(path))
    return data


def dumps(data: dict, fmt: str = "json") -> str:
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def save(data: dict, path) -> None:
    p = Path(path)
    fmt = "json" if p.suffix.lower() == ".json" else "yaml"
    write_atomic(p, dumps(data, fmt).encode("utf-8"))


def write_atomic(path, content: bytes) -> None:
    """Write ``content`` so that ``path`` is either the old file or the whole new one."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, p)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
