"""第九条 dossier completeness and 第十四至十六条 for recognised platforms.

Items （一）–（五） are the annexes: present when the data has annexes 1–5.
Items （六）–（十一） are documents: ``items`` maps an item number to the
files given for it (``{6: ["licence.pdf"], 7: [...]}``; keys may be strings).
Without ``items`` nothing is known about them and one 需核实 lists them; with
``items``, an item without a file is 不符合, except （十一） the declaration,
which the dossier binder generates (提示: to be signed and sealed).
``package`` verifies an electronic version (.zip or folder) against its checksum
list: a file changed or missing since binding is 不符合 naming the file.
"""
from __future__ import annotations

from . import facts
from .config import CheckConfig
from .findings import FAIL, INFO, PASS, VERIFY, Finding, Location, loc, num
from ..dossier.items import application_items
from ..model import RECORD
from ..regulation import cn_number

DECLARATION = 11    # （十一）对申报材料真实性的声明: the dossier binder generates it


def item_titles() -> dict[int, str]:
    """{1: '青海省中小企业公共服务示范平台申请推荐表（附件1）', …, 11: '对申报材料真实性的声明'},
    as ``toolkit.dossier.items`` reads them from article 9."""
    return {i.number: i.title for i in application_items()}


def _normal_items(items) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for k, v in (items or {}).items():
        try:
            n = int(k)
        except (TypeError, ValueError):
            continue
        files = [v] if isinstance(v, str) else list(v or [])
        out[n] = [str(f) for f in files if str(f).strip()]
    return out


def _seal_of(data: dict, annex: str) -> tuple[list[str], str]:
    """What a scanned annex's （盖章） places showed (``data["seals"]``, from parsing a scan):
    (places without a red seal, to verify; a note)."""
    seen = (data.get("seals") or {}).get(annex) if isinstance(data.get("seals"), dict) else None
    if not seen:
        return [], ""
    unsealed = [f"第{s.get('page')}页“{s.get('place')}”处未见红色印章，请核对是否盖章"
                for s in seen if isinstance(s, dict) and s.get("stamped") is False]
    if unsealed:
        return unsealed, ""
    if any(isinstance(s, dict) and s.get("stamped") is None for s in seen):
        return [], "灰度扫描件，无法检查是否盖章"
    return [], "扫描件已盖章"


def completeness(data: dict, cfg: CheckConfig, items: dict | None = None) -> list[Finding]:
    titles = item_titles()
    given = _normal_items(items)
    out = []
    for n in sorted(titles):
        title = titles[n]
        if n <= 5:
            annex = f"annex{n}"
            present = bool(facts.block(data, annex))
            unsealed, note = _seal_of(data, annex) if present else ([], "")
            out.append(Finding(VERIFY if unsealed else PASS if present else FAIL, "a9.item", 9, n, title,
                               "随申报材料提交", ("已提供，扫描件未见盖章" if unsealed else "已提供") if present
                               else "未提供", [Location(annex)],
                               evidence="；".join(unsealed) if unsealed else "" if present else f"填写并提交附件{n}",
                               note=note))
        elif items is None:
            continue
        elif n == DECLARATION and not given.get(n):
            out.append(Finding(INFO, "a9.item", 9, n, title, "随申报材料提交", "装订时自动生成", [],
                               note="qhsme 装订时生成真实性声明页，须由申报单位签字盖章；"
                                    "也可在材料清单中给出盖章后的扫描件"))
        else:
            files = given.get(n, [])
            out.append(Finding(PASS if files else FAIL, "a9.item", 9, n, title, "随申报材料提交",
                               "、".join(files) if files else "未提供", [],
                               evidence="" if files else f"提交{title}"))
    if items is None:
        rest = [n for n in sorted(titles) if n > 5]
        out.append(Finding(VERIFY, "a9.items_unchecked", 9, None,
                           f"第（{cn_number(rest[0])}）至（{cn_number(rest[-1])}）项材料未核对",
                           "随申报材料提交", "未提供材料清单", [],
                           evidence="提交并在材料清单中列出：" + "；".join(titles[n] for n in rest)))
    return out


def package(path) -> list[Finding]:
    """第九条 电子版: every file as bound (校验清单.json), one finding per file changed, missing
    or added, or one 符合 for the whole package; a 需核实 when it holds no checksum list."""
    from pathlib import Path

    from ..dossier.verify import CHECKSUMS, verify_dir, verify_zip
    from ..problems import ERROR
    path = Path(path)
    found = verify_dir(path) if path.is_dir() else verify_zip(path)
    title = "电子版材料与装订时一致"
    requirement = f"每个文件的SHA-256与{CHECKSUMS}相符"
    if found is None:
        return [Finding(VERIFY, "a9.package", 9, None, title, requirement, f"{path.name} 中没有{CHECKSUMS}", [],
                        evidence="提交 qhsme dossier --package 生成的电子版压缩包")]
    if not found:
        return [Finding(PASS, "a9.package", 9, None, title, requirement, "全部文件一致", [])]
    return [Finding(FAIL if p.severity == ERROR else INFO, "a9.package", 9, None, title, requirement,
                    f"{p.file}：{p.message}", [], evidence=p.fix) for p in found]


def record(data: dict, cfg: CheckConfig) -> list[Finding]:
    """第十五、十六条 for a recognised platform (the ``record`` block)."""
    r = facts.block(data, "record")
    if not r:
        return []
    out = []
    complaints = facts.number(r.get("complaints"))
    if complaints is not None:
        out.append(Finding(PASS if complaints < cfg.max_complaints else FAIL, "a16.complaints", 16, None,
                           RECORD["complaints"].label, f"< {cfg.max_complaints} 次（投诉{cfg.max_complaints}次以上的撤消称号）",
                           f"{num(complaints)} 次", [loc("record", "complaints")],
                           threshold=cfg.max_complaints, value=complaints))
    missed = facts.number(r.get("missed_reports"))
    if missed is not None:
        out.append(Finding(PASS if not missed else FAIL, "a16.missed_reports", 16, None,
                           "按时报送（半）年度总结报告", "每年8月底和次年2月底前报送（第十四条），未报送的撤消称号",
                           f"未报送 {num(missed)} 次", [loc("record", "missed_reports")],
                           value=missed, threshold=0))
    for fid, rule in (("admin_penalty", "a16.admin_penalty"), ("judicial_penalty", "a16.judicial_penalty"),
                      ("credit_blacklist", "a16.credit_blacklist")):
        if fid in r:
            label = RECORD[fid].label
            hit = bool(r.get(fid))
            out.append(Finding(FAIL if hit else PASS, rule, 16, None, label, "无（有此情形的撤消称号）",
                               "有" if hit else "无", [loc("record", fid)]))
    since = facts.date(r.get("recognized_on"))
    if since is not None:
        due = facts.add_years(since, 3)
        expired = cfg.as_of >= due
        out.append(Finding(VERIFY if expired else PASS, "a15.validity", 15, None, "认定有效期三年",
                           f"有效期至 {due.isoformat()}", f"{RECORD['recognized_on'].label} {since.isoformat()}，核对日期 "
                           f"{cfg.as_of.isoformat()}" + ("，已期满" if expired else ""),
                           [loc("record", "recognized_on")],
                           note="有效期满后需申请复核" if expired else "",
                           evidence="提交有效期三年工作总结、上一年度服务收支专项审计报告、附件7复核申请推荐表"
                           if expired else ""))
    return out
