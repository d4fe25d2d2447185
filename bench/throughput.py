#!/usr/bin/env python3
"""Time entity-reader's annotation of a whole text against plain spaCy doing the same NER.

    python bench/throughput.py PATH [--jobs N] [--model NAME] [--batch-size N] [--repeat N]

Ours is ``Annotator(jobs=N, cache=None)`` collecting every batch, cold: the time includes
starting the worker processes (spawned: each imports spaCy and loads the model). Plain is
``spacy.load`` with everything but NER excluded, then ``nlp.pipe`` over the text split at blank
lines with the same number of processes (forked from the loaded model on Linux); its time
includes loading the model, and importing spaCy in the first round. On a busy machine use
``--repeat 3``: rounds alternate and the fastest of each side is compared.

Then the cached re-run: a cache in a temporary folder holding what the last run found (as a
complete run stores it), read by a fresh annotator. Last, the peak memory of this process and
of its largest child.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import multiprocessing
import re
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from extract.cache import MentionCache
from extract.document import load
from extract.model import Mention
from extract.ner import Annotator, resolve_model

Triple = tuple[int, int, str]

_BLANK_LINE = re.compile(r"\r?\n[ \t]*\r?\n")


def ours(text: str, sha: str, annotator: Annotator) -> list[Mention]:
    """Every mention the annotator finds, batch after batch."""
    return [m for batch in annotator.annotate(text, sha) for m in batch.mentions]


def pipeline_names(location: str) -> list[str]:
    """Every component a model has, read from its meta.json without importing spaCy."""
    folder = Path(location)
    if not folder.is_dir():
        spec = importlib.util.find_spec(location)
        assert spec is not None and spec.submodule_search_locations, location
        folder = Path(next(iter(spec.submodule_search_locations)))
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    return [*meta.get("pipeline", []), *meta.get("disabled", [])]


def plain_load(location: str) -> object:
    """The model loaded the way a spaCy user would for NER only (importing spaCy included)."""
    import spacy

    excluded = [name for name in pipeline_names(location) if name != "ner"]
    return spacy.load(location, exclude=excluded)


def plain_pipe(nlp: object, text: str, jobs: int, batch_size: int) -> set[Triple]:
    """Entities from ``nlp.pipe`` over the paragraphs of ``text``, with absolute offsets."""
    starts: list[int] = []
    pieces: list[str] = []
    position = 0
    for match in _BLANK_LINE.finditer(text):
        starts.append(position)
        pieces.append(text[position : match.start()])
        position = match.end()
    starts.append(position)
    pieces.append(text[position:])
    found: set[Triple] = set()
    docs = nlp.pipe(pieces, n_process=jobs, batch_size=batch_size)  # type: ignore[attr-defined]
    for base, doc in zip(starts, docs, strict=True):
        found.update((base + e.start_char, base + e.end_char, e.label_) for e in doc.ents)
    return found


@dataclass
class Run:
    """One timed run: wall and CPU seconds (this process and its finished children)."""

    wall: float
    cpu: float
    mentions: set[Triple]
    loaded: float = 0.0


def _cpu() -> float:
    multiprocessing.active_children()  # reap finished workers so their CPU time is counted
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def time_ours(text: str, sha: str, model: str | None, jobs: int) -> tuple[Run, list[Mention]]:
    """Our annotator, cold and uncached: worker start-up and model loading included."""
    wall, cpu = time.perf_counter(), _cpu()
    mentions = ours(text, sha, Annotator(model, jobs=jobs, cache=None))
    run = Run(
        time.perf_counter() - wall, _cpu() - cpu, {(m.start, m.end, m.label) for m in mentions}
    )
    return run, mentions


def time_plain(text: str, location: str, jobs: int, batch_size: int) -> Run:
    """Plain spaCy: load the model for NER only, then ``nlp.pipe`` over the paragraphs."""
    wall, cpu = time.perf_counter(), _cpu()
    nlp = plain_load(location)
    loaded = time.perf_counter() - wall
    found = plain_pipe(nlp, text, jobs, batch_size)
    return Run(time.perf_counter() - wall, _cpu() - cpu, found, loaded)


def summary(values: Sequence[float]) -> str:
    if len(values) == 1:
        return f"{values[0]:7.2f} s"
    return (
        f"{min(values):7.2f} s (min; median {statistics.median(values):.2f}, max {max(values):.2f})"
    )


def peak_memory_mib() -> tuple[float, float]:
    """Peak resident memory of this process and of its largest finished child, in MiB."""
    scale = 1024 if sys.platform != "darwin" else 1024 * 1024
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * scale / 2**20
    return own, children


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="the text to annotate")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default: 2)")
    parser.add_argument("--model", help="spaCy model (default: as entity-reader resolves it)")
    parser.add_argument(
        "--batch-size", type=int, default=64, help="plain spaCy's nlp.pipe batch size (default: 64)"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="rounds of both, alternating; the fastest of each is compared (default: 1)",
    )
    args = parser.parse_args(argv)

    document = load(args.path)
    text, sha = document.text, document.sha256
    location = resolve_model(args.model).location
    print(f"{args.path}: {len(text):,} characters, jobs={args.jobs}, model {location}", flush=True)

    our_runs: list[Run] = []
    plain_runs: list[Run] = []
    for round_number in range(1, args.repeat + 1):
        run, mentions = time_ours(text, sha, args.model, args.jobs)
        our_runs.append(run)
        plain_runs.append(time_plain(text, location, args.jobs, args.batch_size))
        if args.repeat > 1:
            print(
                f"  round {round_number}: ours {run.wall:.2f} s, plain {plain_runs[-1].wall:.2f} s",
                flush=True,
            )
    ours_wall = [r.wall for r in our_runs]
    plain_wall = [r.wall for r in plain_runs]
    print(f"ours   {summary(ours_wall)}  (cold: includes starting workers and loading the model)")
    print(
        f"plain  {summary(plain_wall)}  (importing spaCy and loading "
        f"{plain_runs[0].loaded:.2f} s, nlp.pipe n_process={args.jobs} "
        f"batch_size={args.batch_size})"
    )
    print(
        f"cpu    ours {min(r.cpu for r in our_runs):.1f} s, "
        f"plain {min(r.cpu for r in plain_runs):.1f} s (user+system, workers included)"
    )
    ratio = min(ours_wall) / min(plain_wall)
    print(
        f"ratio ours/plain {ratio:.3f} (goal <= 1.10){' on the fastest runs' * (args.repeat > 1)}"
    )
    our_mentions, plain_mentions = our_runs[-1].mentions, plain_runs[-1].mentions
    print(
        f"mentions: ours {len(our_mentions):,}, plain {len(plain_mentions):,}; "
        f"{len(our_mentions - plain_mentions)} only ours, "
        f"{len(plain_mentions - our_mentions)} only plain (plain reads each paragraph alone, "
        "ours sees the neighbouring text too)"
    )

    with tempfile.TemporaryDirectory() as folder:
        # Filled with what the last run found, exactly as a complete run stores it.
        cache = MentionCache(Path(folder))
        cache.put(Annotator(args.model, cache=cache).key(sha), sorted(mentions))
        started = time.perf_counter()
        cached = ours(
            text, sha, Annotator(args.model, jobs=args.jobs, cache=MentionCache(Path(folder)))
        )
        cached_time = time.perf_counter() - started
    assert sorted(cached) == sorted(mentions), "the cache gave back other mentions"
    print(f"cached re-run {cached_time:.3f} s ({len(cached):,} mentions, goal < 1 s)")
    own, children = peak_memory_mib()
    print(f"peak memory: this process {own:.0f} MiB, largest child {children:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
