"""Entity extraction and validation: income, phone, ID number, province, city and county.

Pure functions, shared by the message parser and the sign-up service. Chinese numerals go
through cn2an and places through jionlp (both imported lazily: each costs ~0.3-0.5 s).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from types import ModuleType

from yulu.nlu._jionlp import jionlp
from yulu.nlu.places import Gazetteer, build_gazetteer
from yulu.nlu.text import fold_width

# --- income -------------------------------------------------------------------------------

_CN_DIGIT = "零〇一二两三四五六七八九壹贰叁肆伍陆柒捌玖"
# The 一 of 一年/一个月/一天 is a period, not the last digit of 六万一.
_PERIOD_ONE = "一(?:年|个月|个钟|天|月|小时|周)"
_AMOUNT = re.compile(
    rf"(?P<range>[{_CN_DIGIT}]{{2}}(?=[百千万]))?"
    r"(?P<num>\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?|\d{1,3}(?: \d{3})+(?![\d ])|\d+(?:\.\d+)?|"
    rf"(?:(?!{_PERIOD_ONE})[{_CN_DIGIT}十百千万拾佰仟])+(?:点[{_CN_DIGIT}]+)?)"
    rf"(?:\s*(?P<unit>[kKwW千万])(?P<tail>\d(?!\d)|[{_CN_DIGIT}](?![{_CN_DIGIT}十百千万]))?)?"
)
_UNIT_VALUE = {"k": 1000, "千": 1000, "w": 10000, "万": 10000}
_YEARLY = re.compile(r"(年薪|年收入|年入|一年|每年|全年)\D{0,3}$")
_YEARLY_AFTER = re.compile(r"^\s*(元|块钱?)?\s*(一年|每年|/年|/年薪)")
_NOT_MONTHLY = re.compile(r"(日薪|时薪|一天|每天|一日|一小时|每小时|日结)\D{0,3}$")
_NOT_MONTHLY_AFTER = re.compile(r"^\s*(元|块钱?)?\s*(一天|每天|/天|/日|一小时|每小时|/小时)")
# Counted things, dates and ages: 2023年, 二十岁, 一百多头 (猪), 三个人.
_NOT_MONEY_AFTER = re.compile(
    r"^\s*多?(年(?!薪)|岁|号|月份|月(?!薪)|届|级|个|天|人|次|点|分|楼|栋|层|斤|公斤|吨|公里|小时|周"
    r"|头|只|亩|棵|条|张|台|辆|家|件|份|本|箱|平|遍|所|名|位|户|口)"
)
_MONEY_AFTER = re.compile(
    r"^\s*(元|块|rmb|RMB|米|/月|/个月|一个月|每月|每个月|\+|多块|"
    r"(?i:yuan|rmb|cny|kuai|a month|per month|each month|monthly|/month|/mo\b))"
)
_MONEY_BEFORE = re.compile(r"(¥|￥|rmb|RMB|人民币|税后|税前|(?<![\d号日])月)\s*$")
_SALARY_CUE = re.compile(
    r"(工资|月薪|薪水|薪资|收入|底薪|到手|月入|年薪|一个月|每月|每个月|挣|赚|拿|待遇|保底|开|"
    r"(?i:salary|pay|paid|earn|earns|earning|make|makes|making|income|wage|wages|gongzi))\D{0,6}$"
)
_MONTHLY_RANGE = (100, 100_000)
# A raise or a fine is a difference, not the pay (涨两百, 扣了三百); 涨到五千 is the pay.
_DIFFERENCE = re.compile(r"(涨|扣|罚)了?\s*$")


@dataclass(frozen=True)
class _Amount:
    """A money amount found in a text: monthly yuan and its span."""

    value: int
    start: int
    end: int
    cued: bool


@functools.cache
def _cn2an() -> ModuleType:
    """Import cn2an on first use."""
    import cn2an

    return cn2an


def warm_up() -> None:
    """Import cn2an now, so the first message with a Chinese numeral is not 0.3 s slow."""
    _cn2an()


def _number(token: str) -> float | None:
    """An arabic or Chinese numeral as a number, or None."""
    try:
        if token[0].isdigit():
            return float(re.sub("[,， ]", "", token))
        return float(_cn2an().cn2an(token, "smart"))
    except ValueError:
        return None


def _amount_value(match: re.Match[str]) -> float | None:
    """The yuan value of one amount match (3千5 = 3500, 三四千 = 3500, 1.2万 = 12000)."""
    if match["range"]:
        low, high = (_number(c) for c in match["range"])
        head = _UNIT_VALUE.get(match["num"][0], 100)
        return None if low is None or high is None else (low + high) / 2 * head
    number = _number(match["num"])
    unit = (match["unit"] or "").lower()
    if number is None or not unit:
        return number
    tail = _number(match["tail"]) if match["tail"] else 0
    return number * _UNIT_VALUE[unit] + (tail or 0) * _UNIT_VALUE[unit] / 10


def _period_divisor(before: str, after: str) -> int | None:
    """12 for a yearly amount, 1 for monthly, None for daily or hourly pay."""
    if _NOT_MONTHLY.search(before) or _NOT_MONTHLY_AFTER.match(after):
        return None
    return 12 if _YEARLY.search(before) or _YEARLY_AFTER.match(after) else 1


def _is_money(match: re.Match[str], before: str, after: str) -> bool:
    """Whether the number itself or its context says it is money."""
    has_unit = bool(match["unit"] or match["range"]) or any(c in match["num"] for c in "百千万佰仟")
    cued = _MONEY_AFTER.match(after) or _MONEY_BEFORE.search(before) or _SALARY_CUE.search(before)
    return has_unit or bool(cued)


def _amounts(text: str) -> list[_Amount]:
    """Every plausible monthly income amount in a text, in order."""
    text = fold_width(text)
    found = []
    for match in _AMOUNT.finditer(text):
        before, after = text[max(0, match.start() - 8) : match.start()], text[match.end() :]
        if _adjacent_digit(text, match) or (not match["unit"] and _not_money_after(match, after)):
            continue
        if _DIFFERENCE.search(before):
            continue
        value, divisor = _amount_value(match), _period_divisor(before, after)
        if value is None or divisor is None:
            continue
        monthly = round(value / divisor)
        if _MONTHLY_RANGE[0] <= monthly <= _MONTHLY_RANGE[1]:
            cued = _is_money(match, before, after)
            found.append(_Amount(monthly, match.start(), match.end(), cued))
    return found


def _not_money_after(match: re.Match[str], after: str) -> bool:
    """Whether the words after a number count things (三个人), not yuan (三千多点 is money)."""
    found = _NOT_MONEY_AFTER.match(after)
    if not found:
        return False
    sized = any(c in match["num"] for c in "百千万佰仟")
    return not (sized and found.group().strip().lstrip("多") == "点")


def _adjacent_digit(text: str, match: re.Match[str]) -> bool:
    """Whether the match is a slice of a longer digit run (a phone, an ID number)."""
    start, end = match.start(), match.end()
    return (start > 0 and text[start - 1].isdigit()) or (end < len(text) and text[end].isdigit())


def parse_income(text: str) -> int | None:
    """Monthly income in yuan from an answer: 三千八 -> 3800, 5k -> 5000, 年薪六万 -> 5000."""
    amounts = _amounts(text)
    return amounts[0].value if amounts else None


# --- phone --------------------------------------------------------------------------------

_PHONE = re.compile(
    r"(?<![\d+])(?:(?:\+|00)?86[\s-]*|\(\+?86\)\s*)?(1[\s.-]?[3-9](?:[\s.-]*\d){9})(?!\d)"
)
# Digits read out one by one (幺三八…) keep their offsets when mapped to arabic ones.
_SPOKEN_DIGITS = str.maketrans("零〇一二三四五六七八九幺洞", "0012345678910")


def spoken_digits(text: str) -> str:
    """Width-fold a text and write Chinese digits as arabic ones, keeping every offset."""
    return fold_width(text).translate(_SPOKEN_DIGITS)


def _phones(text: str) -> list[re.Match[str]]:
    """Mainland mobile numbers in a text, also written in Chinese digits."""
    return list(_PHONE.finditer(spoken_digits(text)))


def normalize_phone(text: str) -> str | None:
    """The 11-digit mainland mobile number in a text (spaces, dashes, +86 tolerated), or None."""
    found = _phones(text)
    return re.sub(r"\D", "", found[0][1]) if found else None


# --- ID number (GB 11643) -----------------------------------------------------------------

# jionlp.parse_id_card reads the fields but never verifies the check digit, so it is done here.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"\d{17}[\dX]")
_ID_IN_TEXT = re.compile(r"(?<![\dA-Za-z])\d(?:[ -]?\d){16}[ -]?[\dXx](?![\dA-Za-z])")
_AGE_RANGE = (10, 80)


def id_check_digit(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits of an ID number."""
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS)) % 11]


