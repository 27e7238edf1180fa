"""Compare intent classifiers: K-fold CV on nlu/data and, if present, the held-out set.

Usage: python bench/nlu_compare.py [--folds 5]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from yulu.nlu.evaluation import build_report, cross_validate, fit_predict, make_featurizer
from yulu.nlu.features import FeatureConfig
from yulu.nlu.intents import INTENTS
from yulu.nlu.training_data import load_training_data

HELDOUT = ROOT / "tests" / "nlu" / "heldout.yml"
CANDIDATES = [
    ("char 1-3 + ComplementNB", FeatureConfig((1, 3), (0, 0)), "nb", 20.0),
    ("char 1-3 + LR", FeatureConfig((1, 3), (0, 0)), "lr", 20.0),
    ("char 1-4 + LR", FeatureConfig((1, 4), (0, 0)), "lr", 20.0),
    ("char 1-4 + LinearSVC (calibrated)", FeatureConfig((1, 4), (0, 0)), "svm", 20.0),
    ("char 1-3 + pinyin 1-2 + LR", FeatureConfig((1, 3), (1, 2)), "lr", 20.0),
    ("char 1-4 + pinyin 1-2 + LR (C=5)", FeatureConfig((1, 4), (1, 2)), "lr", 5.0),
    ("char 1-4 + pinyin 1-2 + LR (C=20)", FeatureConfig((1, 4), (1, 2)), "lr", 20.0),
    ("char 1-4 + pinyin 1-2 + LR (C=50)", FeatureConfig((1, 4), (1, 2)), "lr", 50.0),
    ("char 1-4 + pinyin 1-2 + LinearSVC", FeatureConfig((1, 4), (1, 2)), "svm", 20.0),
]


def _scores(report: dict) -> str:
    """Macro-F1, job-lost recall and confidence figures of one report."""
    conf = report["confidence"]
    return (
        f"macroF1={report['macro avg']['f1-score']:.3f} "
        f"lost_recall={report['report_job_lost']['recall']:.3f} "
        f"right>=0.6={conf['correct_above']:.2f} wrong>=0.6={conf['errors_above']:.2f}"
    )


def main() -> None:
    """Print CV and held-out figures for every candidate."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--no-heldout", action="store_true", help="cross-validation only")
    args = parser.parse_args()
    examples = load_training_data().examples
    use_heldout = HELDOUT.exists() and not args.no_heldout
    heldout = load_training_data(HELDOUT).examples if use_heldout else []
    for name, config, method, c in CANDIDATES:
        featurizer = make_featurizer(config)
        started = time.perf_counter()
        cv = cross_validate(examples, folds=args.folds, featurizer=featurizer, method=method, c=c)
        line = f"{name:38s} CV {_scores(build_report(cv, INTENTS))}"
        if heldout:
            held = fit_predict(examples, heldout, featurizer=featurizer, method=method, c=c)
            line += f" | held-out {_scores(build_report(held, INTENTS))}"
        print(f"{line} ({time.perf_counter() - started:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
