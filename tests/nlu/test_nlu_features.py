"""What the classifier sees of a message: the tail, cue concepts and number shapes."""

from __future__ import annotations

import pytest

from yulu.nlu.features import FeatureConfig, Featurizer, tail


@pytest.fixture(scope="module")
def featurize() -> Featurizer:
    return Featurizer(FeatureConfig(pinyin_ngrams=(0, 0), simplify=False))


def test_the_tail_skips_a_clause_that_looks_back() -> None:
    assert tail("厂子倒闭了，之前在深圳月薪三千八") == "厂子倒闭了"
    assert tail("以前失业过，现在上班了") == "现在上班了"


@pytest.mark.parametrize(
    ("text", "shape"),
    [
        ("现在号是一三五〇〇一二三四五六", "e:phone"),
        ("新号 +86 150 1122 3344", "e:phone"),
        ("身份证 43052219990815123X", "e:id"),
        ("一个月到手四千五", "e:income"),
    ],
)
def test_a_number_in_any_writing_gives_its_shape(
    featurize: Featurizer, text: str, shape: str
) -> None:
    assert shape in featurize(text)


def test_english_negation_turns_the_cue_around(featurize: Featurizer) -> None:
    features = featurize("I was not laid off")
    assert "c:not-lost" in features and "c:lost" not in features


def test_a_rare_word_for_programme_money_shares_the_concept(featurize: Featurizer) -> None:
    assert "c:policy" in featurize("津贴什么时候发")


def test_a_chat_abbreviation_meets_the_words_it_stands_for() -> None:
    table = {"你": "ni", "好": "hao", "实": "shi", "习": "xi"}
    featurize = Featurizer(FeatureConfig(pinyin_ngrams=(0, 0), simplify=False), table)
    initials = {f for f in featurize("sx有吗") if f.startswith("i:")}
    assert "i:^sx" in initials and "i:^sx" in featurize("实习有吗")
    assert {f for f in featurize("nh") if f.startswith("i:")} == {
        f for f in featurize("你好") if f.startswith("i:")
    }


def test_a_long_message_has_no_initials(featurize: Featurizer) -> None:
    assert not [f for f in featurize("我在厂里干了三年 上个月厂子倒闭了 现在在家") if f[:2] == "i:"]


def test_a_question_is_told_from_a_report(featurize: Featurizer) -> None:
    assert "q:ask-end" in featurize("工厂那边招不招人")
    assert "q:ask" not in featurize("招人的厂我都去问过了")
    assert tail("我在厂里做普工，工资上不去。想问一下有没有培训") == "想问一下有没有培训"


def test_a_question_word_before_dou_is_an_indefinite_not_a_question(
    featurize: Featurizer,
) -> None:
    assert "q:ask" not in featurize("哪家厂我都跑遍了")
    assert "q:ask" not in featurize("什么活都干过")
    assert "q:ask-end" in featurize("哪家厂都行吗")


def test_a_cue_word_written_as_a_homophone_still_names_its_concept() -> None:
    table = {"被": "bei", "裁": "cai", "菜": "cai", "了": "le", "不": "bu", "是": "shi"}
    table |= {"失": "shi", "师": "shi", "业": "ye"}
    featurize = Featurizer(FeatureConfig(simplify=False), table)
    assert featurize("被菜了").count("c:lost") >= 1
    assert featurize("被裁了").count("c:lost") == 1  # written once, counted once
    assert "c:not-lost" in featurize("不是师业")


def test_an_a_not_a_question_is_no_negation(featurize: Featurizer) -> None:
    asked = featurize("厂里要不要人")
    assert "c:lost" not in asked and not [f for f in asked if f.startswith("n:")]
    assert "c:lost" in featurize("厂里不要人了")
    assert "q:ask-end" in featurize("幼儿园招老师不") and "q:ask" not in featurize("我还没")


@pytest.mark.parametrize(
    "text",
    [
        "宿舍管理员让我这周末前搬走",
        "工钱算清了，工牌也交了",
        "老板电话一直打不通",
        "合同到期人事说不续了",
    ],
)
def test_a_dismissal_told_by_its_consequences_reads_as_a_loss(
    featurize: Featurizer, text: str
) -> None:
    assert "c:lost" in featurize(text)


def test_a_badge_handed_back_is_no_sign_of_a_job(featurize: Featurizer) -> None:
    assert "c:work" not in featurize("工牌交上去了")
    assert "c:work" in featurize("工牌挂在脖子上")


def test_a_loss_that_is_someone_elses_or_only_feared_is_read_apart(featurize: Featurizer) -> None:
    assert "c:other-lost" in featurize("我表哥被裁了") and "c:lost" not in featurize("我表哥被裁了")
    assert "c:maybe-lost" in featurize("听说厂里要裁员")
    assert "c:lost" in featurize("老板说不要我了")
    assert "c:past-lost" in featurize("去年被裁过一次")


def test_days_with_nothing_to_do_have_a_concept(featurize: Featurizer) -> None:
    assert "c:idle" in featurize("每天一觉睡到中午")
