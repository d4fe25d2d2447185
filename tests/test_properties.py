"""Properties over random text: chunks cover it exactly, decoding round-trips, grouping holds."""

from __future__ import annotations

import codecs
import unicodedata
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from extract.categories import ALL_LABELS, category_of
from extract.chunks import chunks
from extract.document import decode
from extract.grouping import group
from extract.model import Mention
from extract.names import fold
from extract.spans import NAME_CATEGORIES

WHITESPACE = st.sampled_from(
    [
        *(" ", "  ", "\t", "\x0b", "\x1c", "\u00a0", "\u3000"),
        *("\n", "\r\n", "\r", "\n\n", "\r\n\r\n", "\r\r", "\n \u00a0\n"),
        *("\u2028", "\u2029", "\u0085"),
    ]
)
"""Every kind of gap: line endings of all conventions, blank lines, Unicode spaces and breaks."""

PIECES = st.sampled_from(["Mr.", "Dr. ", "end. ", "Why?! ", "“Yes.” ", "。", "e\u0301", "\u0301"])
"""Sentence ends, abbreviations and combining marks, where cuts are tempted to fall."""

WORDS = st.text(
    st.characters(blacklist_categories=("Cs", "Zs", "Zl", "Zp", "Cc")), min_size=1, max_size=15
)

TEXTS = st.one_of(
    st.lists(st.one_of(WORDS, WHITESPACE, PIECES), max_size=80).map("".join),
    st.text(max_size=300),
)

settings.register_profile("entity-reader", max_examples=300, deadline=None)
settings.load_profile("entity-reader")


@given(TEXTS, st.integers(min_value=1, max_value=120), st.integers(min_value=0, max_value=60))
def test_chunks_cover_every_visible_character_once(text: str, cap: int, context: int) -> None:
    found = chunks(text, cap=cap, context=context)
    previous_end = 0
    covered = [False] * len(text)
    for chunk in found:
        assert previous_end <= chunk.start < chunk.end <= len(text)
        assert chunk.end - chunk.start <= cap
        assert 0 <= chunk.window_start <= chunk.start
        assert chunk.end <= chunk.window_end <= len(text)
        assert not text[chunk.start].isspace()
        for position in range(chunk.start, chunk.end):
            covered[position] = True
        previous_end = chunk.end
    missed = [i for i, char in enumerate(text) if not char.isspace() and not covered[i]]
    assert missed == []


@given(st.text(max_size=300))
def test_utf8_round_trips(text: str) -> None:
    if "\x00" in text:
        return  # NUL bytes mean binary, on purpose
    decoded, encoding = decode(text.encode("utf-8"))
    # A leading U+FEFF is indistinguishable from a byte-order mark, which is not text.
    assert decoded == text.removeprefix("\ufeff")
    assert encoding in ("utf-8", "utf-8-sig")


@given(
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=300)
)
def test_utf16_with_a_bom_round_trips(text: str) -> None:
    # Without the NUL exclusion, "\x00" first reads as the UTF-32 mark FF FE 00 00.
    assert decode(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))[0] == text
    assert decode(codecs.BOM_UTF16_BE + text.encode("utf-16-be"))[0] == text


@st.composite
def text_and_mentions(draw: st.DrawFn) -> tuple[str, list[Mention]]:
    text = draw(TEXTS.filter(bool))
    mentions = []
    for _ in range(draw(st.integers(min_value=0, max_value=25))):
        start = draw(st.integers(min_value=0, max_value=len(text) - 1))
        end = draw(st.integers(min_value=start + 1, max_value=min(len(text), start + 40)))
        label = draw(st.sampled_from([*ALL_LABELS, "UNKNOWN_LABEL"]))
        source = draw(st.sampled_from(["model", "user"]))
        mentions.append(Mention(start, end, label, text[start:end], source))
    return text, mentions


@given(text_and_mentions())
def test_grouping_keeps_every_mention_as_it_is(case: tuple[str, list[Mention]]) -> None:
    text, mentions = case
    entities = group(mentions, text)
    held = [m for entity in entities for m in entity.mentions]

    def spans(items: list[Mention]) -> Counter[tuple[int, int, str, str]]:
        return Counter((m.start, m.end, m.text, m.source) for m in items)

    assert spans(held) == spans(mentions)
    for entity in entities:
        assert entity.mentions
        assert entity.name  # something to show in the sidebar, even for a blank mention
        for mention in entity.mentions:
            assert text[mention.start : mention.end] == mention.text
            # One label everywhere: a mention the model made is labelled as its entity is.
            if mention.source == "model" and entity.category in NAME_CATEGORIES:
                assert category_of(mention.label) == entity.category
    firsts = [entity.first for entity in entities]
    assert firsts == sorted(firsts)
    assert len({entity.id for entity in entities}) == len(entities)


@given(st.text(st.characters(max_codepoint=127), max_size=40))
def test_folding_ascii_text_takes_a_shortcut_to_the_same_result(text: str) -> None:
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    assert fold(text) == " ".join(stripped.casefold().split())
