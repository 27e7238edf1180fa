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
