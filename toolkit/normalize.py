"""Turn what people type into canonical values, one field type at a time.

``normalize(field, raw)`` returns the canonical value or raises ``BadValue``
with a Chinese message saying what is wrong and what to write instead.
Pure functions: no files, no state.  Parsers of returned forms and the data
file validator both use them, so a value means the same wherever it came from.

Canonical forms: dates ``YYYY-MM-DD``; years, counts ``int``; amounts (万元),
areas and percents ``int`` or ``float``; phones and postcodes ``str``;
choices one of the declared choices; checks ``bool``.
"""
from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from .model.fields import Field, FieldType as T


class BadValue(ValueError):
    """``message`` says what is wrong; ``fix`` what to write instead."""

    def __init__(self, message: str, fix: str = ""):
        self.message, self.fix = message, fix
        super().__init__(message + (f"。{fix}" if fix else ""))


MISSING_CHAR = "□"          # the printer's mark for a character that cannot be read (缺字符号)

TICKS = frozenset("√✓✔☑■▇☒✗✘xX●◉") | {"是", "有", "yes", "Yes", "YES", "true", "True", "1", "对", "选中"}
NO_TICKS = frozenset({"", "□", "☐", "否", "无", "no", "No", "NO", "false", "False", "0", "○"})


def fold(s: str) -> str:
    """Full-width digits, letters and signs to ASCII (for numbers, phones, codes)."""
    return unicodedata.normalize("NFKC", s).replace("－", "-").replace("—", "-").replace("―", "-")


def is_empty(raw) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip() == "") or raw == [] or raw == {}


def normalize(f: Field, raw):
    """Canonical value of ``raw`` for field ``f``; None when empty."""
    if is_empty(raw):
        return None
    handler = _HANDLERS[f.type]
    return handler(f, raw)


# --- text ---------------------------------------------------------------------------------

def _text(f: Field, raw):
    if isinstance(raw, (dict, list)):
        raise BadValue("应为一段文字，实际是一组数据", "请只填写文字")
    if isinstance(raw, bool):
        raise BadValue(f"应为文字，实际为 {raw}")
    s = _as_str(raw).strip()
    if f.type is T.TEXT:
        s = re.sub(r"\s*\n\s*", " ", s)
    else:
        s = "\n".join(line.rstrip() for line in s.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    if f.min_length and len(re.sub(r"\s", "", s)) < f.min_length:
        n = len(re.sub(r"\s", "", s))
        raise BadValue(f"不少于{f.min_length}字，实际{n}字", f"请补充至{f.min_length}字以上")
    return s


def _as_str(raw) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, (_dt.date, _dt.datetime)):
        return raw.isoformat()
    return str(raw)


# --- numbers ------------------------------------------------------------------------------

_NUM = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def _number_text(raw) -> tuple[Decimal, str]:
    """(number, the unit words that followed it)."""
    if isinstance(raw, bool):
        raise BadValue(f"应为数字，实际为 {raw}")
    if isinstance(raw, (int, float, Decimal)):
        return Decimal(str(raw)), ""
    if not isinstance(raw, str):
        raise BadValue(f"应为数字，实际为“{raw}”")
    s = re.sub(r"\s", "", fold(raw))
    m = re.match(r"^([+-]?[\d.,]+)(.*)$", s)
    if not m:
        raise BadValue(f"应为数字，实际为“{raw}”", "请只填写阿拉伯数字")
    num, unit = m.group(1), m.group(2)
    if "," in num:
        if not _THOUSANDS.match(num):
            raise BadValue(f"数字“{raw}”中的逗号位置不对", "请去掉逗号，如 1234.5")
        num = num.replace(",", "")
    if not _NUM.match(num):
        raise BadValue(f"应为数字，实际为“{raw}”", "请只填写阿拉伯数字")
    try:
        return Decimal(num), unit
    except InvalidOperation:  # pragma: no cover - guarded by the regex
        raise BadValue(f"应为数字，实际为“{raw}”")


def _plain(d: Decimal):
    d = d.quantize(Decimal("0.000001")).normalize() if d != d.to_integral_value() else d
    return int(d) if d == d.to_integral_value() else float(d)


