"""The web widget's server side: settings, the script bundle, message-id dedupe, summaries and the
answer card (the browser tests in tests/browser/ check what a person sees)."""

from __future__ import annotations

import asyncio
import gzip
import re

from actions.recommend import ActionRecommend
from bot.answer_card import CARD_KIND, card_for_channel
from bot.council import load_council
from bot.widget.bundle import WIDGET_DIR, build_bundle, bundle_bytes, widget_strings
from bot.widget.dedupe import ReplyCache
from bot.widget.settings import (
    allowed_origins,
    frame_ancestors,
    origin_allowed,
    sms_configured,
)
from bot.widget.summaries import SummaryStore
from tests.action_fixtures import make_tracker, run
from tests.test_actions import CARER, log  # noqa: F401 - the needs-log fixture


def test_origins_are_parsed_and_a_star_is_never_allowed():
    env = {"WAYFINDER_CORS_ORIGINS": "https://www.council.example/ * http://localhost:8080 junk"}
    assert allowed_origins(env) == ("https://www.council.example", "http://localhost:8080")
    assert allowed_origins({}) == ()
    assert frame_ancestors(("https://a.example",)) == "frame-ancestors 'self' https://a.example"


def test_only_own_or_council_origins_may_post():
    council = ("https://www.council.example",)
    assert origin_allowed(None, "chat.example:5005", council)
    assert origin_allowed("http://chat.example:5005", "chat.example:5005", council)
    assert origin_allowed("https://www.council.example", "chat.example:5005", council)
    assert not origin_allowed("https://evil.example", "chat.example:5005", council)


def test_sms_is_offered_only_with_twilio_credentials():
    assert not sms_configured({})
    assert sms_configured({"TWILIO_ACCOUNT_SID": "A", "TWILIO_AUTH_TOKEN": "t",
                           "TWILIO_NUMBER": "+447700900123"})


def test_bundle_is_small_complete_and_names_the_council():
    plain, zipped = bundle_bytes(False)
    assert len(zipped) < 50 * 1024
    assert gzip.decompress(zipped) == plain
    text = plain.decode()
    assert "__WF_" not in text and load_council().phone in text
    assert "</style" not in text.lower() and "</script" not in text.lower()


def test_every_word_the_widget_uses_is_in_the_strings_file():
    code = (WIDGET_DIR / "wayfinder.js").read_text()
    used = set(re.findall(r'say\("(\w+)"', code))
    used |= {"error_offline", "error_timeout", "error_server", "show_less", "show_more"}
    missing = used - set(widget_strings())
    assert not missing, missing


def test_sms_flag_reaches_the_script():
    assert '"sms": true' in build_bundle(load_council(), True)
    assert '"sms": false' in build_bundle(load_council(), False)


def test_a_repeated_message_id_is_processed_once_even_while_the_first_is_running():
    cache = ReplyCache()
    calls = []

    async def process():
        calls.append(1)
        await asyncio.sleep(0.05)
        return [{"text": "hello"}]

    async def scenario():
        first, second = await asyncio.gather(cache.run_once("s", "m1", process),
                                             cache.run_once("s", "m1", process))
        third = await cache.run_once("s", "m1", process)
        other = await cache.run_once("s", "m2", process)
        return first, second, third, other

    first, second, third, other = asyncio.run(scenario())
    assert first == second == third == other == [{"text": "hello"}]
    assert len(calls) == 2 and cache.processed == 2  # m1 once, m2 once


def test_a_failed_message_can_be_tried_again():
    cache = ReplyCache()
    attempts = []

    async def flaky():
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("down")
        return ["ok"]

    async def scenario():
        try:
            await cache.run_once("s", "m1", flaky)
        except RuntimeError:
            pass
        await asyncio.sleep(0)
        return await cache.run_once("s", "m1", flaky)

    assert asyncio.run(scenario()) == ["ok"] and len(attempts) == 2


def test_the_same_id_from_two_people_is_two_messages():
    cache = ReplyCache()

    async def process():
        return ["x"]

    async def scenario():
        await cache.run_once("a", "m1", process)
        await cache.run_once("b", "m1", process)

    asyncio.run(scenario())
    assert cache.processed == 2


def test_summary_is_texted_at_most_three_times_and_forgotten_on_clear():
    store = SummaryStore()
    assert store.take_for_sms("s") is None
    store.put("s", "your summary")
    assert [store.take_for_sms("s") for _ in range(4)] == ["your summary"] * 3 + [None]
    store.put("t", "x")
    store.forget("t")
    assert store.take_for_sms("t") is None


def test_widget_gets_the_card_first_and_other_channels_never_do(log):  # noqa: F811
    web, _ = run(ActionRecommend(), make_tracker(CARER, channel="widget", sender="web-card"))
    card = web[0]["custom"]
    assert card["kind"] == CARD_KIND
    texts = [m for m in web[1:] if m.get("response") and m["response"] != "utter_after_answer"]
    assert card["replaces"] == len(texts)  # the widget hides exactly the answer's text messages
    assert card["where"].startswith("Step 1 of 7")
    assert card["place"]["name"] and card["place"]["contact"]
    assert any("carer's assessment" in right for right in card["rights"])  # a carer's rights
    assert card["more"] and all(tier["heading"] for tier in card["more"])
    assert "washing and bathing" in card["told"]
    for channel in ("rest", "twilio", "socketio"):
        tracker = make_tracker(CARER, channel=channel, sender="x-" + channel)
        other, _ = run(ActionRecommend(), tracker)
        assert not any("custom" in m and m["custom"] for m in other), channel


def test_card_is_none_outside_the_widget():
    assert card_for_channel(None, "twilio", {}) is None  # type: ignore[arg-type]
