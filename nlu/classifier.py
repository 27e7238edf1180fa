"""The intent classifier: TF-IDF over char + pinyin n-grams, multinomial logistic regression.

Trained with scikit-learn, then exported to plain numpy arrays so that loading and parsing
never import scikit-learn (a cold `import sklearn` alone costs most of the 1 s load budget).

The feature views (character and pinyin n-grams, English gloss, tail clause, negation scope,
cue concepts) are in nlu/features.py. `python bench/nlu_compare.py` measures the alternatives;
the figures and the choice are in README.md, "Chinese understanding". C=20: high enough that a
clear sentence gets a confident (>0.6) probability, not as bold when wrong as C=50.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from yulu.nlu.features import Featurizer, tail

# Inverse regularisation: high enough that a clear sentence gets a confident (>0.6) probability.
DEFAULT_C = 20.0
# How much the tail clause's own reading counts at parse time: 0.2 lifted long and negation
# messages on the dev set (tests/nlu/heldout_hard.yml) without costing the first held-out set.
DEFAULT_TAIL_WEIGHT = 0.2
# Added to report_job_lost's score: a missed 失业 costs a graduate their help, a false one only
# a 是的/不是 question (a critical intent is confirmed), so a close call leans to 失业 …
DEFAULT_LOST_BIAS = 1.0
# … in full only a close call: below this unbiased probability of 失业 the bias shrinks with its
# square (at 0.1 a quarter of it). A flat bias of 0.5 also tipped flat, unsure guesses (这个就免了,
# 那个时间我凑不出来) to 失业; this one keeps more job-lost recall for less precision
# (bench/nlu_compare.py, README "Chinese understanding", round 7).
DEFAULT_LOST_FLOOR = 0.2
LOST_INTENT = "report_job_lost"


@dataclass
class IntentModel:
    """A trained linear intent model that needs only numpy to run."""

    featurizer: Featurizer
    vocabulary: dict[str, int]
    idf: np.ndarray  # (n_features,)
    weights: np.ndarray  # (n_features, n_intents), row-major so a message gathers few rows
    intercept: np.ndarray  # (n_intents,)
    intents: tuple[str, ...]
    # Weight of the tail clause's own scores against the whole message's (0: whole only).
    tail_weight: float = 0.0
    # Added to report_job_lost's score, in full once its unbiased probability reaches lost_floor.
    lost_bias: float = 0.0
    lost_floor: float = 0.0

    def _vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Column indices and L2-normalised sublinear TF-IDF values of one message."""
        index, tf = [], []
        for feature, count in Counter(self.featurizer(text)).items():
            column = self.vocabulary.get(feature)
            if column is not None:
                index.append(column)
                tf.append(count)
        if not index:
            return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.float32)
        columns = np.array(index, dtype=np.intp)
        values = (1.0 + np.log(np.array(tf, dtype=np.float32))) * self.idf[columns]
        return columns, values / np.linalg.norm(values)

    def _scores(self, text: str) -> np.ndarray:
        """The linear scores of each intent for one text."""
        index, values = self._vector(text)
        return values @ self.weights[index] + self.intercept

    def probabilities(self, text: str) -> np.ndarray:
        """The probability of each intent, in `self.intents` order."""
        scores = self._scores(text)
        if self.tail_weight:
            last = tail(text)
            if last and last != text.strip():
                scores = (1 - self.tail_weight) * scores + self.tail_weight * self._scores(last)
        probabilities = _softmax(scores)
        if self.lost_bias and LOST_INTENT in self.intents:
            lost = self.intents.index(LOST_INTENT)
            closeness = min(1.0, probabilities[lost] / self.lost_floor) if self.lost_floor else 1.0
            scores[lost] += self.lost_bias * closeness**2
            probabilities = _softmax(scores)
        return probabilities

    def rank(self, text: str, *, limit: int = 10) -> list[tuple[str, float]]:
        """The top intents with their probabilities, best first."""
        probabilities = self.probabilities(text)
        order = np.argsort(-probabilities)[:limit]
        return [(self.intents[i], float(probabilities[i])) for i in order]


def _softmax(scores: np.ndarray) -> np.ndarray:
    """Scores as probabilities."""
    exp = np.exp(scores - scores.max())
    return exp / exp.sum()


def make_pipeline(featurizer: Featurizer, *, method: str = "lr", c: float = DEFAULT_C):
    """A scikit-learn pipeline for one of the measured methods ('lr', 'svm' or 'nb')."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import ComplementNB
    from sklearn.pipeline import make_pipeline as pipeline
    from sklearn.svm import LinearSVC

    vectorizer = TfidfVectorizer(analyzer=featurizer, sublinear_tf=True, dtype=np.float32)
    if method == "lr":
        model = LogisticRegression(C=c, solver="newton-cg", max_iter=200, class_weight="balanced")
    elif method == "svm":
        model = CalibratedClassifierCV(LinearSVC(C=c / 20, class_weight="balanced"), cv=3)
    elif method == "nb":
        model = ComplementNB(alpha=0.3)
    else:
        raise ValueError(f"unknown method {method!r}")
    return pipeline(vectorizer, model)


def train_intent_model(
    texts: Sequence[str],
    intents: Sequence[str],
    *,
    featurizer: Featurizer,
    c: float = DEFAULT_C,
    tail_weight: float = DEFAULT_TAIL_WEIGHT,
    lost_bias: float = DEFAULT_LOST_BIAS,
    lost_floor: float = DEFAULT_LOST_FLOOR,
) -> IntentModel:
    """Fit TF-IDF + logistic regression and export it to a numpy-only IntentModel."""
    fitted = make_pipeline(featurizer, method="lr", c=c).fit(list(texts), list(intents))
    vectorizer, regression = fitted[0], fitted[-1]
    return IntentModel(
        featurizer=featurizer,
        vocabulary={term: int(col) for term, col in vectorizer.vocabulary_.items()},
        idf=vectorizer.idf_.astype(np.float32),
        weights=np.ascontiguousarray(regression.coef_.T, dtype=np.float32),
        intercept=regression.intercept_.astype(np.float32),
        intents=tuple(str(i) for i in regression.classes_),
        tail_weight=tail_weight,
        lost_bias=lost_bias,
        lost_floor=lost_floor,
    )
