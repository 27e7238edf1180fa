"""NLU benchmark: training time, cold model load, parse latency, memory, cross-validated F1.

Usage: python bench/nlu_bench.py [--messages 5000] [--folds 5]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from yulu.nlu import EmbeddedInterpreter
from yulu.nlu.evaluation import build_report, cross_validate, make_featurizer
from yulu.nlu.intents import INTENTS
from yulu.nlu.training_data import DATA_DIR, load_training_data

# Measured in a fresh interpreter: import, unpickle, warm-up, first parse, peak RSS. (VmHWM,
# not ru_maxrss: the latter keeps the forking parent's peak across exec.)
COLD_LOAD = """
import json, re, sys, time
started = time.perf_counter()
from pathlib import Path
from yulu.nlu import EmbeddedInterpreter
imported = time.perf_counter()
interpreter = EmbeddedInterpreter.load(Path(sys.argv[1]))
loaded = time.perf_counter()
interpreter.parse("厂子倒闭了，之前在深圳月薪三千八")
parsed = time.perf_counter()
print(json.dumps({
    "import_s": imported - started, "load_s": loaded - imported,
    "first_parse_s": parsed - loaded,
    "max_rss_mb": int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read())[1]) / 1024,
}))
"""
SUFFIXES = [
    "",
    "，月薪三千八",
    " 在深圳",
    "，电话13812345678",
    " 一个月4500",
    "😭",
    "？",
    " 俺在长沙",
]


def messages(count: int, seed: int = 1) -> list[str]:
    """Realistic messages: training sentences, some with pay, places, phones or emoji added."""
    rng = random.Random(seed)
    texts = [e.text for e in load_training_data(DATA_DIR).examples]
    return [rng.choice(texts) + rng.choice(SUFFIXES) for _ in range(count)]


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) of some values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def bench_training(model_dir: Path) -> float:
    """Seconds to train and cache the model from nlu/data."""
    started = time.perf_counter()
    EmbeddedInterpreter.train(model_dir, DATA_DIR)
    return time.perf_counter() - started


def bench_cold_load(model_dir: Path) -> dict:
    """Import and load figures of a fresh process with the model cached."""
    done = subprocess.run(
        [sys.executable, "-c", COLD_LOAD, str(model_dir)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(done.stdout)


def bench_parse(model_dir: Path, texts: list[str]) -> dict:
    """Per-message parse latency, then (in a second pass) the Python heap used while parsing."""
    interpreter = EmbeddedInterpreter.load(model_dir)
    timings = []
    for text in texts:
        started = time.perf_counter()
        interpreter.parse(text)
        timings.append((time.perf_counter() - started) * 1000)
    tracemalloc.start()  # slows Python down, so never on while timing
    for text in texts:
        interpreter.parse(text)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "p50_ms": percentile(timings, 50),
        "p99_ms": percentile(timings, 99),
        "mean_ms": statistics.fmean(timings),
        "parse_heap_peak_mb": peak / 1e6,
    }


def bench_cv(folds: int) -> dict:
    """Cross-validated macro-F1 and job-lost recall of the shipped method."""
    report = build_report(
        cross_validate(
            load_training_data(DATA_DIR).examples, folds=folds, featurizer=make_featurizer()
        ),
        INTENTS,
    )
    return {
        "cv_macro_f1": report["macro avg"]["f1-score"],
        "cv_job_lost_recall": report["report_job_lost"]["recall"],
    }


def main() -> None:
    """Run every benchmark and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = Path(tmp)
        print(f"training (incl. pinyin table + place index): {bench_training(model_dir):.2f} s")
        size = sum(p.stat().st_size for p in model_dir.glob("nlu-*.pkl")) / 1e6
        print(f"model file: {size:.2f} MB")
        cold = bench_cold_load(model_dir)
        total = cold["import_s"] + cold["load_s"]
        print(
            f"cold load: import {cold['import_s']:.3f} s + load {cold['load_s']:.3f} s = {total:.3f} s; "
            f"first parse {cold['first_parse_s'] * 1000:.1f} ms; peak RSS {cold['max_rss_mb']:.0f} MB"
        )
        latency = bench_parse(model_dir, messages(args.messages))
        print(
            f"parse over {args.messages} messages: p50 {latency['p50_ms']:.3f} ms, "
            f"p99 {latency['p99_ms']:.3f} ms, mean {latency['mean_ms']:.3f} ms; "
            f"heap peak while parsing {latency['parse_heap_peak_mb']:.2f} MB"
        )
    cv = bench_cv(args.folds)
    print(
        f"{args.folds}-fold CV: macro-F1 {cv['cv_macro_f1']:.3f}, job-lost recall {cv['cv_job_lost_recall']:.3f}"
    )


if __name__ == "__main__":
    main()
