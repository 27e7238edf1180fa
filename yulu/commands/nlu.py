"""`yulu nlu`: train, try and evaluate the Chinese understanding model."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.console import Console
from rich.table import Table

from yulu.commands.common import ConfigOption, settings_for
from yulu.core.config import NluSettings
from yulu.nlu import EmbeddedInterpreter, NluService, build_nlu
from yulu.nlu.intents import INTENTS
from yulu.nlu.training_data import DATA_DIR

app = typer.Typer(
    help="Chinese understanding: train the intent model, parse messages, evaluate accuracy.",
    no_args_is_help=True,
)
console = Console(stderr=True)

DataDirOption = Annotated[
    Path,
    typer.Option(
        "--data-dir", help="Rasa NLU training files (a directory or one .yml).", exists=True
    ),
]


def _settings(ctx: typer.Context, config: Path | None) -> NluSettings:
    """The nlu settings from --config here, or those the root command loaded."""
    return settings_for(ctx, config).nlu


@app.command()
def train(
    ctx: typer.Context,
    data_dir: DataDirOption = DATA_DIR,
    force: Annotated[
        bool, typer.Option(help="Retrain even if the cached model is current.")
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Train the embedded model from the training files and cache it in nlu.model_dir."""
    model_dir = Path(_settings(ctx, config).model_dir)
    if force:
        interpreter = EmbeddedInterpreter.train(model_dir, data_dir)
    else:
        interpreter = EmbeddedInterpreter.load(model_dir, data_dir)
    console.print(
        f"model {interpreter.model_path} (data {interpreter.data_hash[:12]}, "
        f"training took {interpreter.training_seconds:.1f} s)",
        soft_wrap=True,
    )


@app.command()
def parse(ctx: typer.Context, config: ConfigOption = None) -> None:
    """Read one message per line on stdin; write one Rasa /model/parse JSON object per line.

    Blank lines are skipped. Uses the configured backend (embedded, or a Rasa server with the
    embedded model as fallback).
    """
    service = build_nlu(_settings(ctx, config))
    asyncio.run(_parse_lines(service, sys.stdin, sys.stdout))


async def _parse_lines(service: NluService, lines: TextIO, out: TextIO) -> None:
    """Parse each non-blank line and write its JSON answer."""
    try:
        for line in lines:
            text = line.rstrip("\r\n")
            if text.strip():
                parsed = await service.parse(text)
                out.write(json.dumps(parsed.to_rasa(), ensure_ascii=False) + "\n")
                out.flush()
    finally:
        await service.close()


@app.command()
def evaluate(
    ctx: typer.Context,
    folds: Annotated[int, typer.Option(help="Cross-validation folds (without --data).", min=2)] = 5,
    report: Annotated[
        Path | None,
        typer.Option(help="Where to write the JSON report (default: <nlu.model_dir>/report.json)."),
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option(
            help="A Rasa NLU test file: train on the training files, test on this one.", exists=True
        ),
    ] = None,
    data_dir: DataDirOption = DATA_DIR,
    config: ConfigOption = None,
) -> None:
    """Per-intent precision, recall, F1 and a confusion table, like `rasa test nlu`."""
    from yulu.nlu.evaluation import build_report, cross_validate, entity_scores, make_featurizer
    from yulu.nlu.evaluation import predict as predict_with
    from yulu.nlu.training_data import load_training_data

    model_dir = Path(_settings(ctx, config).model_dir)
    if data is None:
        tests = load_training_data(data_dir).examples
        predictions = cross_validate(tests, folds=folds, featurizer=make_featurizer())
        title = f"{folds}-fold cross-validation on {data_dir}"
    else:
        # The very model the bot runs: the cached one for this data, trained first if stale.
        interpreter = EmbeddedInterpreter.load(model_dir, data_dir)
        tests = load_training_data(data).examples
        predictions = predict_with(interpreter.model, tests)
        title = f"trained on {data_dir}, tested on {data}"
    labels = [*INTENTS, *sorted(set(predictions.gold) - set(INTENTS))]
    result = build_report(predictions, labels)
    entities = entity_scores(tests)
    if entities is not None:
        result["entities"] = entities
    target = report or model_dir / "report.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    _print_report(result, labels, title)
    console.print(f"report written to {target}", soft_wrap=True)


def _print_report(result: dict, labels: list[str], title: str) -> None:
    """Print the per-intent metrics and the confusion matrix."""
    out = Console()
    out.width = max(out.width, 140)  # 19 confusion columns do not fit a default 80-column pipe
    metrics = Table(title=title)
    for column in ("intent", "precision", "recall", "f1-score", "support", "confused with"):
        metrics.add_column(
            column, justify="left" if column in ("intent", "confused with") else "right"
        )
    for name in [*labels, "macro avg", "weighted avg"]:
        row = result[name]
        confused = ", ".join(f"{k} {v}" for k, v in list(row.get("confused_with", {}).items())[:3])
        metrics.add_row(
            name,
            *(f"{row[k]:.3f}" for k in ("precision", "recall", "f1-score")),
            f"{row['support']:.0f}",
            confused,
        )
    out.print(metrics)
    out.print(f"accuracy {result['accuracy']:.3f}")
    confusion = Table(title="confusion (rows: true intent, columns: predicted #)")
    confusion.add_column("#  true intent")
    for index in range(len(labels)):
        confusion.add_column(str(index + 1), justify="right")
    for index, (name, row) in enumerate(zip(labels, result["confusion_matrix"]["matrix"])):
        cells = [str(n) if n else "." for n in row]
        confusion.add_row(f"{index + 1:>2} {name}", *cells)
    out.print(confusion)
    if "kinds" in result:
        out.print(_kinds_table(result["kinds"]))
    if "entities" in result:
        out.print(_entities_table(result["entities"]))


def _percent(value: float | None) -> str:
    """A share as a percentage, or a dash when there is nothing to divide."""
    return "-" if value is None else f"{value:.1%}"


def _kinds_table(kinds: dict[str, dict]) -> Table:
    """Accuracy per kind of message (the `kind:` key of the test file's intent blocks)."""
    table = Table(title="per kind")
    for column in ("kind", "support", "accuracy", "job-lost recall", "wrong but sure"):
        table.add_column(column, justify="left" if column == "kind" else "right")
    for kind, row in kinds.items():
        table.add_row(
            kind,
            str(row["support"]),
            _percent(row["accuracy"]),
            _percent(row["job_lost_recall"]),
            str(row["sure_wrong"]),
        )
    return table


def _entities_table(entities: dict) -> Table:
    """Recall and precision per entity over the annotated examples."""
    table = Table(title="entities (annotated examples)")
    for column in ("entity", "annotated", "right", "recall", "precision"):
        table.add_column(column, justify="left" if column == "entity" else "right")
    for name, row in entities.items():
        if name != "errors":
            table.add_row(
                name,
                str(row["annotated"]),
                str(row["right"]),
                _percent(row["recall"]),
                _percent(row["precision"]),
            )
    return table
