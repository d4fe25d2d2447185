"""The installed ``entity-reader --compare GOLD`` in a real terminal (tmux)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from compare_support import write_gold
from sample import SAMPLE
from test_tmux import MODEL_DEADLINE, Terminal, reader_in
from test_tmux import terminal as terminal  # the fixture: one tmux server, killed at the end

SCORES = re.compile(r"gold\.jsonl · strict P (\d\.\d{3}) R (\d\.\d{3}) F1 (\d\.\d{3})")


def f1(screen: str) -> str | None:
    found = SCORES.search(screen)
    return found[3] if found else None


def test_compare_with_gold_in_the_real_reader(
    terminal: Terminal, tmp_path: Path, cache_dir: Path, data_dir: Path
) -> None:
    gold = write_gold(tmp_path / "gold.jsonl", SAMPLE.read_text(encoding="utf-8"))
    corrections = tmp_path / "corrections.json"
    command = reader_in(
        cache_dir, data_dir, str(SAMPLE), "--compare", str(gold), "--annotations", str(corrections)
    )
    terminal.start(f"{command}; echo EXIT=$?; sleep 600", 140, 45)
    shown = terminal.wait_for(
        lambda s: f1(s) is not None and "(so far)" not in s and " disagreements" in s,
        "the scores against gold",
        timeout=MODEL_DEADLINE,
    )
    before = f1(shown)
    assert before is not None and float(before) < 1.0
    assert "t gold's" in shown  # offered in the footer
    terminal.send("]")
    shown = terminal.wait_for(lambda s: "disagreement 1/" in s, "] to the first disagreement")
    terminal.send("t")
    shown = terminal.wait_for(lambda s: f1(s) not in (None, before), "t to take gold's")
    assert float(f1(shown) or 0) > float(before)
    assert "73 mentions" not in shown and "72 mentions" in shown  # Abadi: not in gold, gone
    terminal.send("u")
    terminal.wait_for(lambda s: f1(s) == before, "u to undo it")
    terminal.send("t")
    terminal.wait_for(lambda s: f1(s) not in (None, before), "t again")
    terminal.send("q")
    shown = terminal.wait_for(lambda s: "EXIT=" in s, "the reader to exit")
    assert "EXIT=0" in shown
    saved = json.loads(corrections.read_text(encoding="utf-8"))
    assert [c["op"] for c in saved["corrections"]] == ["remove_mention"]  # Abadi: not in gold


def test_bad_gold_is_one_line_and_no_reader(
    terminal: Terminal, tmp_path: Path, cache_dir: Path, data_dir: Path
) -> None:
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps({"text": "Another text.", "label": []}) + "\n", encoding="utf-8")
    command = reader_in(cache_dir, data_dir, str(SAMPLE), "--compare", str(other))
    terminal.start(f"{command}; echo EXIT=$?; sleep 600", 120, 20)
    shown = terminal.wait_for(lambda s: "EXIT=" in s, "the command to end")
    assert "EXIT=1" in shown
    said = "".join(line.strip() for line in shown.splitlines())  # long lines wrap
    assert said.count("entity-reader: error:") == 1
    assert "annotations of another text" in said and "Traceback" not in said