def _check_range(f: Field, d: Decimal, raw):
    if d < 0 and not f.allow_negative:
        raise BadValue(f"不能为负数，实际为“{raw}”")
    hi = f.max_value if f.max_value is not None else (100 if f.type is T.PERCENT else None)
    if hi is not None and d > Decimal(str(hi)):
        raise BadValue(f"应在0到{hi:g}之间，实际为“{raw}”",
                       "百分比请填写0到100之间的数字，如 85 表示85%")


_AMOUNT_UNITS = {"": 1, "万元": 1, "万": 1, "元": Decimal("0.0001"), "亿元": 10000, "亿": 10000,
                 "千元": Decimal("0.1")}


def _amount(f: Field, raw):
    d, unit = _number_text(raw)
    if unit not in _AMOUNT_UNITS:
        raise BadValue(f"金额单位“{unit}”无法识别（{raw}）", "请以万元为单位填写数字，如 1234.5")
    d = d * _AMOUNT_UNITS[unit]
    _check_range(f, d, raw)
    return _plain(d)


def _percent(f: Field, raw):
    d, unit = _number_text(raw)
    if unit not in ("", "%", "％"):
        raise BadValue(f"百分比“{raw}”含有无法识别的内容", "请填写数字，如 85 表示85%")
    _check_range(f, d, raw)
    return _plain(d)


_COUNTERS = "家人台套户次个项年平米方平方米（）()人次"


def _number(f: Field, raw):
    d, unit = _number_text(raw)
    if unit and (f.unit is None or unit not in (f.unit, "平方米", "㎡", "m2", "平米")) \
            and not all(c in _COUNTERS for c in unit):
        raise BadValue(f"应为数字，实际为“{raw}”", "请只填写数字")
    _check_range(f, d, raw)
    return _plain(d)


def _integer(f: Field, raw):
    d, unit = _number_text(raw)
    if unit and not all(c in _COUNTERS for c in unit):
        raise BadValue(f"应为整数，实际为“{raw}”", "请只填写整数")
    if d != d.to_integral_value():
        raise BadValue(f"应为整数，实际为“{raw}”", "请填写整数")
    _check_range(f, d, raw)
    return int(d)


def _year(f: Field, raw):
    if isinstance(raw, (_dt.date, _dt.datetime)):
        return raw.year
    d, unit = _number_text(raw)
    if unit not in ("", "年", "年度") or d != d.to_integral_value() or not 1949 <= d <= 2100:
        raise BadValue(f"应为四位年份，实际为“{raw}”", "请填写年份，如 2025")
    return int(d)


# --- dates --------------------------------------------------------------------------------

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def _date(f: Field, raw):
    if isinstance(raw, _dt.datetime):
        return raw.date().isoformat()
    if isinstance(raw, _dt.date):
        return raw.isoformat()
    s = fold(_as_str(raw)).strip()
    m = _DATE.match(s) or re.match(r"^(\d{4})(\d{2})(\d{2})$", s)
    if not m:
        raise BadValue(f"日期格式无法识别：“{raw}”", "请按 2025-05-20 或 2025年5月20日 填写")
    y, mo, d = (int(g) for g in m.groups())
    try:
        return _dt.date(y, mo, d).isoformat()
    except ValueError:
        raise BadValue(f"日期不存在：“{raw}”", "请检查年、月、日（如2月没有30日）")


# --- codes --------------------------------------------------------------------------------

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?[1-9]\d{6,7}$")
_SERVICE = re.compile(r"^[48]00-?\d{3}-?\d{4}$")
_EXTENSION = re.compile(r"^(.*\d)(?:转|分机|ext\.?|x|-)(\d{1,6})$", re.I)   # 0971-6100001 转 801


