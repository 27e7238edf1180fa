"""Entities the sign-up and check-in flows rely on: income, phone, ID number, places."""

from __future__ import annotations

import datetime as dt

import pytest

from yulu.nlu.entities import (
    Place,
    extract_entities,
    id_check_digit,
    id_number_problem,
    normalize_phone,
    parse_income,
    resolve_place,
    validate_id_number,
)

TODAY = dt.date(2025, 6, 1)
VALID_ID = "11010519491231002X"  # the GB 11643 standard's own example
YOUNG_ID = "430524200301150016"  # born 2003-01-15, check digit 6


@pytest.mark.parametrize(
    ("text", "yuan"),
    [
        ("三千八", 3800),
        ("5k", 5000),
        ("5K", 5000),
        ("1.2万", 12000),
        ("1.2w", 12000),
        ("年薪六万", 5000),
        ("六万一年", 5000),
        ("月薪4500", 4500),
        ("四千五", 4500),
        ("两千", 2000),
        ("一万二", 12000),
        ("3千5", 3500),
        ("三四千", 3500),
        ("一个月三千八", 3800),
        ("每个月到手两千五左右", 2500),
        ("4500", 4500),
    ],
)
def test_parse_income_reads_monthly_yuan(text: str, yuan: int) -> None:
    assert parse_income(text) == yuan


@pytest.mark.parametrize(
    "text", ["不知道", "2023年毕业", "一天两百", "千万别", "二十多岁", "养了一百多头猪"]
)
def test_parse_income_rejects_what_is_not_monthly_pay(text: str) -> None:
    assert parse_income(text) is None


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 139 1234 5678", "13912345678"),
        ("我的电话是15912345678谢谢", "15912345678"),
        ("１３８１２３４５６７８", "13812345678"),
    ],
)
def test_normalize_phone_accepts_mainland_mobiles(text: str, phone: str) -> None:
    assert normalize_phone(text) == phone


@pytest.mark.parametrize("text", ["12812345678", "1381234567", "138123456789", "电话没有"])
def test_normalize_phone_rejects_non_mobiles(text: str) -> None:
    assert normalize_phone(text) is None


@pytest.mark.parametrize("text", [VALID_ID, VALID_ID.lower(), "110105 19491231 002X", YOUNG_ID])
def test_validate_id_number_accepts_valid_numbers_uppercased(text: str) -> None:
    expected = text.replace(" ", "").upper()
    assert validate_id_number(text, today=TODAY) == expected
    assert id_number_problem(text, today=TODAY) is None


def test_id_check_digit_completes_a_valid_number() -> None:
    assert id_check_digit(VALID_ID[:17]) == "X"
    assert validate_id_number(
        "43052420030115001" + id_check_digit("43052420030115001"), today=TODAY
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("1101051949123100", "length"),
        ("11010519491231002Y", "length"),
        ("110105194912310021", "checksum"),
        ("430524200301150017", "checksum"),
        ("110105194913310020", "birth_date"),  # month 13
        ("110105203001010010", "birth_date"),  # born in the future
        ("110105190001010010", "birth_date"),  # 125 years old
        ("110105202001010010", "birth_date"),  # five years old
    ],
)
def test_id_number_problem_names_the_reason(text: str, problem: str) -> None:
    assert id_number_problem(text, today=TODAY) == problem
    assert validate_id_number(text, today=TODAY) is None


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("隆回", Place("湖南省", "邵阳市", "隆回县")),
        ("邵阳隆回", Place("湖南省", "邵阳市", "隆回县")),
        ("湖南省邵阳市隆回县", Place("湖南省", "邵阳市", "隆回县")),
        ("深圳", Place("广东省", "深圳市", None)),
        ("广西", Place("广西壮族自治区", None, None)),
        ("长沙", Place("湖南省", "长沙市", None)),
        ("湖南长沙", Place("湖南省", "长沙市", None)),
        ("长沙县", Place("湖南省", "长沙市", "长沙县")),
    ],
)
def test_resolve_place_gives_official_full_names(text: str, place: Place) -> None:
    assert resolve_place(text) == place


def test_place_full_name_joins_levels_once() -> None:
    assert resolve_place("隆回").full_name == "湖南省邵阳市隆回县"
    assert resolve_place("北京").full_name == "北京市"


@pytest.mark.parametrize("text", ["你好", "随便", "", "哪里都行"])
def test_resolve_place_rejects_non_places(text: str) -> None:
    assert resolve_place(text) is None


