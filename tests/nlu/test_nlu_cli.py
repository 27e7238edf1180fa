"""`yulu nlu train|parse|evaluate`, mounted under a stand-in root app as the real CLI does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from yulu.commands import nlu as nlu_commands
from yulu.core.config import NluSettings, Settings
from yulu.nlu.intents import INTENTS

RANKING_KEYS = {"name", "confidence"}


def _root(model_dir: Path) -> typer.Typer:
    """A root app that puts settings into ctx.obj, like `yulu`'s callback."""
    root = typer.Typer()

    @root.callback()
    def main(ctx: typer.Context) -> None:
        ctx.obj = Settings(nlu=NluSettings(model_dir=model_dir))

    root.add_typer(nlu_commands.app, name="nlu")
    return root


def _check_rasa_shape(body: dict) -> None:
    assert list(body) == ["text", "intent", "entities", "intent_ranking"]
    assert set(body["intent"]) == RANKING_KEYS and body["intent"]["name"] in INTENTS
    assert isinstance(body["intent"]["confidence"], float)
    assert all(set(r) == RANKING_KEYS for r in body["intent_ranking"])
    assert all(set(e) == {"entity", "value", "start", "end"} for e in body["entities"])


def test_parse_writes_one_rasa_json_per_line(model_dir: Path) -> None:
    lines = "厂子倒闭了\n\n月薪三千八 在深圳上班\r\nwo shi ye le\n"
    result = CliRunner().invoke(_root(model_dir), ["nlu", "parse"], input=lines)
    assert result.exit_code == 0, result.output
    bodies = [json.loads(line) for line in result.stdout.splitlines()]
    assert [b["text"] for b in bodies] == ["厂子倒闭了", "月薪三千八 在深圳上班", "wo shi ye le"]
    for body in bodies:
        _check_rasa_shape(body)
    assert bodies[0]["intent"]["name"] == "report_job_lost"
    assert bodies[1]["entities"] == [
        {"entity": "income", "value": 3800, "start": 2, "end": 5},
        {"entity": "city", "value": "深圳市", "start": 7, "end": 9},
        {"entity": "province", "value": "广东省", "start": 7, "end": 9},
    ]
    assert '"value": 3800' in result.stdout and "深圳市" in result.stdout  # numbers, no \u escapes


def test_parse_process_trains_on_first_use_and_keeps_stdout_clean(tmp_path: Path) -> None:
    """A real process with no cached model: training (and jionlp's banner) must stay off stdout."""
    env = {
        **os.environ,
        "YULU_NLU_MODEL_DIR": str(tmp_path / "model"),
        "YULU_CONFIG": "/nonexistent",
    }
    done = subprocess.run(
        [sys.executable, "-c", "from yulu.commands.nlu import app; app()", "parse"],
        input="我要退订\n被辞退了\n",
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    intents = [json.loads(line)["intent"]["name"] for line in done.stdout.splitlines()]
    assert intents == ["unsubscribe", "report_job_lost"]
    assert list((tmp_path / "model").glob("nlu-*.pkl"))


def test_train_caches_the_model(tmp_path: Path) -> None:
    model_dir = tmp_path / "model"
    result = CliRunner().invoke(_root(model_dir), ["nlu", "train"])
    assert result.exit_code == 0, result.output
    [model] = model_dir.glob("nlu-*.pkl")
    assert str(model) in result.output


def test_evaluate_on_a_test_file_writes_a_report(model_dir: Path, tmp_path: Path) -> None:
    test_file = tmp_path / "test.yml"
    test_file.write_text(
        'version: "3.1"\nnlu:\n'
        "- intent: report_job_lost\n  examples: |\n    - 我们厂子关门了\n    - 被老板开了\n"
        "- intent: greet\n  examples: |\n    - 你好呀老师\n",
        encoding="utf-8",
    )
    report = tmp_path / "out" / "report.json"
    args = ["nlu", "evaluate", "--data", str(test_file), "--report", str(report)]
    result = CliRunner().invoke(_root(model_dir), args)
    assert result.exit_code == 0, result.output
    assert "precision" in result.stdout and "report_job_lost" in result.stdout
    written = json.loads(report.read_text(encoding="utf-8"))
    assert written["report_job_lost"]["support"] == 2
    assert written["confusion_matrix"]["labels"] == list(INTENTS)
    assert sum(map(sum, written["confusion_matrix"]["matrix"])) == 3


def test_evaluate_scores_each_kind_and_the_annotated_entities(
    model_dir: Path, tmp_path: Path
) -> None:
    test_file = tmp_path / "kinds.yml"
    test_file.write_text(
        'version: "3.1"\nnlu:\n'
        "- intent: report_job_lost\n  kind: indirect\n  examples: |\n"
        "    - 组长说明天起不用来了\n    - 在[龙岗](city:深圳市)的厂子关门了 没活干了\n"
        "- intent: report_employed\n  kind: negation\n  examples: |\n"
        "    - 我没被裁 还在上班 工资[¥4,200](income)\n"
        "- intent: greet\n  kind: english\n  examples: |\n    - hello there\n",
        encoding="utf-8",
    )
    report = tmp_path / "report.json"
    args = ["nlu", "evaluate", "--data", str(test_file), "--report", str(report)]
    result = CliRunner().invoke(_root(model_dir), args)
    assert result.exit_code == 0, result.output
    assert "per kind" in result.stdout and "indirect" in result.stdout
    written = json.loads(report.read_text(encoding="utf-8"))
    assert {k: v["support"] for k, v in written["kinds"].items()} == {
        "english": 1,
        "indirect": 2,
        "negation": 1,
    }
    assert written["entities"]["all"]["annotated"] == 2
    assert written["entities"]["all"]["right"] == 2


@pytest.mark.parametrize("folds", [2])
def test_evaluate_cross_validates_by_default(model_dir: Path, folds: int) -> None:
    result = CliRunner().invoke(_root(model_dir), ["nlu", "evaluate", "--folds", str(folds)])
    assert result.exit_code == 0, result.output
    written = json.loads((model_dir / "report.json").read_text(encoding="utf-8"))
    assert written["macro avg"]["support"] > 2000
    assert written["macro avg"]["f1-score"] > 0.8
    assert f"{folds}-fold cross-validation" in result.stdout


def test_every_command_has_help() -> None:
    for command in ("train", "parse", "evaluate"):
        result = CliRunner().invoke(nlu_commands.app, [command, "--help"])
        assert result.exit_code == 0 and len(result.stdout) > 100
