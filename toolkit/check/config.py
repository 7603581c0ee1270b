"""Thresholds and settings of the check, as one dataclass.

Every number the regulation fixes has a default equal to the regulation's; a
municipal procedure (article 18) or a bureau's own reading can change them in
a YAML file::

    as_of: 2026-03-15          # the date the conditions are judged at
    min_served: 50             # 第五条第（三）项 年服务中小企业不少于50家
    stability_ratio: 0.8       # 近两年服务企业数量相对稳定: last year >= 80 % of the year before
    qingnan: [玉树藏族自治州, 果洛藏族自治州, 黄南藏族自治州]

and ``CheckConfig.load(path)`` / ``CheckConfig.resolve(None | dict | path | CheckConfig)``.

"以上" and "不低于" in the regulation include the number itself, so every
minimum is ``>=``: 50 enterprises meet 年服务中小企业不少于50家, 80 % meets
用户满意度在80%以上, exactly two years meets 运营2年以上.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..model import CITIES

QINGNAN = ("玉树藏族自治州", "果洛藏族自治州", "黄南藏族自治州")
HUANHU = ("海北藏族自治州", "海南藏族自治州")


@dataclass(frozen=True)
class CheckConfig:
    """Settings of ``toolkit.check.check``.

    ``as_of``: the date conditions are judged at (运营2年以上, 第十五条 three-year
    validity).  None means the application's own 填报日期 (附件1 ``fill_date``)
    and, when that is missing, today; the report says which was used.  Judging
    at the filling date makes a report reproducible: checking the same file a
    year later gives the same answer.

    ``stability_ratio``: this tool's reading of 近两年服务企业数量相对稳定
    (第五条第（三）项): the latest year's 服务中小企业户（次）数 in 附件1 is at
    least this share of the year before.  The regulation gives no number.

    ``qingnan`` / ``huanhu``: the prefecture-level divisions (附件1 所在市（州）)
    that article 7 calls 青南 and 环湖 regions.  Defaults: 青南 = 玉树、果洛、黄南;
    环湖 = 海北、海南.  Counties that are sometimes counted with 环湖 (海西州
    天峻县, 海东 or 西宁's lakeside townships) are county-level and not
    modelled, because the application form records only the prefecture; a
    bureau that wants one can check the applicant by hand.

    Amounts are in 万元 like the forms: 1亿元 = 10000, 3亿元 = 30000.
    """

    as_of: dt.date | None = None
    # article 5
    min_years: int = 2                    # （一）运营2年以上
    min_assets: float = 100               # （一）资产总额不低于100万元
    min_served: int = 50                  # （三）年服务中小企业不少于50家
    stability_ratio: float = 0.8          # （三）近两年服务企业数量相对稳定
    min_satisfaction: float = 80          # （三）用户满意度在80%以上
    min_institutions: int = 5             # （三）集聚服务机构5家以上
    min_staff: int = 15                   # （四）平台从业人数不少于15人
    min_professional_pct: float = 50      # （四）专业人员比例不低于50%
    # article 6
    info_offline_min: int = 100           # （一）线下年服务企业数量100家以上
    info_activities_min: int = 5          # （一）年组织开展的相关服务活动5次以上
    tech_activities_min: int = 5          # （二）
    startup_activities_min: int = 5       # （三）
    training_min: int = 500               # （四）年培训500人次以上
    financing_activities_min: int = 5     # （五）
    financing_amount_min: float = 10000   # （五）融资总额1亿元以上（万元）
    guarantee_min: float = 30000          # （五）年新增担保额3亿元以上（万元）
    # article 7
    qingnan: tuple[str, ...] = QINGNAN
    huanhu: tuple[str, ...] = HUANHU
    # article 16
    max_complaints: int = 2               # 被中小企业投诉2次以上 -> revoked at this count
    # consistency
    rate_tolerance: float = 0.5           # 总体满意率 may differ from the ticks by rounding
    amount_tolerance: float = 0.01        # 万元, for sums of amounts
    # where the as-of date came from: "config", "annex1.fill_date" or "today"
    as_of_source: str = field(default="config", compare=False)

    def __post_init__(self):
        if self.as_of is not None and not isinstance(self.as_of, dt.date):
            try:
                object.__setattr__(self, "as_of", dt.date.fromisoformat(str(self.as_of)))
            except ValueError:
                raise InputError(f"检查配置 as_of 应为日期（如 2026-03-15），实际为“{self.as_of}”")
        if not 0 < self.stability_ratio <= 1:
            raise InputError(f"检查配置 stability_ratio 应在0到1之间（如 0.8），实际为 {self.stability_ratio}")
        for name in ("qingnan", "huanhu"):
            value = getattr(self, name)
            if isinstance(value, str):
                value = (value,)
            value = tuple(value)
            unknown = [v for v in value if v not in CITIES]
            if unknown:
                raise InputError(f"检查配置 {name} 中的“{'、'.join(unknown)}”不是青海省的市（州）；"
                                 f"可用：{'、'.join(CITIES)}")
            object.__setattr__(self, name, value)

    @classmethod
    def load(cls, path) -> "CheckConfig":
        """Read a YAML (or JSON) file of settings; unknown keys are an error."""
        from ..datafile import load
        return cls.from_dict(load(path), file=str(path))

    @classmethod
    def from_dict(cls, values: dict, *, file: str | None = None) -> "CheckConfig":
        names = {f.name for f in dataclasses.fields(cls) if f.name != "as_of_source"}
        unknown = sorted(set(values) - names)
        if unknown:
            raise InputError(f"检查配置中没有设置项“{'、'.join(unknown)}”；可用：{'、'.join(sorted(names))}",
                             file=file)
        try:
            return cls(**values)
        except TypeError as e:  # pragma: no cover - guarded by the key check
            raise InputError(f"检查配置有误：{e}", file=file)

    @classmethod
    def resolve(cls, config) -> "CheckConfig":
        """None -> defaults; a dict, a path to a YAML file or a CheckConfig."""
        if config is None:
            return cls()
        if isinstance(config, cls):
            return config
        if isinstance(config, dict):
            return cls.from_dict(config)
        if isinstance(config, (str, Path)):
            return cls.load(config)
        raise TypeError(f"config must be None, a dict, a path or CheckConfig, not {type(config)}")

    def for_application(self, data: dict, today: dt.date | None = None) -> "CheckConfig":
        """This configuration with ``as_of`` fixed for ``data`` (see the class docstring)."""
        if self.as_of is not None:
            return dataclasses.replace(self, as_of_source="config")
        a1 = data.get("annex1")
        filled = a1.get("fill_date") if isinstance(a1, dict) else None
        if filled:
            try:
                return dataclasses.replace(self, as_of=dt.date.fromisoformat(str(filled)),
                                           as_of_source="annex1.fill_date")
            except ValueError:
                pass
        return dataclasses.replace(self, as_of=today or dt.date.today(), as_of_source="today")

    def region(self, city: str | None) -> str | None:
        """'青南', '环湖' or None for the 所在市（州） ``city``."""
        if city in self.qingnan:
            return "青南"
        if city in self.huanhu:
            return "环湖"
        return None

    def to_json(self) -> dict:
        d = dataclasses.asdict(self)
        d["as_of"] = self.as_of.isoformat() if self.as_of else None
        d["qingnan"], d["huanhu"] = list(self.qingnan), list(self.huanhu)
        return d
