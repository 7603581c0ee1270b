"""CheckConfig: defaults, YAML file, validation."""
import datetime as dt

import pytest

from toolkit.check import CheckConfig
from toolkit.check.config import HUANHU, QINGNAN
from toolkit.errors import InputError


def test_defaults_are_the_regulation():
    c = CheckConfig()
    assert (c.min_served, c.min_staff, c.min_satisfaction, c.min_professional_pct) == (50, 15, 80, 50)
    assert (c.min_assets, c.min_years, c.min_institutions, c.stability_ratio) == (100, 2, 5, 0.8)
    assert (c.financing_amount_min, c.guarantee_min, c.training_min) == (10000, 30000, 500)
    assert QINGNAN == ("玉树藏族自治州", "果洛藏族自治州", "黄南藏族自治州")
    assert HUANHU == ("海北藏族自治州", "海南藏族自治州")


def test_load_yaml(tmp_path):
    p = tmp_path / "check.yaml"
    p.write_text("as_of: 2026-03-15\nmin_served: 40\nstability_ratio: 0.7\nqingnan: [玉树藏族自治州]\n",
                 encoding="utf-8")
    c = CheckConfig.resolve(p)
    assert c.as_of == dt.date(2026, 3, 15) and c.min_served == 40 and c.qingnan == ("玉树藏族自治州",)
    assert CheckConfig.resolve(str(p)) == c


@pytest.mark.parametrize("text, words", [
    ("min_servd: 40\n", "min_servd"),
    ("stability_ratio: 80\n", "stability_ratio"),
    ("huanhu: [天峻县]\n", "天峻县"),
    ("as_of: 去年\n", "as_of"),
])
def test_bad_config_names_the_setting(tmp_path, text, words):
    p = tmp_path / "check.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as e:
        CheckConfig.load(p)
    assert words in str(e.value)


def test_resolve_accepts_dict_and_instance():
    c = CheckConfig(min_staff=10)
    assert CheckConfig.resolve(c) is c
    assert CheckConfig.resolve({"min_staff": 10}) == c
    assert CheckConfig.resolve(None) == CheckConfig()
