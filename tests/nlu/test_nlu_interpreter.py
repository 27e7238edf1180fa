"""The embedded interpreter: what it understands, its output shape, and its on-disk cache."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from yulu.nlu import EmbeddedInterpreter, Parse
from yulu.nlu.classifier import make_pipeline, train_intent_model
from yulu.nlu.evaluation import make_featurizer
from yulu.nlu.intents import INTENTS
from yulu.nlu.training_data import DATA_DIR, load_training_data

# Phrasings written for this test, not copied from nlu/data.
UNSEEN = [
    ("我们厂上个月倒闭了，现在在家", "report_job_lost"),
    ("老板把我辞退了", "report_job_lost"),
    ("woshiyele zenmeban", "report_job_lost"),
    ("我还在原来那个单位上班", "report_employed"),
    ("换了家新的厂子 工资高一点", "report_employed"),
    ("从毕业到现在一直没找到工作", "report_seeking"),
    ("我去年考上专升本了", "report_further_study"),
    ("在老家养了两百只鸡", "report_self_employed"),
    ("长沙那边有没有招电工的", "ask_jobs"),
    ("有就业见习的岗位吗", "ask_internship"),
    ("雨露计划的补助啥时候到账", "ask_policy"),
    ("想学开挖掘机 有培训吗", "ask_training"),
    ("让我的帮扶干部给我回个电话", "request_human"),
    ("我手机号换了 要改一下", "update_profile"),
    ("以后别再给我发消息了", "unsubscribe"),
    ("谢谢你们啊", "thanks"),
]


@pytest.mark.parametrize(("text", "intent"), UNSEEN)
def test_understands_unseen_phrasings(
    interpreter: EmbeddedInterpreter, text: str, intent: str
) -> None:
    assert interpreter.parse(text).intent == intent


def test_parse_has_the_rasa_shape(interpreter: EmbeddedInterpreter) -> None:
    parsed = interpreter.parse("厂子倒闭了，之前在深圳月薪三千八")
    body = parsed.to_rasa()
    assert list(body) == ["text", "intent", "entities", "intent_ranking"]
    assert body["intent"] == {"name": "report_job_lost", "confidence": parsed.confidence}
    assert {"entity": "income", "value": 3800, "start": 13, "end": 16} in body["entities"]
    assert {"entity": "city", "value": "深圳市", "start": 9, "end": 11} in body["entities"]
    ranking = body["intent_ranking"]
    assert len(ranking) == 10 and ranking[0]["name"] == "report_job_lost"
    assert [r["confidence"] for r in ranking] == sorted(
        (r["confidence"] for r in ranking), reverse=True
    )
    assert Parse.from_rasa(body) == parsed


def test_exported_model_matches_scikit_learn() -> None:
    """The numpy-only model must give the very probabilities scikit-learn computed."""
    examples = load_training_data(DATA_DIR).examples[::4]
    texts, intents = [e.text for e in examples], [e.intent for e in examples]
    featurizer = make_featurizer()
    exported = train_intent_model(texts, intents, featurizer=featurizer, lost_bias=0.0)
    fitted = make_pipeline(featurizer).fit(texts, intents)
    probes = ["厂子倒闭了", "wo shi ye le", "有没有实习", "😂", "", "zzzz"]
    expected = fitted.predict_proba(probes)
    assert list(fitted.classes_) == list(exported.intents)
    actual = np.array([exported.probabilities(p) for p in probes])
    np.testing.assert_allclose(actual, expected, rtol=1e-3, atol=1e-5)


def test_loads_cached_model_without_retraining(model_dir: Path) -> None:
    first = EmbeddedInterpreter.load(model_dir, DATA_DIR)
    mtime = first.model_path.stat().st_mtime_ns
    second = EmbeddedInterpreter.load(model_dir, DATA_DIR)
    assert second.model_path == first.model_path
    assert second.model_path.stat().st_mtime_ns == mtime


def test_changed_data_file_retrains(tmp_path: Path, model_dir: Path) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(DATA_DIR, data_dir)
    cache = tmp_path / "model"
    cache.mkdir()
    for trained in model_dir.glob("nlu-*.pkl"):  # the same data: no need to train it again
        shutil.copy(trained, cache)
    before = EmbeddedInterpreter.load(cache, data_dir)
    assert before.model_path.parent == cache
    novel = "蓝鲸计划卡拉OK"
    assert before.parse(novel).intent != "ask_training"
    training = data_dir / "requests.yml"
    training.write_text(
        training.read_text(encoding="utf-8").replace(
            "    - 有什么培训\n", f"    - 有什么培训\n    - {novel}\n"
        ),
        encoding="utf-8",
    )
    after = EmbeddedInterpreter.load(cache, data_dir)
    assert after.data_hash != before.data_hash
    assert after.parse(novel).intent == "ask_training"
    assert sorted(p.name for p in cache.glob("nlu-*.pkl")) == [after.model_path.name]


def test_cached_load_imports_no_training_libraries_and_no_application(model_dir: Path) -> None:
    """Loading stays fast (no sklearn, no jionlp), and nlu/ stays a pure library."""
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from yulu.nlu import EmbeddedInterpreter
        model = EmbeddedInterpreter.load(Path({str(model_dir)!r}))
        parsed = model.parse("想去广东找工作 有月薪五千的吗")
        banned = ("sklearn", "jionlp", "aiogram", "yulu.storage", "yulu.bot", "yulu.services",
                  "yulu.core", "yulu.cli")
        loaded = set(sys.modules)
        heavy = sorted({{b for b in banned for m in loaded if m == b or m.startswith(b + ".")}})
        print(heavy, parsed.intent, len(parsed.entities))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=Path.cwd()
    )
    assert done.stdout.split() == ["[]", "ask_jobs", "2"]


def test_model_knows_exactly_the_bots_intents(interpreter: EmbeddedInterpreter) -> None:
    probabilities = interpreter.parse("你好").intent_ranking
    assert len(probabilities) == 10 and {r["name"] for r in probabilities} <= set(INTENTS)
    assert sorted(interpreter.intents) == sorted(INTENTS)


def test_the_job_lost_bias_only_raises_job_lost() -> None:
    """A close call leans to 失业 (confirmed by buttons) rather than missing a job loss."""
    examples = load_training_data(DATA_DIR).examples[::4]
    texts, intents = [e.text for e in examples], [e.intent for e in examples]
    featurizer = make_featurizer()
    plain = train_intent_model(texts, intents, featurizer=featurizer, lost_bias=0.0)
    leaning = train_intent_model(texts, intents, featurizer=featurizer, lost_bias=0.5)
    lost = plain.intents.index("report_job_lost")
    before, after = plain.probabilities("厂里最近不太行"), leaning.probabilities("厂里最近不太行")
    assert after[lost] > before[lost]
    others = [i for i in range(len(plain.intents)) if i != lost]
    assert all(after[i] <= before[i] for i in others)
