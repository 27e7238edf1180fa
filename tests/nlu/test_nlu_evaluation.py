"""The entity scorer judges the place and the number, not how the annotator spelled them."""

from __future__ import annotations

from yulu.nlu.evaluation import entity_scores
from yulu.nlu.training_data import parse_example


def _recall(line: str) -> float:
    return entity_scores([parse_example(line, "report_employed")])["all"]["recall"]


def test_a_place_annotated_in_traditional_characters_or_pinyin_is_its_official_name() -> None:
    assert _recall("我在[東莞](city)做工") == 1.0
    assert _recall("I got a new job in [Shenzhen](city)") == 1.0
    assert _recall("在[龍崗](county)上班") == 1.0


def test_a_county_level_city_annotated_as_a_city_counts() -> None:
    assert _recall("我还在[昆山](city)那家电子厂") == 1.0


def test_a_wrong_place_still_fails() -> None:
    assert _recall("我在[東莞](city)做工 [成都](city:重庆市)") == 0.5


def test_an_id_number_annotated_with_spaces_is_its_digits() -> None:
    assert _recall("身份证号改成[522401 2003 0506 1234](id_number)") == 1.0