def _phone(f: Field, raw):
    """A mobile (11 digits), a landline with its area code, or a 400/800 number; a landline's
    extension is kept, written 0971-6100001转801 however it was typed (转, 分机, -, ext.)."""
    s = fold(_as_str(raw)).strip()
    s = re.sub(r"[\s]", "", s)
    s = re.sub(r"^\+?86-?", "", s) if len(re.sub(r"\D", "", s)) > 11 else s
    s = re.sub(r"^\((0\d{2,3})\)", r"\1-", s)
    if _MOBILE.match(s.replace("-", "")):
        return s.replace("-", "")
    if _LANDLINE.match(s) or _SERVICE.match(s):
        return s
    m = _EXTENSION.match(s)
    if m and (_LANDLINE.match(m.group(1)) or _SERVICE.match(m.group(1))):
        return f"{m.group(1)}转{m.group(2)}"
    raise BadValue(f"电话号码格式不对：“{raw}”",
                   "手机填11位号码，座机填区号-号码，如 0971-6123456；分机写在后面，如 0971-6123456转801")


def _postcode(f: Field, raw):
    s = re.sub(r"\s", "", fold(_as_str(raw)))
    if not re.fullmatch(r"\d{6}", s):
        raise BadValue(f"邮政编码应为6位数字，实际为“{raw}”（{len(s)}位）", "请填写6位邮政编码，如 810000")
    return s


_EMAIL = re.compile(r"^[\w.+-]+@[\w-]+(\.[\w-]+)+$", re.ASCII)


def _email(f: Field, raw):
    s = fold(_as_str(raw)).strip()
    if not _EMAIL.match(s):
        raise BadValue(f"电子邮件格式不对：“{raw}”", "如 name@example.com")
    return s


_URL = re.compile(r"^(https?://)?([\w-]+\.)+[a-z]{2,}(:\d+)?(/\S*)?$", re.I | re.ASCII)


def _url(f: Field, raw):
    s = fold(_as_str(raw)).strip()
    if not _URL.match(s):
        raise BadValue(f"网址格式不对：“{raw}”", "如 https://www.example.com")
    return s


# --- choices ------------------------------------------------------------------------------

def _choice(f: Field, raw):
    s = _as_str(raw).strip()
    if s in f.choices:
        return s
    # a short form: 西宁 -> 西宁市, 玉树州 -> 玉树藏族自治州
    key = s.rstrip("州市")
    hits = [c for c in f.choices if key and (c.startswith(key) or c.startswith(key[:2]) and len(key) <= 3)]
    if len(hits) == 1:
        return hits[0]
    raise BadValue(f"应为以下之一：{'、'.join(f.choices)}；实际为“{raw}”", "请从中选择一项填写")


def _check(f: Field, raw):
    if isinstance(raw, bool):
        return raw
    s = _as_str(raw).strip()
    if s in TICKS:
        return True
    if s in NO_TICKS:
        return False
    raise BadValue(f"应为“是”或“否”（可用√表示是），实际为“{raw}”")


def is_tick(raw) -> bool:
    """A typed or drawn tick: √ ✓ 是 ☑ true."""
    if isinstance(raw, bool):
        return raw
    return raw is not None and str(raw).strip() in TICKS


def _image(f: Field, raw):
    s = _as_str(raw).strip()
    if "\n" in s or "\x00" in s:
        raise BadValue(f"应为图片文件路径，实际为“{raw[:30]}”")
    return s


_HANDLERS = {
    T.TEXT: _text, T.MULTILINE: _text, T.DATE: _date, T.YEAR: _year, T.INTEGER: _integer,
    T.NUMBER: _number, T.AMOUNT: _amount, T.PERCENT: _percent, T.PHONE: _phone,
    T.POSTCODE: _postcode, T.EMAIL: _email, T.URL: _url, T.CHOICE: _choice, T.CHECK: _check,
    T.IMAGE: _image,
}


def to_text(f: Field, value) -> str:
    """How a canonical value is written into a form cell; ``normalize`` reads it back."""
    if value is None:
        return ""
    if f.type is T.CHECK:
        return "√" if value else ""
    if f.type is T.DATE:
        y, m, d = str(value).split("-")
        return f"{int(y)}年{int(m)}月{int(d)}日"
    if isinstance(value, float):
        return f"{value:.6f}".rstrip("0").rstrip(".")
    return str(value)