def _entities(text: str) -> list[tuple[str, object, str]]:
    """(entity, value, covered text) triples, for readable assertions."""
    return [(e["entity"], e["value"], text[e["start"] : e["end"]]) for e in extract_entities(text)]


def test_extract_entities_reads_income_and_city() -> None:
    assert _entities("我在深圳打工，月薪三千八") == [
        ("city", "深圳市", "深圳"),
        ("province", "广东省", "深圳"),
        ("income", 3800, "三千八"),
    ]


def test_extract_entities_expands_short_province_and_city_names() -> None:
    assert _entities("广东深圳") == [("province", "广东省", "广东"), ("city", "深圳市", "深圳")]
    assert _entities("想回广西") == [("province", "广西壮族自治区", "广西")]
    assert _entities("广西壮族自治区") == [("province", "广西壮族自治区", "广西壮族自治区")]
    assert _entities("长沙有工作吗") == [("city", "长沙市", "长沙"), ("province", "湖南省", "长沙")]


@pytest.mark.parametrize(
    ("text", "mention", "levels"),
    [
        ("在佛山打工", "佛山", {"city": "佛山市", "province": "广东省"}),
        (
            "我老家是镇宁的",
            "镇宁",
            {"county": "镇宁布依族苗族自治县", "city": "安顺市", "province": "贵州省"},
        ),
        ("在龙岗的厂里", "龙岗", {"county": "龙岗区", "city": "深圳市", "province": "广东省"}),
        ("俺是隆回人", "隆回", {"county": "隆回县", "city": "邵阳市", "province": "湖南省"}),
        ("在南山上班", "南山", {"county": "南山区", "city": "深圳市", "province": "广东省"}),
        ("老家仙桃的", "仙桃", {"county": "仙桃市", "province": "湖北省"}),
        ("在朝阳区上班", "朝阳区", {"county": "朝阳区", "city": "北京市", "province": "北京市"}),
    ],
)
def test_any_place_mention_yields_the_levels_above_it(
    text: str, mention: str, levels: dict[str, str]
) -> None:
    found = {entity: value for entity, value, covered in _entities(text) if covered == mention}
    assert found == levels


def test_a_named_city_decides_which_county_a_shared_short_name_means() -> None:
    """Six cities have a 鼓楼区: the message's city decides, else the biggest labour market."""
    assert ("city", "南京市", "鼓楼区") in _entities("鼓楼区")
    assert ("county", "鼓楼区", "鼓楼区") in _entities("福州鼓楼区")
    assert ("province", "福建省", "福州") in _entities("福州鼓楼区")
    assert "江苏省" not in {value for _, value, _ in _entities("福州鼓楼区")}


@pytest.mark.parametrize("text", ["我开了个小店", "平安到家了", "离开原来的公司", "在天台上晒衣服"])
def test_everyday_words_are_not_counties(text: str) -> None:
    assert _entities(text) == []


def test_named_levels_only_leave_out_the_inferred_ones() -> None:
    named = extract_entities("在龙岗的厂里", inferred=False)
    assert named == [{"entity": "county", "value": "龙岗区", "start": 1, "end": 3}]


@pytest.mark.parametrize(
    ("text", "yuan"),
    [
        ("工资¥4,200", 4200),
        ("到手５６００", 5600),
        ("月薪￥5,500元", 5500),
        ("¥12,000一个月", 12000),
    ],
)
def test_income_with_currency_signs_separators_and_full_width_digits(text: str, yuan: int) -> None:
    assert parse_income(text) == yuan
    assert [e[1] for e in _entities(text) if e[0] == "income"] == [yuan]


@pytest.mark.parametrize(
    "text",
    [
        "电话幺三八一二三四五六七八",
        "一三八 一二三四 五六七八",
        "+86 138-1234-5678",
        "(+86)13812345678",
    ],
)
def test_phone_in_chinese_digits_or_with_country_code(text: str) -> None:
    assert normalize_phone(text) == "13812345678"
    assert [e[1] for e in _entities(f"我的手机{text}")] == ["13812345678"]


def test_id_number_with_spaces_in_a_message() -> None:
    assert _entities("身份证 1101 0519 4912 3100 2X 谢谢") == [
        ("id_number", VALID_ID, "1101 0519 4912 3100 2X")
    ]


def test_extract_entities_reads_phone_and_checked_id_number() -> None:
    text = f"电话 138 1234 5678 身份证 {VALID_ID}"
    assert _entities(text) == [
        ("phone", "13812345678", "138 1234 5678"),
        ("id_number", VALID_ID, VALID_ID),
    ]


