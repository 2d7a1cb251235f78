"""SMS cost per completed journey: segments and pounds, median and worst case.

Two ways to measure (both print the same table):
- offline (default): each scripted journey's bot turns are the domain's SMS wording
  (`channel: twilio` variants, else the default text) for the form's questions, plus the real
  answer from bot.advice.build_answer for the journey's situation; every turn is then formatted
  exactly as the channel does (GSM-7, numbered options, <= 306 characters a text, <= 3 texts).
- live (--rasa-url URL): the journeys' texts go to a running Rasa with the SMS channel on, as
  signed Twilio webhooks; what is counted is the TwiML the phone would receive.

Only outbound texts are billed here (inbound SMS is usually cheaper or free; add it if not).
python bench/bench_sms.py [--price 0.04] [--target 20] [--rasa-url http://127.0.0.1:5005]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.council import load_council  # noqa: E402
from bot.sms.compose import compose_turn  # noqa: E402
from bot.sms.segments import count_segments  # noqa: E402
from bot.sms.wording import load_wording  # noqa: E402

WEBHOOK_PATH = "/webhooks/twilio/webhook"


@dataclass(frozen=True)
class Journey:
    """One scripted person: the slots the form ends with, and what they text (live mode)."""

    name: str
    slots: dict[str, Any]
    texts: tuple[str, ...]


JOURNEYS = (
    Journey("carer, some help, budget, step 2",
            {"person_role": "carer",
             "need_areas": ["personal_hygiene", "nutrition", "carer_support"],
             "network": "some", "has_budget": "yes", "sds_step": "2", "risk_check": False,
             "what_matters": "Mum has dementia; washing and cooking are hard; I am worn out."},
            ("Hello", "2", "Mum has dementia, washing and cooking are hard and I am worn out",
             "2", "yes", "2", "1")),
    Journey("carer, no help, no budget",
            {"person_role": "carer", "need_areas": ["community_access", "relationships"],
             "network": "none", "has_budget": "no", "risk_check": False,
             "what_matters": "Dad is lonely and cannot get out since his fall."},
            ("Hi", "2", "Dad is lonely and cannot get out since his fall", "1", "no", "1")),
    Journey("self, a lot of help, not sure of budget",
            {"person_role": "self", "need_areas": ["home_safety"], "network": "strong",
             "has_budget": "unsure", "risk_check": False,
             "what_matters": "I keep falling at home and want to stay independent."},
            ("hello", "1", "I keep falling at home and want to stay independent", "3",
             "not sure", "1")),
    Journey("staff for a caller, budget, step 5",
            {"person_role": "staff", "need_areas": ["money_and_budget", "personal_hygiene"],
             "network": "some", "has_budget": "yes", "sds_step": "5", "risk_check": False,
             "what_matters": "Caller wants to employ a personal assistant for washing."},
            ("Hello", "3", "Caller wants to employ a personal assistant for help with washing",
             "2", "yes", "5", "1")),
)


# ---- offline: the domain's wording through the channel's formatting ------------------------
def load_responses() -> dict[str, list[dict[str, Any]]]:
    """Responses from the built domain (models/build/domain.yml), else domain.yml + data/domain."""
    built = ROOT / "models" / "build" / "domain.yml"
    files = [built] if built.exists() else [ROOT / "domain.yml",
                                            *sorted((ROOT / "data" / "domain").glob("*.yml"))]
    responses: dict[str, list[dict[str, Any]]] = {}
    for path in files:
        responses.update((yaml.safe_load(path.read_text(encoding="utf-8")) or {})
                         .get("responses") or {})
    return responses


def _conditions_hold(variant: dict[str, Any], slots: dict[str, Any]) -> bool:
    return all(slots.get(c.get("name")) == c.get("value") for c in variant.get("condition") or [])


def render(name: str, values: dict[str, Any], slots: dict[str, Any],
           responses: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """The message Rasa would send on the twilio channel (first matching variant)."""
    variants = responses.get(name)
    if not variants:
        raise SystemExit(f"bench_sms: the domain has no response {name!r}; update JOURNEYS")
    ok = [v for v in variants if _conditions_hold(v, slots)]
    chosen = next((v for v in ok if v.get("channel") == "twilio"), None) or next(
        v for v in ok if not v.get("channel"))
    fill = {**load_council().as_slots(), **slots, **values}

    def format_text(text: str) -> str:
        text = re.sub(r"(?<!\{)\{(\w+)\}(?!\})", lambda m: str(fill.get(m.group(1), m.group(0))),
                      text)
        return text.replace("{{", "{").replace("}}", "}")

    message: dict[str, Any] = {"text": format_text(chosen.get("text", ""))}
    if chosen.get("buttons"):
        message["buttons"] = [{"title": format_text(b["title"]), "payload": b["payload"]}
                              for b in chosen["buttons"]]
    return message


def offline_turns(journey: Journey, responses: dict[str, list[dict[str, Any]]]) -> list[list[str]]:
    """The texts of each bot turn of a journey, as the phone would show them."""
    from bot.advice import build_answer
    from bot.content import need_label
    from bot.directory.search import default

    slots = journey.slots
    labels = ", ".join(need_label(a) for a in slots["need_areas"])
    turns = [["utter_welcome"], ["utter_ask_what_matters"],
             [("utter_noted_needs", {"need_labels": labels}), "utter_ask_network"],
             ["utter_ask_has_budget"]]
    if slots.get("has_budget") == "yes":
        turns.append(["utter_ask_sds_step"])
    turns.append(["utter_ask_risk_check"])
    answer = build_answer(slots, default(), "twilio")
    turns.append([*answer.messages, "utter_after_answer"])
    options = load_wording().options
    shown = []
    for turn in turns:
        parts = [(p, {}) if isinstance(p, str) else p for p in turn]
        messages = [render(name, values, slots, responses) for name, values in parts]
        shown.append(list(compose_turn(messages, options).bodies))
    return shown


# ---- live: signed webhooks to a running Rasa ------------------------------------------------
def live_turns(journey: Journey, url: str, token: str, public: str, n: int) -> list[list[str]]:
    import requests
    from twilio.request_validator import RequestValidator

    phone = f"+447700900{900 + n:03d}"
    shown = []
    for i, text in enumerate(("START", *journey.texts)):
        params = {"MessageSid": f"SMbench{os.getpid():08d}{n:04d}{i:04d}{'0' * 12}",
                  "From": phone, "To": "+447700900123", "Body": text, "NumMedia": "0",
                  "AccountSid": "ACtest"}
        signature = RequestValidator(token).compute_signature(public + WEBHOOK_PATH, params)
        answer = requests.post(url + WEBHOOK_PATH, data=params, timeout=60,
                               headers={"X-Twilio-Signature": signature})
        answer.raise_for_status()
        if i:  # the START that makes the run repeatable is not part of the journey
            shown.append([m.text or "" for m in ET.fromstring(answer.text).findall("Message")])
    return shown


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--price", type=float, default=0.04, help="pounds per segment")
    parser.add_argument("--target", type=int, default=20, help="segments per journey")
    parser.add_argument("--rasa-url", default=os.environ.get("WAYFINDER_BENCH_RASA_URL", ""))
    parser.add_argument("--show", action="store_true", help="print every text")
    args = parser.parse_args(argv)
    url = args.rasa_url.rstrip("/")
    mode = f"live, {url}" if url else "offline, domain wording + bot.advice"
    print(f"SMS cost per completed journey ({mode}); £{args.price:.3f} per segment")
    responses = {} if url else load_responses()
    token = os.environ.get("TWILIO_AUTH_TOKEN", "test-auth-token")
    public = (os.environ.get("TWILIO_PUBLIC_BASE_URL") or url).rstrip("/")
    totals: list[int] = []
    print(f"{'journey':42} {'turns':>5} {'texts':>5} {'segs':>5} {'max/turn':>8} {'cost':>7}")
    for n, journey in enumerate(JOURNEYS):
        turns = (live_turns(journey, url, token, public, n) if url
                 else offline_turns(journey, responses))
        segments = [sum(count_segments(t) for t in turn) for turn in turns]
        texts = sum(len(turn) for turn in turns)
        totals.append(sum(segments))
        print(f"{journey.name:42} {len(turns):5d} {texts:5d} {sum(segments):5d} "
              f"{max(segments):8d} £{sum(segments) * args.price:6.2f}")
        if args.show:
            for turn in turns:
                print("   | " + "\n   | ".join("\n     ".join(t.split("\n")) for t in turn))
    median, worst = statistics.median(totals), max(totals)
    print(f"median {median:g} segments (£{median * args.price:.2f}), worst {worst} segments "
          f"(£{worst * args.price:.2f}); target <= {args.target}: "
          f"{'met' if worst <= args.target else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