def _compact_id(text: str) -> str:
    """An ID number with spaces and dashes removed, X upper-cased."""
    return re.sub(r"[\s-]", "", fold_width(text)).upper()


def _birth_date_problem(number: str, today: dt.date) -> bool:
    """Whether the birth date in an ID number is impossible, future, or outside ages 10-80."""
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return True
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return born > today or not _AGE_RANGE[0] <= age <= _AGE_RANGE[1]


def id_number_problem(text: str, *, today: dt.date | None = None) -> str | None:
    """Why a text is not a valid ID number: 'length', 'birth_date', 'checksum'; None if valid."""
    number = _compact_id(text)
    if not _ID_SHAPE.fullmatch(number):
        return "length"
    if _birth_date_problem(number, today or dt.date.today()):
        return "birth_date"
    return "checksum" if id_check_digit(number[:17]) != number[-1] else None


def _id_shaped(text: str) -> str | None:
    """An 18-character number with a real birth date: what a person gave as their ID number.

    The checksum is not required here: a mistyped ID is still the ID the graduate meant to
    give, and `id_number_problem` tells the sign-up flow what to ask again.
    """
    number = _compact_id(text)
    if not _ID_SHAPE.fullmatch(number):
        return None
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    return number if 1900 <= int(number[6:10]) <= 2100 else None


