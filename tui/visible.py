"""Text made safe for a terminal: control characters drawn as visible symbols, never sent.

The reader draws document text through `char_display`; the command line prints every path and
every piece of document text it quotes (errors, warnings, summaries) through `visible`. Neither
imports Textual or Rich, so ``export`` stays light.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
"""Characters that would reorder the terminal's line: dropped from what is shown."""


@lru_cache(maxsize=4096)
def char_display(char: str) -> str:
    """What a single non-printable-ASCII character looks like on screen."""
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟, e.g. ␛ for ESC
    if code == 0x7F:
        return "\u2421"  # ␡
    if 0x80 <= code < 0xA0:
        return "\ufffd"
    if char in BIDI_CONTROLS:
        return ""  # would reorder the terminal's line; dropped on screen only
    category = unicodedata.category(char)
    if category in ("Cs", "Co", "Cn"):
        return "\ufffd"  # also a file name's undecodable bytes, held as lone surrogates
    if category == "Zl" or category == "Zp":
        return "\u21b5"  # ↵ for U+2028/U+2029
    return char


def visible(text: str) -> str:
    """``text`` as one line a terminal shows literally: tabs, line breaks, escape sequences
    and every other control become visible symbols (␉, ␊, ␛, …)."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(char if " " <= char <= "~" else char_display(char) for char in text)
