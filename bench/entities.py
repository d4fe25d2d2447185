"""The top people and places of a book as the reader lists them, and what the pass costs.

    python bench/entities.py PATH [--top 30] [--repeat 5]

Runs the model (or reads the cache), then times the document-level pass and grouping
(`extract.corrections.apply` with no corrections) from scratch, in wall-clock and CPU time
(what the pass costs whatever else the machine runs), and prints the sidebar's top
people and places with their mention counts: the names a reader would see first.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from extract import grouping, names, spans
from extract.cache import MentionCache
from extract.corrections import apply
from extract.document import load
from extract.model import Entity
from extract.ner import Annotator


def _clear_memos() -> None:
    """Forget every memoised name and span helper, and every regular expression compiled on
    the way, so each run starts from scratch."""
    re.purge()
    for module in (grouping, names, spans):
        for value in vars(module).values():
            clear = getattr(value, "cache_clear", None)
            if callable(clear):
                clear()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    document = load(args.path)
    annotator = Annotator(cache=MentionCache())
    mentions = annotator.cached(document.text, document.sha256)
    if mentions is None:
        print("annotating (not cached yet)…", file=sys.stderr)
        mentions = [
            m for b in annotator.annotate(document.text, document.sha256) for m in b.mentions
        ]

    timings: list[float] = []
    cpu: list[float] = []
    entities: list[Entity] = []
    for _ in range(args.repeat):
        _clear_memos()
        started, started_cpu = time.perf_counter(), time.process_time()
        entities = apply(document.text, mentions, []).entities
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    print(
        f"{document.name}: {len(document.text):,} characters, {len(mentions):,} model mentions"
        f" -> {len(entities):,} entities, {sum(len(e.mentions) for e in entities):,} mentions"
    )
    print(
        f"document-level pass + grouping from scratch: median {statistics.median(timings):.3f} s"
        f" (min {min(timings):.3f}, max {max(timings):.3f}, {args.repeat} runs);"
        f" CPU time median {statistics.median(cpu):.3f} s (min {min(cpu):.3f})"
    )
    for category, title in (("person", "People"), ("place", "Places")):
        ranked = sorted(
            (e for e in entities if e.category == category),
            key=lambda e: (-len(e.mentions), e.first),
        )
        shown = "; ".join(f"{e.name} ({len(e.mentions)})" for e in ranked[: args.top])
        print(f"\n{title} ({len(ranked)}): {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