def validate_id_number(text: str, *, today: dt.date | None = None) -> str | None:
    """The 18-character ID number, upper-cased, if its checksum and birth date hold; else None."""
    return _compact_id(text) if id_number_problem(text, today=today) is None else None


# --- places -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A resolved place with official full names, e.g. 湖南省 / 邵阳市 / 隆回县."""

    province: str
    city: str | None
    county: str | None

    @property
    def full_name(self) -> str:
        """The full name, without repeating a municipality (北京市, not 北京市北京市)."""
        parts = [self.province, self.city if self.city != self.province else None, self.county]
        return "".join(p for p in parts if p)


def _stem(name: str) -> str:
    """A division name without its level suffix (长沙县 -> 长沙)."""
    return re.sub(r"(市|县|区|旗)$", "", name)


def resolve_place(text: str) -> Place | None:
    """Resolve a place name (隆回, 邵阳隆回, 深圳, 广西) to official full names, or None."""
    if not text.strip():
        return None
    found = jionlp().parse_location(text.strip())
    province, city, county = found["province"], found["city"], found["county"]
    if not province:
        return None
    # "长沙" names the city; jionlp also fills in 长沙县, which the text never said.
    if county and city and county not in text and _stem(county) == _stem(city):
        county = None
    return Place(province=province, city=city, county=county)


def entity_shapes(text: str) -> list[str]:
    """'e:phone', 'e:id', 'e:income' for the kinds of number a message holds (features)."""
    shapes = []
    if _ID_IN_TEXT.search(spoken_digits(text)):
        shapes.append("e:id")
    elif _phones(text):
        shapes.append("e:phone")
    if any(a.cued for a in _amounts(text)):
        shapes.append("e:income")
    return shapes


# --- all entities of a message ------------------------------------------------------------


@functools.cache
def default_gazetteer() -> Gazetteer:
    """The province/city index, built on first use when no model supplies one."""
    return build_gazetteer()


def _candidates(text: str, gazetteer: Gazetteer) -> list[dict]:
    """Every entity found, most trusted first."""
    folded = fold_width(text)
    ids = [
        {"entity": "id_number", "value": number, "start": m.start(), "end": m.end()}
        for m in _ID_IN_TEXT.finditer(spoken_digits(text))
        if (number := _id_shaped(m.group()))
    ]
    phones = [
        {"entity": "phone", "value": re.sub(r"\D", "", m[1]), "start": m.start(), "end": m.end()}
        for m in _phones(folded)
    ]
    incomes = [
        {"entity": "income", "value": a.value, "start": a.start, "end": a.end}
        for a in _amounts(folded)
        if a.cued
    ]
    return ids + phones + incomes


def extract_entities(
    text: str, *, gazetteer: Gazetteer | None = None, inferred: bool = True
) -> list[dict]:
    """Rasa-shaped entities {entity, value, start, end}: income, phone, id number, places.

    A place mention also yields the levels above it on the same span (龙岗 → county 龙岗区,
    city 深圳市, province 广东省); `inferred=False` keeps only the levels the text names.
    """
    accepted: list[dict] = []
    places = (gazetteer or default_gazetteer()).find(fold_width(text), inferred=inferred)
    for entity in _candidates(text, gazetteer or default_gazetteer()) + places:
        if all(_apart(entity, a) or _same_span(entity, a) for a in accepted):
            accepted.append(entity)
    return sorted(accepted, key=lambda e: e["start"])


def _apart(one: dict, other: dict) -> bool:
    """Whether two entities do not overlap."""
    return one["end"] <= other["start"] or one["start"] >= other["end"]


def _same_span(one: dict, other: dict) -> bool:
    """Whether two place entities cover the same span (a mention and a level inferred from it)."""
    places = {"province", "city", "county"}
    same = (one["start"], one["end"]) == (other["start"], other["end"])
    return same and one["entity"] in places and other["entity"] in places
