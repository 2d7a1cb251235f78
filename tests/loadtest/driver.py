"""Drives whole conversations over REST through nginx, at once, with message ids and retries."""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field

import aiohttp

# Whole journeys that end in an answer, in today's questions (role, what is hard, family and
# friends, personal budget, [step,] anything else): worded like tests/e2e/test_journeys_e2e.py so
# none meets the safeguarding check, which would take one of the answers.
SCRIPTS: list[list[str]] = [
    ["/i_am_self", "I'm lonely and can't get out to the shops",
     '/inform_network{"network":"none"}', "no", "no"],
    ["/i_am_carer", "mum needs help with washing and I'm worn out",
     '/inform_network{"network":"some"}', "yes", '/inform_step{"sds_step":"5"}', "no"],
    ["/i_am_staff", "she needs help with meals and wants company",
     '/inform_network{"network":"some"}', "no", "no"],
    ["hello", "/i_am_carer", "dad needs help with cooking and shopping",
     '/inform_network{"network":"strong"}', "no", "no"],
]
RETRIES = 8  # about a minute of retries: an instance that died may hold a lock that long
TIMEOUT_S = 150  # more than Rasa's ticket lock lifetime (60 s): a dead instance's lock expires


@dataclass
class Turn:
    message_id: str
    text: str
    burst: bool = False  # sent together with the next one (a double send)


@dataclass
class Conversation:
    sender: str
    turns: list[Turn]
    done: int = 0
    failed: list[str] = field(default_factory=list)


@dataclass
class Results:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0  # turns that never got an answer after every retry
    retries: int = 0
    started: float = field(default_factory=time.monotonic)
    finished: float = 0.0
    sent_turns: int = 0


def conversations(count: int, run_id: str, bursts: bool) -> list[Conversation]:
    made = []
    for i in range(count):
        script = SCRIPTS[i % len(SCRIPTS)]
        sender = f"lt-{run_id}-{i}"
        turns = [Turn(f"{sender}-t{k}", text) for k, text in enumerate(script)]
        if bursts and i % 2 == 0:
            turns[1].burst = True  # the second message is sent together with the third
        made.append(Conversation(sender, turns))
    return made


async def send(session: aiohttp.ClientSession, url: str, conversation: Conversation, turn: Turn,
               results: Results) -> bool:
    body = {"sender": conversation.sender, "message": turn.text, "message_id": turn.message_id}
    for attempt in range(RETRIES):
        began = time.monotonic()
        try:
            async with session.post(url, json=body,
                                    timeout=aiohttp.ClientTimeout(total=TIMEOUT_S)) as reply:
                if reply.status == 200:
                    await reply.json()
                    results.latencies_ms.append((time.monotonic() - began) * 1000)
                    return True
        except (aiohttp.ClientError, asyncio.TimeoutError):
            pass
        results.retries += 1
        await asyncio.sleep(min(8.0, 0.5 * 2 ** attempt))  # the same message id each time
    results.errors += 1
    conversation.failed.append(turn.message_id)
    return False


async def converse(session: aiohttp.ClientSession, url: str, conversation: Conversation,
                   results: Results, think_s: float) -> None:
    await asyncio.sleep(random.uniform(0, think_s * 4))  # noqa: S311 - spread the starts
    turns = conversation.turns
    k = 0
    while k < len(turns):
        if turns[k].burst and k + 1 < len(turns):
            await asyncio.gather(send(session, url, conversation, turns[k], results),
                                 send(session, url, conversation, turns[k + 1], results))
            results.sent_turns += 2
            k += 2
        else:
            await send(session, url, conversation, turns[k], results)
            results.sent_turns += 1
            k += 1
        conversation.done = k
        await asyncio.sleep(random.uniform(0, think_s))  # noqa: S311


async def drive(url: str, convs: list[Conversation], think_s: float,
                on_progress=None) -> Results:
    results = Results()
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        tasks = [asyncio.create_task(converse(session, url, c, results, think_s)) for c in convs]
        if on_progress is not None:
            tasks.append(asyncio.create_task(on_progress(results)))
        await asyncio.gather(*tasks[:len(convs)])
        results.finished = time.monotonic()
        for task in tasks[len(convs):]:
            task.cancel()
    return results


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]
