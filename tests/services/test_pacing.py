"""The pacer on its own: lanes by priority, per-chat order through a 429, the overall rate."""

from __future__ import annotations

import asyncio

from yulu.services.pacing import Lane, Pacer, in_lane


class TooMany(Exception):
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


def _retry_after(exc: BaseException) -> float | None:
    return exc.seconds if isinstance(exc, TooMany) else None


def _now() -> float:
    return asyncio.get_running_loop().time()


async def test_replies_overtake_queued_bulk() -> None:
    pacer = Pacer(rate=20, per_chat=1000)
    done: list[str] = []

    async def send(name: str) -> None:
        done.append(name)

    async def bulk(n: int) -> None:
        with in_lane(Lane.BULK):
            await pacer.run(lambda: send(f"bulk{n}"), chat_id=1000 + n)

    bulk_tasks = [asyncio.create_task(bulk(n)) for n in range(10)]
    while not done:  # the first bulk message has gone; nine wait for slots
        await asyncio.sleep(0.001)
    alert = asyncio.create_task(
        pacer.run(lambda: send("alert"), chat_id=2, lane=Lane.ALERT)
    )
    await asyncio.sleep(0)
    await pacer.run(lambda: send("reply"), chat_id=1)  # the default lane: REPLY
    await asyncio.gather(alert, *bulk_tasks)
    assert done[1:3] == ["reply", "alert"]
    assert len(done) == 12


async def test_a_429_keeps_the_chat_in_order_and_pauses_everyone() -> None:
    pacer = Pacer(rate=100, per_chat=10)
    sent: list[tuple[str, float]] = []
    refused = {"first": 1}

    async def send(name: str) -> str:
        if refused.get(name):
            refused[name] -= 1
            raise TooMany(0.3)
        sent.append((name, _now()))
        return name

    calls = [
        pacer.run(lambda n=name: send(n), chat_id=7, retry_after_of=_retry_after)
        for name in ("first", "second", "third")
    ]
    started = _now()
    results = await asyncio.gather(*calls)
    assert results == ["first", "second", "third"]
    assert [name for name, _ in sent] == ["first", "second", "third"]  # no overtaking
    assert sent[0][1] - started >= 0.3  # retried only after retry_after
    gaps = [b[1] - a[1] for a, b in zip(sent, sent[1:], strict=False)]
    assert min(gaps) >= 0.1  # 1 / per_chat between two messages to one chat
    assert pacer.retries == 1


async def test_no_second_holds_more_than_the_rate() -> None:
    rate = 40
    pacer = Pacer(rate=rate, per_chat=1)
    times: list[float] = []

    async def send() -> None:
        times.append(_now())

    await asyncio.gather(*(pacer.run(send, chat_id=n) for n in range(100)))
    times.sort()
    busiest = max(sum(1 for u in times[i:] if u - t < 1.0) for i, t in enumerate(times))
    assert busiest <= rate
    assert times[-1] - times[0] < 100 / rate * 1.5  # and it does run near the rate


async def test_edits_keep_order_but_take_no_slot() -> None:
    pacer = Pacer(rate=1000, per_chat=2)
    order: list[str] = []

    async def call(name: str) -> None:
        order.append(name)

    await pacer.run(lambda: call("question"), chat_id=5)
    started = _now()
    await pacer.run(lambda: call("edit"), chat_id=5, message=False)
    assert _now() - started < 0.2  # an edit does not wait for the chat's message spacing
    await pacer.run(lambda: call("next"), chat_id=5)
    assert _now() - started >= 0.45  # the next message does
    assert order == ["question", "edit", "next"]
