"""What a user of the page may read: no server paths, no exception names, no data paths.

``user_text`` rewrites a message before it is shown or exported: a path in the
server's workspace becomes the name the user uploaded (or “上传的文件”), an
exception name (PdfError, MemoryError) a Chinese phrase, and a data path
(annex1.unit_nature, annex3.staff[4].education) the model's label
(附件1 单位性质, 附件3 从业人员情况 第4行 教育情况/学历).
"""
from __future__ import annotations

import re
from pathlib import Path

_END = r"[^\s，。；：、（）()「」“”\"'<>]*"
_TEMP = re.compile(r"(?:/[^\s/，。；：、（）()“”\"'<>]+)*/qhsme-web-[^/\s]+" + _END)
_EXC = re.compile(r"\b(?:[A-Za-z_][A-Za-z0-9_]*\.)*([A-Z][A-Za-z0-9]*(?:Error|Exception|Exit|Interrupt)|BadZipFile|LargeZipFile)\b")
_PATH = re.compile(r"\b(annex[1-7]|declared|record)((?:\.[a-z_][a-z0-9_]*(?:\[\d+\])?)+)")
_EXC_WORDS = {"MemoryError": "内存不足，文件太大或太复杂", "PdfError": "PDF 文件已损坏",
              "RecursionError": "文件结构嵌套过深", "UnicodeDecodeError": "文字编码无法识别",
              "BadZipFile": "不是有效的 zip 文件", "TimeoutError": "处理超时", "OSError": "文件无法读取",
              "PermissionError": "文件无法读取", "FileNotFoundError": "文件不存在"}


def user_text(text: str | None, root: Path | str | None = None, names: dict[str, str] | None = None) -> str:
    """``text`` fit to show: see the module's doc.  ``names``: stored path -> uploaded name."""
    if not text:
        return text or ""
    names = names or {}
    if root is not None:
        base = re.escape(str(root).rstrip("/"))
        text = re.sub(base + r"/" + _END, lambda m: _shown(m.group(0), names), text)
    text = _TEMP.sub(lambda m: _shown(m.group(0), names), text)
    if _EXC.search(text):
        text = _EXC.sub(lambda m: _EXC_WORDS.get(m.group(1), "程序内部错误"), text)
        # “PDF文件已损坏，无法读取（PDF 文件已损坏）”: a bracket saying again what was said goes
        text = re.sub(r"（([^（）]+)）", lambda m: "" if _said(m.group(1), text[:m.start()]) else m.group(0), text)
    return _PATH.sub(lambda m: path_label(m.group(0)) or m.group(0), text)


def _said(phrase: str, before: str) -> bool:
    return phrase.replace(" ", "") in before.replace(" ", "")


def _shown(path: str, names: dict[str, str]) -> str:
    if path in names:
        return names[path]
    for stored, shown in names.items():          # a part of a file: “…/0001.pdf（第3页）”
        if path.startswith(stored):
            return shown + path[len(stored):]
    return "上传的文件"


def path_label(path: str) -> str:
    """附件3 从业人员情况 第4行 教育情况/学历 for annex3.staff[4].education; '' when unknown."""
    from ..model import BY_ID, Table
    parts = path.split(".")
    block = BY_ID.get(parts[0])
    if block is None:
        return ""
    out = [block.name]
    table = None
    for p in parts[1:]:
        m = re.fullmatch(r"([a-z_][a-z0-9_]*)(?:\[(\d+)\])?", p)
        if not m:
            return ""
        key, row = m.group(1), m.group(2)
        try:
            node = table if table is not None else block[key]
        except KeyError:
            return ""
        if table is not None:
            label = table.column_label(key)
            if not label:
                return ""
            out.append(label)
        elif isinstance(node, Table):
            table = node
            out.append(node.label)
        else:
            out.append(node.label)
        if row:
            out.append(f"第{row}行")
    return " ".join(out)
