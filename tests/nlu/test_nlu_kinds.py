"""What graduates really write (issue 13): contrast, long stories, indirect speech, dialect,
English and pinyin, traditional characters. Phrasings written for this test, not in nlu/data."""

from __future__ import annotations

import pytest

from yulu.nlu import EmbeddedInterpreter
from yulu.nlu.features import clauses, negation_scope, tail
from yulu.nlu.training_data import DATA_DIR, load_training_data

UNSEEN = [
    # negation and contrast: the current state wins
    ("之前没活干，如今在物流园上班了", "report_employed"),
    ("以前上过班，现在厂子没了，我也没工作了", "report_job_lost"),
    ("我不是辞职，是被老板赶走的", "report_job_lost"),
    ("我没有被开除啊 还在车间干", "report_employed"),
    # long messages: the point in one sentence
    (
        "去年冬天厂里停工，我回老家待了一阵。开春后同学叫我去了常州，现在在一家模具厂做学徒。",
        "report_employed",
    ),
    # indirect
    ("组长通知我下礼拜开始不用来了", "report_job_lost"),
    ("这周又排到我上夜班", "report_employed"),
    ("我的炸串摊开了两个月了", "report_self_employed"),
    # dialect
    ("我喺电子厂返紧工", "report_employed"),
    ("俺那厂子黄了 没活干了", "report_job_lost"),
    # English and pinyin
    ("I lost my job at the shoe factory", "report_job_lost"),
    ("still working at the same place", "report_employed"),
    ("wo bei gong chang ci tui le", "report_job_lost"),
    # traditional characters
    ("我們工廠倒閉了", "report_job_lost"),
]


@pytest.mark.parametrize(("text", "intent"), UNSEEN)
def test_understands_what_graduates_really_write(
    interpreter: EmbeddedInterpreter, text: str, intent: str
) -> None:
    assert interpreter.parse(text).intent == intent


def test_the_unseen_phrasings_are_really_unseen() -> None:
    taught = {e.text for e in load_training_data(DATA_DIR).examples}
    assert not {text for text, _ in UNSEEN} & taught


def test_tail_is_the_clause_after_the_last_shift_marker() -> None:
    assert tail("以前失业过，现在上班了") == "现在上班了"
    assert tail("不是被辞退 而是自己走的") == "而是自己走的"
    assert tail("厂子倒闭了。后来朋友介绍我进了另一个厂") == "后来朋友介绍我进了另一个厂"
    assert tail("我在上班 挺好") == "挺好"  # no marker: the last clause
    assert clauses("I lost my job, sadly") == ["i lost my job", "sadly"]  # English keeps words


def test_negation_scope_marks_what_the_negator_governs() -> None:
    assert {"n:被", "n:裁", "n:被裁"} <= set(negation_scope("我没被裁 还在上班"))
    assert not [f for f in negation_scope("我被裁了") if f.startswith("n:")]


def test_kind_data_is_tagged_with_the_seven_kinds() -> None:
    kinds = {e.kind for e in load_training_data(DATA_DIR).examples} - {None}
    assert kinds == {"plain", "typos", "dialect", "long", "negation", "english", "indirect"}


def test_pinyin_place_names_are_places(interpreter: EmbeddedInterpreter) -> None:
    entities = interpreter.parse("any jobs in Guangzhou?").entities
    assert [(e["entity"], e["value"]) for e in entities] == [
        ("city", "广州市"),
        ("province", "广东省"),
    ]
    assert interpreter.parse("zai jian, xian zai mei shi").entities == []  # 再见, 现在 are words