def test_a_mistyped_id_number_is_still_the_id_number_given() -> None:
    """Extraction finds what was written; sign-up validation says what is wrong with it."""
    assert _entities("身份证110105194912310021") == [
        ("id_number", "110105194912310021", "110105194912310021")
    ]
    assert id_number_problem("110105194912310021") == "checksum"


def test_an_eighteen_digit_number_without_a_birth_date_is_no_id_number() -> None:
    assert [e for e in _entities("订单号123456789012345678") if e[0] == "id_number"] == []


def test_extract_entities_income_values_are_integers() -> None:
    [income] = extract_entities("年薪六万")
    assert income == {"entity": "income", "value": 5000, "start": 2, "end": 4}
    assert isinstance(income["value"], int)


def test_extract_entities_ignores_years_and_bare_numbers() -> None:
    assert _entities("我2023年毕业的，家里3个人") == []


def test_places_in_traditional_characters() -> None:
    assert ("county", "龙岗区", "龍崗區") in _entities("在深圳龍崗區上班")


def test_a_city_whose_short_name_is_a_word_needs_a_place_word_before_it() -> None:
    assert ("city", "大庆市", "大庆") in _entities("老家在大庆")
    assert _entities("普天同庆 大庆一下") == []


def _values(text: str) -> set[tuple[str, object]]:
    return {(e["entity"], e["value"]) for e in extract_entities(text)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("在上海松江上班", {("county", "松江区"), ("city", "上海市")}),
        ("在北京朝阳打工", {("county", "朝阳区"), ("city", "北京市")}),
        ("在佛山南海的厂里", {("county", "南海区"), ("city", "佛山市"), ("province", "广东省")}),
        ("老家湖南凤凰", {("county", "凤凰县"), ("province", "湖南省")}),
        ("我老家凤凰的", {("county", "凤凰县"), ("city", "湘西土家族苗族自治州")}),
        ("去了鹏城打工", {("city", "深圳市"), ("province", "广东省")}),
        ("在魔都上班", {("city", "上海市")}),
        ("在Shēnzhèn打工", {("city", "深圳市")}),
        ("在Guang Zhou上班", {("city", "广州市")}),
    ],
)
def test_counties_after_their_city_nicknames_and_pinyin(text: str, expected: set) -> None:
    assert expected <= _values(text)


def test_an_everyday_county_name_alone_is_still_no_place() -> None:
    assert _values("我是凤凰传奇的粉丝") == set()
    assert _values("在北京上班") == {("city", "北京市"), ("province", "北京市")}


@pytest.mark.parametrize(
    ("text", "yuan"),
    [
        ("月薪伍仟", 5000),
        ("月薪 6 000", 6000),
        ("工资三千多点", 3000),
        ("1500一个月", 1500),
        ("月3500", 3500),
        ("3500/月", 3500),
        ("税后6000", 6000),
        ("一个月4000+", 4000),
    ],
)
def test_more_ways_to_write_an_income(text: str, yuan: int) -> None:
    assert ("income", yuan) in _values(text)


@pytest.mark.parametrize("text", ["我号码是 1 3 8 1 2 3 4 5 6 7 8", "138.1234.5678"])
def test_phone_with_a_separator_between_every_digit(text: str) -> None:
    assert ("phone", "13812345678") in _values(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I got laid off in Suzhou", {("city", "苏州市")}),  # 苏州, not 宿州: the labour market
        ("I work in Longgang now", {("county", "龙岗区"), ("city", "深圳市")}),
        ("working at a Kunshan factory", {("county", "昆山市"), ("city", "苏州市")}),
        ("I'm from Longhui, Hunan", {("county", "隆回县"), ("province", "湖南省")}),
        ("我在凤凰屋里开民宿", {("county", "凤凰县"), ("province", "湖南省")}),
        ("老家在湖南邵阳", {("city", "邵阳市"), ("province", "湖南省")}),
    ],
)
def test_county_pinyin_ambiguous_city_pinyin_and_a_home_county(text: str, expected: set) -> None:
    assert expected <= _values(text)


@pytest.mark.parametrize(
    "text", ["在平安上班", "老家在湖南邵阳", "wo zai yi yuan shang ban", "I earn 3000 Yuan"]
)
def test_no_county_is_made_up(text: str) -> None:
    assert "county" not in {entity for entity, _ in _values(text)}


@pytest.mark.parametrize(
    ("text", "yuan"),
    [
        ("在factory上班 salary 4200", 4200),
        ("I make 5000 a month", 5000),
        ("pay is 3,800 yuan", 3800),
    ],
)
def test_income_in_english(text: str, yuan: int) -> None:
    assert ("income", yuan) in _values(text)
