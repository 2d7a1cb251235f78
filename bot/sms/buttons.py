"""Buttons by text: a numbered list inside the message, and a reply mapped back to its payload."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.sms.gsm7 import normalise


@dataclass(frozen=True)
class Option:
    """One button as the phone sees it (title) and as Rasa needs it back (payload)."""

    title: str
    payload: str


@dataclass(frozen=True)
class OptionsWording:
    """How the numbered list reads, e.g. 'Reply {items}.' with '{number} for {title}'."""

    intro: str = "Reply {items}."
    item: str = "{number} for {title}"
    separator: str = ", "
    last_separator: str = " or "
    # When a title has its own comma ("Some help, but there are gaps"), these keep items apart.
    separator_with_commas: str = "; "
    last_separator_with_commas: str = "; or "


NUMBER_WORDS: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
    "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10,
}
# Words too common to pick an option by themselves ("I", "for", "a" ...).
_STOPWORDS: frozenset[str] = frozenset(
    "a an the i i'm im am is it to for of and or my me we our you your with in on at by "
    "number option reply please thanks thank pick choose".split()
)
# Typed answers to a Yes/No question ("Y", "yeah", "N", "nope") pick the option titled Yes or No.
_YES_NO_WORDS: dict[str, str] = {
    "y": "yes", "ye": "yes", "yea": "yes", "yeah": "yes", "yep": "yes", "yup": "yes",
    "n": "no", "nope": "no", "nah": "no", "no thanks": "no",
}
_NUMBER_REPLY = re.compile(r"^(?:(?:number|option)\s*)?#?\s*\(?\s*([0-9]{1,2}|[a-z]+)\s*[.):]?$")
_WORD = re.compile(r"[a-z0-9']+")


def _without_own_number(title: str, number: int) -> str:
    """'2 Making a plan' as option 2 is shown as 'Making a plan' (no '2 for 2 Making...')."""
    match = re.match(rf"^\(?{number}\s*[.):-]?\s+(\S.*)$", title)
    return match.group(1) if match else title


def options_from_buttons(buttons: Iterable[Mapping[str, object]] | None) -> list[Option]:
    """Rasa button dicts ({'title', 'payload'}) to Options, skipping ones without a title."""
    options: list[Option] = []
    for button in buttons or ():
        title = normalise(str(button.get("title") or ""))
        payload = str(button.get("payload") or title).strip()
        if title:
            options.append(Option(_without_own_number(title, len(options) + 1), payload))
    return options


def render_options(options: Sequence[Option], wording: OptionsWording = OptionsWording()) -> str:
    """'Reply 1 for Yes or 2 for No.': titles only, payloads never leave the server."""
    if not options:
        return ""
    items = [wording.item.format(number=n, title=o.title) for n, o in enumerate(options, 1)]
    commas = any("," in o.title for o in options)
    separator = wording.separator_with_commas if commas else wording.separator
    last = wording.last_separator_with_commas if commas else wording.last_separator
    joined = items[0] if len(items) == 1 else separator.join(items[:-1]) + last + items[-1]
    return normalise(wording.intro.format(items=joined))


def _simplify(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = folded.replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(_WORD.findall(folded))


def chosen_number(text: str) -> int | None:
    """The option number a reply names: '1', '1.', '(2)', '#3', 'one', 'option 2'; else None."""
    simple = unicodedata.normalize("NFKC", text).strip().casefold()
    match = _NUMBER_REPLY.match(simple)
    if not match:
        return None
    token = match.group(1)
    if token.isdigit():
        return int(token)
    return NUMBER_WORDS.get(token)


def match_reply(text: str, options: Sequence[Option]) -> Option | None:
    """The option a reply picks: by number, by the whole title, or by title words only it has."""
    if not options:
        return None
    number = chosen_number(text)
    if number is not None:
        return options[number - 1] if 1 <= number <= len(options) else None
    said = _simplify(text)
    if not said:
        return None
    titles = [_simplify(o.title) for o in options]
    exact = [o for o, t in zip(options, titles, strict=True) if t == said]
    if len(exact) == 1:
        return exact[0]
    alias = _YES_NO_WORDS.get(said)
    by_alias = [o for o, t in zip(options, titles, strict=True) if alias and t == alias]
    if len(by_alias) == 1:
        return by_alias[0]
    words = set(said.split())
    if not words - _STOPWORDS:
        return None
    # Every word of the reply is in exactly one title ("care" -> "Someone I care for").
    subset = [o for o, t in zip(options, titles, strict=True) if words <= set(t.split())]
    return subset[0] if len(subset) == 1 else None


def out_of_range_number(text: str, options: Sequence[Option]) -> bool:
    """True when a reply is a bare number that is not one of the options (e.g. '7' of 3)."""
    number = chosen_number(text)
    return bool(options) and number is not None and not 1 <= number <= len(options)
