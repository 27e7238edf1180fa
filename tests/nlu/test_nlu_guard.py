"""No confident 失业 for a graduate who says they still have work (issue 13, point 2)."""

from __future__ import annotations

import pytest

from yulu.nlu import EmbeddedInterpreter, NluService, Parse
from yulu.nlu.guard import guard, says_still_employed

# Written for this test: the writer is still employed, or was not laid off.
STILL_EMPLOYED = [
    "我没被裁 还在上班",
    "没有被裁员，还在原来的厂里干",
    "公司裁员了，但是没裁到我",
    "厂里裁了一批人 我留下来了",
    "听说要裁员，不过我还在上班",
    "我不是被辞退的，我还在公司干着",
    "放心吧 没被炒鱿鱼",
    "虽然被辞退过一次，但是已经找到下家，上周入职了",
    "I was not laid off, still working at the factory",
    "wo mei bei cai yuan, hai zai shang ban",
    "没被裁，名单上没我",
]
# And these did lose their job, though an employed state is mentioned first.
JOB_LOST = [
    "上个月还在上班，这个月就被裁了",
    "以前在上班 现在失业了",
    "我没辞职，是公司把我裁了",
    "本来干得好好的，结果厂子倒闭了",
    "我不是在上班 我失业了",
]


@pytest.fixture
def service(interpreter: EmbeddedInterpreter) -> NluService:
    return NluService(interpreter, confidence_threshold=0.6)


@pytest.mark.parametrize("text", STILL_EMPLOYED)
async def test_still_employed_is_never_a_confident_job_loss(service: NluService, text: str) -> None:
    parsed = await service.parse(text)
    if parsed.intent == "report_job_lost":
        assert parsed.needs_confirmation and parsed.confidence < 0.6
        assert service.needs_confirmation(parsed) and not service.is_confident(parsed)


@pytest.mark.parametrize("text", STILL_EMPLOYED)
def test_a_confident_job_loss_guess_the_text_contradicts_is_flagged(text: str) -> None:
    """Whatever the backend guessed (a Rasa server, a future model), the guard still holds."""
    guessed = Parse(text=text, intent="report_job_lost", confidence=0.92)
    guarded = guard(guessed)
    assert guarded.needs_confirmation and guarded.confidence < 0.6
    assert (guarded.intent, guarded.text) == (guessed.intent, guessed.text)
    assert NluService(None, confidence_threshold=0.6).needs_confirmation(guarded)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", JOB_LOST)
async def test_real_job_losses_stay_confident(service: NluService, text: str) -> None:
    parsed = await service.parse(text)
    assert parsed.intent == "report_job_lost" and not parsed.needs_confirmation
    assert not says_still_employed(text)


def test_other_intents_are_left_alone() -> None:
    parsed = Parse(text="我没被裁 还在上班", intent="report_employed", confidence=0.9)
    assert guard(parsed) is parsed


def test_the_flag_stays_out_of_the_rasa_answer() -> None:
    guarded = guard(Parse(text="我没被裁 还在上班", intent="report_job_lost", confidence=0.9))
    body = guarded.to_rasa()
    assert list(body) == ["text", "intent", "entities", "intent_ranking"]
    assert body["intent"] == {"name": "report_job_lost", "confidence": guarded.confidence}


@pytest.mark.parametrize(
    "text", ["厂子不开了，门禁卡也刷不开了", "店长说新店不开了 我们这批人就地解散"]
)
def test_a_workplace_that_does_not_open_is_no_denied_loss(text: str) -> None:
    """不开了 is a shop that stays shut, not 没被开 (not fired): nothing to confirm."""
    assert not says_still_employed(text)
