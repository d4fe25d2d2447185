"""Chapters of plain text and Markdown: their headings found, so they can be gone to.

Plain text has no markup, so a heading is a line standing alone (a blank line or the start of
the text before it, a blank line or the end after it) that reads like one: ``CHAPTER IX``,
``Chapter 12``, ``BOOK ONE: 1805``, ``PART TWO``, ``CHAPTER 1. Loomings.``, ``FIRST
EPILOGUE``, or a roman numeral alone (``XII.``) in a text that numbers at least three chapters
so. A chapter inside a book or part is titled with both (``BOOK TWO · CHAPTER III``). Three or
more headings in a row with almost nothing between them are a table of contents, not chapters.
Markdown's headings are its ``#`` lines (and ``===``/``---`` underlines), outside code blocks;
the two highest levels the file uses are its sections.
"""

from __future__ import annotations

import re

from extract.document import Section

_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
    "hundred|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|final"
)
_NUMBER = rf"(?:\d+|[IVXLCDM]+|(?i:(?:{_NUMBER_WORDS})(?:[- ](?:{_NUMBER_WORDS}))?))"
_TITLE = r"\s*[.:\-–—]\s*\S.{0,160}|\s+[^a-z]{1,160}|\."
"""What may follow a chapter's number: a title after a stop, colon or dash, or in capitals."""
_UNIT = (
    rf"(?:(?P<part>BOOK|Book|PART|Part|VOLUME|Volume)|(?:CHAPTER|Chapter|CANTO|Canto|STAVE|Stave))"
    rf"\s+{_NUMBER}\b(?:{_TITLE})?"
)
_FRAME = (
    rf"(?:(?:FIRST|SECOND|THIRD|First|Second|Third)\s+)?(?:EPILOGUE|PROLOGUE|Epilogue|Prologue)"
    rf"\b(?:{_TITLE})?"
)
_ROMAN = r"[IVXLCDM]{1,7}\.?"
_MAX_HEADING = 90
"""Characters a heading line may have: a longer line is prose."""
_CONTENTS_GAP = 200
"""Headings closer than this (in characters) in a run of three or more are a contents list."""

_ATX = r" {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*"
_SETEXT = r" {0,3}(=+|-+)[ \t]*"
_FENCE = r" {0,3}(```|~~~)"
"""Markdown's headings and fences, compiled when Markdown is read (not each time the reader
starts)."""


def _lines(text: str) -> list[tuple[int, str]]:
    """Each line's start and its text without the line break (nor a "\\r" before it)."""
    found = []
    start = 0
    for line in text.split("\n"):
        found.append((start, line.rstrip("\r")))
        start += len(line) + 1
    return found


_CANDIDATE = (
    r"[ \t]*(?:CHAPTER|Chapter|BOOK|Book|PART|Part|VOLUME|Volume|CANTO|Canto|STAVE|Stave|"
    r"FIRST|SECOND|THIRD|First|Second|Third|EPILOGUE|PROLOGUE|Epilogue|Prologue|"
    r"[IVXLCDM]{1,7}\.?[ \t]*\r?(?:\n|\Z))"
)
"""How a heading may begin."""
_AFTER_BLANKS = rf"\n(?:[ \t\r]*\n)+(?={_CANDIDATE})"
"""Blank lines with what may be a heading just after them: one scan of a long book, the
regular expression engine looking for both at once. These patterns are compiled when chapters
are first looked for (`re`'s own cache keeps them), not each time the reader starts."""


def _line(text: str, start: int) -> tuple[str, int]:
    """The line starting at ``start`` (without its break) and where the next one starts."""
    end = text.find("\n", start)
    if end < 0:
        return text[start:].rstrip("\r"), len(text) + 1
    return text[start:end].rstrip("\r"), end + 1


def text_sections(text: str) -> tuple[Section, ...]:
    """The chapters (and books, parts, epilogues) of a plain text, in order."""
    found: list[tuple[int, str, bool]] = []
    """(start, title, is a part) of each heading."""
    romans: list[tuple[int, str]] = []
    first = [0] if re.match(_CANDIDATE, text) else []
    for start in (*first, *(blanks.end() for blanks in re.finditer(_AFTER_BLANKS, text))):
        line, following = _line(text, start)
        title = line.strip()
        if len(title) > _MAX_HEADING:
            continue
        second, after = _line(text, following)
        if second.strip():
            # A long chapter title may run onto a second line ("CHAPTER 56. Of the Less
            # Erroneous Pictures of Whales, and the True\nPictures of Whaling Scenes.").
            if _line(text, after)[0].strip() or not re.fullmatch(_UNIT, title):
                continue
            title = f"{title} {second.strip()}"
        offset = start + len(line) - len(line.lstrip())
        unit = re.fullmatch(_UNIT, title)
        if unit is not None:
            found.append((offset, title, unit.group("part") is not None))
        elif re.fullmatch(_FRAME, title):
            found.append((offset, title, True))
        elif re.fullmatch(_ROMAN, title):
            romans.append((offset, title))
    if len(romans) >= 3:
        found.extend((offset, title, False) for offset, title in romans)
        found.sort()
    found = _without_contents(found)
    sections = []
    part = ""
    for start, title, is_part in found:
        if is_part:
            part = title
            sections.append(Section("chapter", title, start))
        else:
            sections.append(Section("chapter", f"{part} · {title}" if part else title, start))
    return tuple(sections)


def _without_contents(found: list[tuple[int, str, bool]]) -> list[tuple[int, str, bool]]:
    """Headings less those in runs of three or more with next to nothing between them."""
    kept: list[tuple[int, str, bool]] = []
    run: list[tuple[int, str, bool]] = []
    for heading in found:
        if run and heading[0] - run[-1][0] > _CONTENTS_GAP + len(run[-1][1]):
            kept.extend(run if len(run) < 3 else run[-1:])
            run = []
        run.append(heading)
    kept.extend(run if len(run) < 3 else run[-1:])
    return kept


def markdown_sections(text: str) -> tuple[Section, ...]:
    """The headings of a Markdown text of its two highest levels, in order."""
    lines = _lines(text)
    atx_of, setext_of, fence_of = re.compile(_ATX), re.compile(_SETEXT), re.compile(_FENCE)
    headings: list[tuple[int, int, str]] = []
    """(level, start, title)."""
    fenced = ""
    for number, (start, line) in enumerate(lines):
        fence = fence_of.match(line)
        if fence is not None:
            if not fenced:
                fenced = fence.group(1)
            elif fence.group(1) == fenced:
                fenced = ""
            continue
        if fenced:
            continue
        atx = atx_of.fullmatch(line)
        if atx is not None and atx.group(2):
            headings.append((len(atx.group(1)), start, atx.group(2).strip()))
            continue
        under = setext_of.fullmatch(line)
        if under is not None and number > 0:
            previous_start, previous = lines[number - 1]
            before = lines[number - 2][1] if number > 1 else ""
            if previous.strip() and not before.strip() and not atx_of.fullmatch(previous):
                level = 1 if under.group(1)[0] == "=" else 2
                headings.append((level, previous_start, previous.strip()))
    levels = sorted({level for level, _, _ in headings})[:2]
    return tuple(
        Section("chapter", title, start) for level, start, title in headings if level in levels
    )
