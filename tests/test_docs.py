"""The README, --help and the help screen list the same keys; the README's corpus queries run."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from sample import SAMPLE
from test_corpus import export
from test_export_cli import MODEL

from tui.bindings import APP_KEYS, READER_KEYS
from tui.cli import reader_parser
from tui.key_listing import keys_help, keys_markdown

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_key_table_is_generated_from_the_bindings() -> None:
    text = README.read_text(encoding="utf-8")
    found = re.search(r"<!-- keys:start -->\n(.*?)\n<!-- keys:end -->", text, re.S)
    assert found is not None, "README lost its keys table markers"
    assert found.group(1) == keys_markdown(), "regenerate with: python -m tui.key_listing"


def test_help_lists_every_key() -> None:
    text = reader_parser().format_help()
    assert keys_help() in text
    for key in (*READER_KEYS, *APP_KEYS):
        assert key.description in text


def test_readme_quick_start_has_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert "entity-reader samples/iraqi-air-strike.txt" in text
    quick_start = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "entity-reader samples/\n" in quick_start  # the folder of samples, as a corpus
    assert "pip install -e '.[test]' && python -m pytest" in text
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    command = re.search(r"&& (python -m pytest[^\n`]*)", text)
    assert command is not None and command.group(1) in ci


def test_readme_lists_every_format_and_every_tool() -> None:
    from extract.exporters import FORMATS
    from extract.importers import IMPORTERS

    text = README.read_text(encoding="utf-8")
    export = text[text.index("## Export") : text.index("## Corpora")]
    listed = re.findall(r"^\| `([\w-]+)` \|", export, re.M)
    assert listed == list(FORMATS)
    reading = text[text.index("## Reading annotations back") : text.index("## Scoring")]
    for name in IMPORTERS:
        assert name in reading, name
    tools = text[text.index("## Working with other tools") :]
    for tool in ("spaCy", "Prodigy", "doccano", "Label Studio", "brat", "CoNLL"):
        assert f"| {tool}" in tools, tool


def test_readme_lists_every_input_format_as_the_registry_has_it() -> None:
    from extract.formats import FORMATS, choices

    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Supported formats") :]
    section = section[: section.index("\n## ", 1)]
    assert f"`--format-in {{{','.join(choices())}}}`" in section
    rows = re.findall(r"^\| `([\w-]+)`: ([^|]+) \| ([^|]+) \|", section, re.M)
    assert [name for name, _, _ in rows] == list(FORMATS)
    for name, title, chosen_when in rows:
        assert title == FORMATS[name].title, name
        for extension in FORMATS[name].extensions:
            assert f"`{extension}`" in chosen_when, (name, extension)
        if FORMATS[name].sniff is None and not FORMATS[name].extensions:
            assert "no other format" in chosen_when, name


def test_help_lists_every_input_format() -> None:
    from extract.formats import FORMATS, formats_help
    from tui.cli import eval_parser, export_parser

    for parser in (reader_parser(), export_parser(), eval_parser()):
        text = parser.format_help()
        assert formats_help() in text
        for fmt in FORMATS.values():
            assert fmt.description in text
            assert " ".join(fmt.extensions) in text


def test_the_readme_queries_run_on_an_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ENTITY_READER_MODEL", MODEL)
    (tmp_path / "corpus" / "b").mkdir(parents=True)
    (tmp_path / "corpus" / "a.txt").write_bytes(SAMPLE.read_bytes())
    (tmp_path / "corpus" / "b" / "a.txt").write_text(
        "Haider al-Abadi spoke in Baghdad. Haider al-Abadi left for Syria.\n", encoding="utf-8"
    )
    index = tmp_path / "corpus.sqlite"
    assert export(tmp_path / "corpus", "--out-dir", tmp_path / "out", "--index", index) == 0
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### The corpus index") : text.index("## Reading annotations back")]
    queries = re.findall(r"```sql\n(.*?)```", section, re.S)
    assert len(queries) == 5
    db = sqlite3.connect(index)
    answered = [bool(db.execute(query).fetchall()) for query in queries]
    assert answered[:4] == [True] * 4  # the last needs a label the pass changed
