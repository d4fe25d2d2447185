"""Cutting texts into chunks: paragraphs, sentence-like cuts under a cap, reading windows."""

from __future__ import annotations

import itertools

import pytest

from extract.chunks import CHUNK_CAP, Chunk, chunks, paragraphs, spans


def pieces(text: str, found: list[tuple[int, int]]) -> list[str]:
    return [text[start:end] for start, end in found]


class TestParagraphs:
    def test_blank_lines_separate_and_whitespace_is_trimmed(self) -> None:
        text = "  One para\ngoes on.\n\n\nTwo.\n \t \nThree  \n"
        assert pieces(text, list(paragraphs(text))) == ["One para\ngoes on.", "Two.", "Three"]

    def test_exact_offsets(self) -> None:
        text = "Alpha beta.\n\nGamma."
        assert list(paragraphs(text)) == [(0, 11), (13, 19)]

    @pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"])
    def test_every_newline_convention(self, newline: str) -> None:
        text = newline.join(["First line", "same paragraph", "", "Second", "", "", "Third"])
        assert pieces(text, list(paragraphs(text))) == [
            f"First line{newline}same paragraph",
            "Second",
            "Third",
        ]

    def test_a_single_crlf_is_not_a_paragraph_break(self) -> None:
        assert len(list(paragraphs("one line\r\nnext line"))) == 1

    def test_nbsp_on_an_empty_line_still_breaks(self) -> None:
        assert len(list(paragraphs("one\n\u00a0\ntwo"))) == 2

    def test_empty_and_blank_texts_have_none(self) -> None:
        assert list(paragraphs("")) == []
        assert list(paragraphs(" \n\r\n\t ")) == []


class TestSpans:
    def test_short_paragraphs_are_joined_under_the_cap(self) -> None:
        text = "\n\n".join(["A short paragraph."] * 10)
        found = list(spans(text, cap=60))
        assert all(end - start <= 60 for start, end in found)
        # 18 characters each, 2 between: three fit in 60, a fourth does not.
        assert pieces(text, found)[0] == "\n\n".join(["A short paragraph."] * 3)
        assert len(found) == 4

    def test_default_cap_keeps_a_small_text_whole(self) -> None:
        text = "One.\n\nTwo.\n\nThree."
        assert list(spans(text)) == [(0, len(text))]
        assert CHUNK_CAP >= 1000

    def test_long_single_line_is_cut_at_sentence_ends(self) -> None:
        sentences = [f"Sentence number {n} says something about Paris. " for n in range(4200)]
        text = "".join(sentences).rstrip()
        assert len(text) > 200_000 and "\n" not in text
        found = list(spans(text))
        assert len(found) >= len(text) // CHUNK_CAP
        for start, end in found:
            assert 0 < end - start <= CHUNK_CAP
            assert text[start:].startswith("Sentence number ")
            if end < len(text):
                assert text[:end].endswith(". ")
        # Consecutive: each chunk starts where the previous one ended.
        assert found[0][0] == 0 and found[-1][1] == len(text)
        assert all(a[1] == b[0] for a, b in itertools.pairwise(found))

    def test_without_sentence_ends_cuts_fall_at_spaces(self) -> None:
        text = " ".join(["word"] * 1000)
        for start, end in spans(text, cap=100):
            assert end - start <= 100
            assert text[start] != " "
            assert end == len(text) or text[end - 1] == " "

    def test_without_any_space_the_cap_still_holds(self) -> None:
        text = "x" * 1050
        found = list(spans(text, cap=100))
        assert all(end - start <= 100 for start, end in found)
        assert "".join(pieces(text, found)) == text

    def test_combining_marks_stay_with_their_letter(self) -> None:
        text = "e\u0301" * 200  # é as e + combining acute, no spaces anywhere
        for start, end in spans(text, cap=51):
            assert text[start] == "e"
            assert end - start <= 51

    def test_a_cap_of_one_still_ends(self) -> None:
        # Once an endless loop: the cut stepped back over the combining mark to the start.
        text = "a\u0301 b"
        found = list(spans(text, cap=1))
        assert all(end > start for start, end in found)
        assert "".join(pieces(text, found)).replace(" ", "") == "a\u0301b"


class TestWindows:
    TEXT = "\n\n".join(
        f"Paragraph {n} mentions Barack Obama and the United Nations in New York."
        for n in range(40)
    )

    def test_windows_reach_into_neighbours_at_word_boundaries(self) -> None:
        found = chunks(self.TEXT, cap=300, context=120)
        assert len(found) > 5
        for chunk in found:
            assert chunk.window_start <= chunk.start < chunk.end <= chunk.window_end
            assert chunk.start - chunk.window_start <= 120
            assert chunk.window_end - chunk.end <= 120
            if chunk.window_start > 0:
                assert self.TEXT[chunk.window_start - 1].isspace()
                assert not self.TEXT[chunk.window_start].isspace()
            if chunk.window_end < len(self.TEXT):
                assert self.TEXT[chunk.window_end].isspace()
        inner = found[1:-1]
        assert all(c.window_start < c.start and c.window_end > c.end for c in inner)

    def test_first_and_last_windows_stop_at_the_text_edges(self) -> None:
        found = chunks(self.TEXT, cap=300, context=120)
        assert found[0].window_start == 0
        assert found[-1].window_end == len(self.TEXT)

    def test_no_context_means_window_is_the_chunk(self) -> None:
        for chunk in chunks(self.TEXT, cap=300, context=0):
            assert (chunk.window_start, chunk.window_end) == (chunk.start, chunk.end)

    def test_chunks_follow_spans(self) -> None:
        found = chunks(self.TEXT, cap=300)
        assert [(c.start, c.end) for c in found] == list(spans(self.TEXT, cap=300))
        assert all(isinstance(c, Chunk) for c in found)
