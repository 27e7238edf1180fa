"""A guard on the costliest guess: `report_job_lost` for a message that says the opposite.

A wrongly confident 失业 opens a case for a cadre without asking the graduate. When the text
says the writer is still employed or was not laid off (没被裁, 还在上班, 没裁到我, 已经入职,
still working …) and no later clause states a job loss, the guess is flagged
(`Parse.needs_confirmation`) and its confidence capped below any sensible threshold, so the
app confirms it with 是的/不是 buttons first. The classifier itself usually gets these right;
this is the belt to its braces, and it never changes the intent.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from yulu.nlu.features import clauses
from yulu.nlu.result import Parse

GUARDED_INTENT = "report_job_lost"
# The confidence a contradicted guess is capped at: below the default threshold (0.6).
GUARDED_CONFIDENCE = 0.3

# 不过, 不管, 没想到 … are not negations.
_NEGATOR = re.compile(
    r"(没有|没(?!想到)|未|不是|不(?![过管仅但然久少错])|冇|唔系|唔|别|非|莫得|没得)\S{0,2}$"
)
_LOSS = (
    r"被?(裁员?|辞退|辞了|开除|炒(鱿鱼)?|解雇|劝退|优化|撵|炒咗)|被开了?|开了我|把我们?开了|失业|失咗业|下岗|"
    r"丢了?(工作|饭碗)|工作没了|没(有)?工作了|倒闭|关门|不要我|不用来|冇工"
)
_STILL_EMPLOYED = (
    r"还在(上班|干|厂|原来|公司|单位|岗|做|那|老地方|职)|仍在|照常上班|继续(上班|干)|在职|"
    r"留(下来|用)|没(有)?(离职|裁到我|轮到我)|名单[里上]没有?我|(找到|有)了?(新的?)?(工作|下家|活)|"
    r"入职|上岗|转正|(开始|重新|已经)上班|上班了|在上班|返紧工|做紧"
)
_ENGLISH_STILL = re.compile(
    r"\b(not|never|wasn t|didn t|haven t)\s+(been\s+|get\s+|got\s+)?(laid off|fired|let go)\b|"
    r"\bstill\s+(working|employed|have|at)\b|\b(found|got)\s+a\s+(new\s+)?job\b|"
    r"\bmei\s*(you\s*)?bei\s*(cai|ci|kai)|\bhai\s*zai\s*shang\s*ban\b"
)
_LOSS_RE = re.compile(_LOSS)
_STILL_RE = re.compile(_STILL_EMPLOYED)


def _affirmed(pattern: re.Pattern[str], text: str) -> list[int]:
    """Where, clause by clause, the pattern matches without a negator just before it."""
    positions, offset = [], 0
    for clause in clauses(text):
        for match in pattern.finditer(clause):
            if not _NEGATOR.search(clause[: match.start()][-4:]):
                positions.append(offset + match.start())
        offset += len(clause) + 1
    return positions


def _negated_loss(text: str) -> list[int]:
    """Where a job loss is denied (没被裁, 不是被辞退, 冇炒)."""
    positions, offset = [], 0
    for clause in clauses(text):
        for match in _LOSS_RE.finditer(clause):
            if _NEGATOR.search(clause[: match.start()][-4:]):
                positions.append(offset + match.start())
        offset += len(clause) + 1
    return positions


def says_still_employed(text: str) -> bool:
    """Whether a message says the writer still has work and no later clause says otherwise."""
    folded = unicodedata.normalize("NFKC", text).lower()
    if _ENGLISH_STILL.search(folded.replace("'", " ")):
        return True
    against = _affirmed(_STILL_RE, folded) + _negated_loss(folded)
    if not against:
        return False
    losses = _affirmed(_LOSS_RE, folded)
    return not losses or max(against) > max(losses)


def guard(parse: Parse) -> Parse:
    """Flag a `report_job_lost` guess the text contradicts, and cap its confidence."""
    if parse.intent != GUARDED_INTENT or not says_still_employed(parse.text):
        return parse
    # The ranking keeps the model's own probabilities; the intent's confidence is what apps read.
    confidence = min(parse.confidence, GUARDED_CONFIDENCE)
    return replace(parse, confidence=confidence, needs_confirmation=True)
