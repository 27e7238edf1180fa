"""Sparse features of one message.

Views, each switchable in FeatureConfig:
- character n-grams of the whole message;
- toneless-pinyin syllable n-grams ("wo shi ye le" and 失叶了 meet 我失业了);
- pinyin initials of short messages ("i:" n-grams): chat abbreviations such as nh, hzzgz or
  sx岗位 write the first letter of each syllable, so they meet 你好, 还在找工作, 实习岗位; only
  messages of up to `initials_upto` tokens get them, as a long message's initials are noise;
- the English gloss (nlu/gloss.py) as character n-grams, so English borrows the Chinese data;
  counted twice, so the gloss outweighs the English letters' own n-grams (which the many
  English job-loss messages had tied to report_job_lost: "i got hired" read as a loss);
- the tail: character n-grams (prefixed "t:") of the clause that states the current state —
  the part after the last contrast or time-shift marker (但是, 而是, 现在, 后来 …), else the
  last clause. The model learns how much the tail outweighs the story before it, which is how
  以前失业过，现在上班了 and long messages are read by their point;
- negation scope: characters within a few places after 没/不/未/冇/唔 … in the same clause,
  prefixed "n:", so 没被裁 and 被裁了 stop sharing most of their evidence;
- cue concepts (nlu/cues.py): 夜班, 打卡, 工资到账 … all add "c:work", so a shift name the
  training data never used still reads as having a job;
- question shape: "q:ask" when a clause asks (招不招, 有没有, 吗, 怎么 …), "q:ask-end" when the
  last one does, so 招人的厂我都去问过了 (a report) and 那边招不招人 (a question) part ways; a
  clause opening with 想问/请问 is also where the tail starts, as a long story's point is
  the question it ends with; a question word before 都/也 (哪里都问过了, 谁也不要我) is an
  indefinite and does not ask;
- homophone cues: a cue word heard in the message's pinyin but not written (被菜了, 师业,
  bei cai yuan) adds the same "c:" concept as the written word;
- entity shapes: "e:phone", "e:id", "e:income" when the message holds a mobile number (also
  in Chinese digits or after +86), an ID number or a pay figure, so 现在号是一三五… reads like
  every other phone-number update although it shares no characters with them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from yulu.nlu.cues import cue_features, homophone_cue_features, is_a_not_a, pinyin_cue_index
from yulu.nlu.entities import entity_shapes
from yulu.nlu.gloss import gloss
from yulu.nlu.pinyin import initials, syllables_of, to_syllables
from yulu.nlu.text import normalize

_TOKENS = re.compile(r"[a-z]+|\S")
# Clause ends: punctuation, and whitespace between two Chinese characters (不用标点的人很多).
_CLAUSE_END = re.compile(r"[。！？!?；;，,、\n…~～]+|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
# What follows these is the state that holds now (以前…现在…, 不是…而是…, 本来…结果…).
_SHIFT = re.compile(
    r"但是|但|不过|可是|然而|而是|结果|后来|现在|目前|如今|眼下|这个月|这阵子|最后|终于|然后|"
    r"只是|反而|其实|而家|宁个|想问|请问|问一下|问下|now|but|currently"
)
# A clause that opens with these tells the story before, not the state now.
_PAST = re.compile(r"之前|以前|原来|本来|曾经|过去|去年|前年|上次|当初|那时|before|used to")
_NEGATOR = re.compile(r"没有|没|不是|不|未|别|非|冇|唔|莫|甭|无")
_SCOPE = 4
# A question: an A-not-A verb (招不招, 有没有, 能不能), a clause-final 不/没 (招老师不, 有活没),
# a question word or particle.
_QUESTION = re.compile(
    r"(.)[不没]\1|(?<=\S{2})(?<![还也])[不没]$|吗|么|嘛|呢|\?|哪|啥|什么|怎么|怎样|如何|多少|几时|几个|是否"
)

# A question word before 都/也 in a clause without a question particle is an indefinite
# (哪里都问过了, 什么活都干过, 谁也不要我): a report, not a question.
_INDEFINITE = re.compile(
    r"(哪里|哪儿|哪家|哪个|什么|啥|谁)[^吗呢？?]{0,8}[都也](?![^吗呢？?]*[吗呢？?])"
)


@dataclass(frozen=True)
class FeatureConfig:
    """Which views to extract; pinyin_ngrams=(0, 0) switches the pinyin view off."""

    char_ngrams: tuple[int, int] = (1, 3)
    pinyin_ngrams: tuple[int, int] = (1, 2)
    gloss: bool = True
    tail: bool = True
    negation: bool = True
    cues: bool = True
    simplify: bool = True
    shapes: bool = True
    questions: bool = True
    pinyin_cues: bool = True
    # n-grams of pinyin initials: "nh", "hzzgz", "sx岗位" meet 你好, 还在找工作, 实习岗位
    initials: tuple[int, int] = (2, 3)
    initials_upto: int = 8
    # the cue concepts of the tail clause too ("t:c:lost"): the state that holds now, in words
    tail_cues: bool = True


def _ngrams(units: list[str], low: int, high: int, *, prefix: str, joiner: str) -> list[str]:
    """All n-grams of a unit sequence for n in [low, high]."""
    grams = []
    for n in range(low, high + 1):
        grams.extend(prefix + joiner.join(units[i : i + n]) for i in range(len(units) - n + 1))
    return grams


def clauses(text: str) -> list[str]:
    """The clauses of a raw message, in order, non-empty."""
    text = unicodedata.normalize("NFKC", text).lower()
    return [c.strip() for c in _CLAUSE_END.split(text) if c and c.strip()]


def tail(text: str) -> str:
    """The clause that states the current state: after the last shift marker, else the last
    clause that does not look back (厂子倒闭了，之前在深圳月薪三千八 is read by 倒闭了)."""
    parts = clauses(text)
    if not parts:
        return ""
    joined = " ".join(parts)
    shifts = list(_SHIFT.finditer(joined))
    if shifts and shifts[-1].start() > 0:
        return joined[shifts[-1].start() :]
    present = [part for part in parts if not _PAST.match(part)]
    return present[-1] if present else parts[-1]


def negation_scope(text: str) -> list[str]:
    """Characters each negator in a clause governs, as 'n:' unigrams and bigrams."""
    features = []
    for clause in clauses(text):
        for match in _NEGATOR.finditer(clause):
            if is_a_not_a(clause, match.start()):
                continue
            scope = [c for c in clause[match.end() : match.end() + _SCOPE] if not c.isspace()]
            features += _ngrams(scope, 1, 2, prefix="n:", joiner="")
    return features


def question_shape(text: str) -> list[str]:
    """'q:ask' if the message asks, 'q:ask-end' too if its last clause does (the point of a
    long message that tells its story first and asks last)."""
    parts = clauses(text)
    asks = [bool(_QUESTION.search(_INDEFINITE.sub("", part))) for part in parts]
    return (["q:ask"] if any(asks) else []) + (["q:ask-end"] if asks and asks[-1] else [])


@dataclass
class Featurizer:
    """Callable text -> feature strings; picklable, so it travels inside the model file."""

    config: FeatureConfig
    pinyin: dict[str, str] = field(default_factory=dict)
    # Traditional -> simplified characters (工廠倒閉 reads as 工厂倒闭), one for one.
    simplified: dict[str, str] = field(default_factory=dict)
    syllables: frozenset[str] = field(init=False)
    _simplify: dict[int, str] = field(init=False, repr=False)
    _cue_syllables: dict[tuple[str, ...], str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.syllables = syllables_of(self.pinyin)
        self._cue_syllables = pinyin_cue_index(self.pinyin) if self.config.pinyin_cues else {}
        self._simplify = {ord(t): s for t, s in self.simplified.items() if len(t) == len(s) == 1}

    def _heard(self, norm: str) -> list[tuple[str, int, int]]:
        """The syllables of a normalised message, each with the span of the token it is from."""
        units = []
        for match in _TOKENS.finditer(norm):
            syllables = to_syllables([match.group()], table=self.pinyin, syllables=self.syllables)
            units += [(syllable, match.start(), match.end()) for syllable in syllables]
        return units

    def __call__(self, text: str) -> list[str]:
        """Extract the features of one raw message."""
        if self.config.simplify:
            text = text.translate(self._simplify)
        norm = normalize(text)
        config = self.config
        low, high = config.char_ngrams
        features = _ngrams(list(f"^{norm}$"), low, high, prefix="", joiner="")
        p_low, p_high = config.pinyin_ngrams
        if p_high:
            units = to_syllables(_TOKENS.findall(norm), table=self.pinyin, syllables=self.syllables)
            features += _ngrams(["^", *units, "$"], p_low, p_high, prefix="p:", joiner=" ")
        i_low, i_high = config.initials
        tokens = _TOKENS.findall(norm)
        if i_high and len(tokens) <= config.initials_upto:
            units = initials(tokens, table=self.pinyin, syllables=self.syllables)
            features += _ngrams(["^", *units, "$"], i_low, i_high, prefix="i:", joiner="")
        chinese = gloss(norm) if config.gloss else ""
        if chinese:
            features += _ngrams(list(chinese), low, high, prefix="", joiner="") * 2
        if config.tail:
            last = normalize(tail(text))
            if last and last != norm:
                features += _ngrams(list(f"^{last}$"), low, high, prefix="t:", joiner="")
                if config.cues and config.tail_cues:
                    features += ["t:" + cue for cue in cue_features(last)]
        # The gloss carries English negation too: "not laid off" reads 不被裁员, c:not-lost.
        if config.negation:
            features += negation_scope(text) + (negation_scope(chinese) if chinese else [])
        if config.cues:
            features += cue_features(norm) + (cue_features(chinese) if chinese else [])
        if config.pinyin_cues:
            features += homophone_cue_features(norm, self._heard(norm), self._cue_syllables)
        if config.shapes:
            features += entity_shapes(text)
        if config.questions:
            features += question_shape(text)
        return features
