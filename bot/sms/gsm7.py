"""GSM-7 (3GPP TS 23.038) text: which characters a basic phone shows, and normalising to them.

A text made only of GSM-7 characters costs 160 characters a segment; one character outside the set
turns the whole message into UCS-2 (70 a segment), so every outbound SMS is normalised first.
"""

from __future__ import annotations

import re
import unicodedata

# The basic character set (one septet each). "\x1b" (the escape) is left out on purpose.
GSM7_BASIC: frozenset[str] = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each costs two septets (escape + character).
GSM7_EXTENDED: frozenset[str] = frozenset("\f^{}\\[~]|€")

# Typographic characters with a plain equivalent a basic phone can show.
_REPLACEMENTS: dict[str, str] = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'",
    "`": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"', "\u2039": "'", "\u203a": "'",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-", "\u2026": "...", "\u2022": "-", "\u00b7": "-", "\u25cf": "-", "\u25aa": "-",
    "\u00a0": " ", "\u2007": " ", "\u2009": " ", "\u200a": " ", "\u202f": " ", "\u3000": " ",
    "\t": " ", "\u2028": "\n", "\u2029": "\n", "\u00d7": "x", "\u00f7": "/", "\u2044": "/",
    "\u00bd": "1/2", "\u00bc": "1/4", "\u00be": "3/4", "\u00a9": "(c)", "\u00ae": "(R)",
    "\u2122": "TM", "\u2192": "->", "\u2190": "<-", "\u2264": "<=", "\u2265": ">=",
    "\u00b0": " degrees", "\u2116": "No.", "\u00e7": "c", "\u00c0": "A", "\u00c8": "E",
    "\u00d9": "U", "\u00cc": "I", "\u00d2": "O", "\u0153": "oe", "\u0152": "OE",
    "\u0391": "A", "\u0392": "B", "\u0395": "E", "\u0396": "Z", "\u0397": "H", "\u0399": "I",
    "\u039a": "K", "\u039c": "M", "\u039d": "N", "\u039f": "O", "\u03a1": "P", "\u03a4": "T",
    "\u03a5": "Y", "\u03a7": "X",
    "\u00f0": "d", "\u00fe": "th", "\u0142": "l", "\u0141": "L", "\u0111": "d", "\u0110": "D",
}
# Zero-width and formatting characters that are simply dropped.
_DROP: frozenset[str] = frozenset("\u200b\u200c\u200d\u2060\ufeff\ufe0e\ufe0f\u00ad")
UNKNOWN = "?"
_SPACES = re.compile(r"[ ]{2,}")
_SPACE_BEFORE_PUNCT = re.compile(r" +([.,;:!)])")
_UNKNOWN_RUN = re.compile(r"\?(?:\s*\?)+")


def is_gsm7(text: str) -> bool:
    """True when every character of text is in the GSM-7 basic or extension table."""
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text)


def septets(text: str) -> int:
    """Length of a GSM-7 text in septets (extension characters count two)."""
    return sum(2 if ch in GSM7_EXTENDED else 1 for ch in text)


def _is_pictograph(ch: str) -> bool:
    """Emoji, symbols and marks that carry no words: dropped rather than shown as '?'."""
    code = ord(ch)
    if 0x1F000 <= code <= 0x1FAFF or 0x2600 <= code <= 0x27BF or 0x1F1E6 <= code <= 0x1F1FF:
        return True
    if 0xE0000 <= code <= 0xE007F or 0x2B00 <= code <= 0x2BFF or 0x2190 <= code <= 0x21FF:
        return True
    category = unicodedata.category(ch)
    return category in {"So", "Sk", "Mn", "Me", "Cf", "Cs", "Co", "Cn"}


def _fold(ch: str) -> str:
    """One character to GSM-7: itself, a plain replacement, its base letter, '' or '?'."""
    if ch in GSM7_BASIC or ch in GSM7_EXTENDED:
        return ch
    if ch in _REPLACEMENTS:
        return _REPLACEMENTS[ch]
    if ch in _DROP:
        return ""
    if unicodedata.category(ch) == "Cc":
        return " "
    decomposed = unicodedata.normalize("NFKD", ch)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    if base and base != ch and all(c in GSM7_BASIC or c in _REPLACEMENTS for c in base):
        return "".join(_REPLACEMENTS.get(c, c) for c in base)
    if _is_pictograph(ch):
        return ""
    if unicodedata.category(ch).startswith("Z"):
        return " "
    return UNKNOWN


def normalise(text: str) -> str:
    """Rewrites text so it is pure GSM-7: quotes, dashes, ellipses, emoji and foreign letters."""
    for old in ("\r\n", "\r", "\f", "\v"):
        text = text.replace(old, "\n")
    composed = unicodedata.normalize("NFC", text)
    folded = "".join(_fold(ch) for ch in composed)
    folded = _UNKNOWN_RUN.sub(UNKNOWN, folded)
    lines = [_SPACE_BEFORE_PUNCT.sub(r"\1", _SPACES.sub(" ", line)).strip()
             for line in folded.split("\n")]
    # At most one blank line in a row: every character costs money.
    out: list[str] = []
    for line in lines:
        if line == "" and (not out or out[-1] == ""):
            continue
        out.append(line)
    return "\n".join(out).strip()
