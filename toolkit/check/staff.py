"""Who counts as 大专及以上学历和中级及以上技术职称的专业人员 (第五条第（四）项).

A row of 附件3 counts when **either** the person's 学历 is college or above
**or** their 资格证名称 is a mid-level or higher professional title: the
regulation names the two groups together, and 附件1 asks for one number of
them.  The rules read free text, so they are deliberately simple:

学历 is college or above when it contains 大专, 专科 (not 中专), 高职, 本科,
学士, 硕士, 研究生, 博士 or 专升本 (English: bachelor, master, phd, doctor,
mba), unless it says 肄业 (left without a degree).

资格证名称 is a mid-level-or-above title when it contains 中级, 高级, 副高,
正高, 教授, 研究员 or a title word of the 职称 series (工程师, 经济师, 会计师,
审计师, 统计师, 农艺师, 畜牧师, 兽医师, 讲师, 主治医师, 主管药师, 编审,
记者 …), unless it also says 助理, 初级, 员级, 见习 or is a 技术员.  So
工程师（中级）, 高级工程师, 中级经济师 and 注册会计师 count; 助理工程师,
助理经济师, 技术员 and practising licences such as 律师执业证 do not.
"""
from __future__ import annotations

from dataclasses import dataclass

COLLEGE_WORDS = ("大专", "专科", "高职", "本科", "学士", "硕士", "研究生", "博士", "专升本",
                 "bachelor", "master", "phd", "doctor", "mba")
TITLE_WORDS = ("中级", "高级", "副高", "正高", "教授", "研究员", "工程师", "经济师", "会计师",
               "审计师", "统计师", "农艺师", "畜牧师", "兽医师", "讲师", "主治医师", "主管药师",
               "主管护师", "编审", "编辑", "记者", "翻译", "政工师")
JUNIOR_WORDS = ("助理", "初级", "员级", "见习", "技术员")


@dataclass(frozen=True)
class Qualification:
    college: bool      # 大专及以上学历
    mid_title: bool    # 中级及以上技术职称

    @property
    def professional(self) -> bool:
        return self.college or self.mid_title


def is_college(education: str | None) -> bool:
    s = str(education or "").strip().lower()
    if not s or "肄业" in s:
        return False
    # 中专 never counts, but "中专、大专" (both) does: look outside the word 中专.
    s = s.replace("中专", "")
    return any(w in s for w in COLLEGE_WORDS)


def is_mid_title(certificate: str | None) -> bool:
    s = str(certificate or "").strip()
    if not s:
        return False
    if any(w in s for w in JUNIOR_WORDS):
        return False
    return any(w in s for w in TITLE_WORDS)


def classify(row: dict) -> Qualification:
    """Classify one row of 附件3 (keys ``education`` and ``certificate``)."""
    return Qualification(is_college(row.get("education")), is_mid_title(row.get("certificate")))
