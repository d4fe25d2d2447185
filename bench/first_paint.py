"""First screen of entity-reader against a bare Textual viewer, cold and cached, in tmux.

    python bench/first_paint.py PATH [--runs 7] [--full-runs 1] [--cache DIR] [--width 140]
        [--height 45]

Each program runs in a fresh tmux pane and writes its own timestamps (no screen polling):
$ENTITY_READER_FRAME_LOG names a file each appends "EVENT UNIX-TIME" lines to.

    bare     bench/bare_viewer.py: the file's lines through the Line API, nothing else;
             "first-frame" once its first screen is drawn
    cold     entity-reader with an empty cache: "first-frame" (the text), "entities" (the
             first entities drawn); stopped there
    cached   entity-reader on a cache filled before: "first-frame", and "entities" once the
             screen shows the highlighted text and the filled sidebar
    full     entity-reader with an empty cache, to "done" (every entity in), --full-runs
             times first (a minute or more each); the first fills the cache the cached runs read.
             With --cache DIR the cache is kept there between benchmarks, and the full runs
             are left out when it already holds the file's view (compare two versions of the
             reader on one cache, READER=PATH naming the other's entity-reader)

The first screens are measured in turns, bare, cold and cached, the order rotated each run:
whatever runs just after a long run of the model, or after a run whose workers are ending,
starts on a busier machine, and in a fixed order that was always the same program.

Start times come from the shell that starts each program (date +%s.%N), so tmux's own start
is not counted. The runs' own files (stamps, logs, the reader's data folder, the caches
unless --cache names one) are kept in /dev/shm where it exists: a reader's position, fsynced
as it ends, held up the next run's first write on a disk. Both programs run with Python's
bytecode cache on (PYTHONDONTWRITEBYTECODE unset, extract/ and tui/ compiled first), as after
any install: otherwise every run of the reader would compile its own modules and the bare
viewer's one file would not. After each cached run the pane is captured with its colours to
check that the first screen really shows highlighted text and a filled sidebar. Prints the median and the
spread (min-max) of each figure, the ratios of the medians to the bare viewer's, and the
median and spread of the ratios run by run (each run over the bare viewer's run of its turn),
and the cached first screen over the cold one run by run.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent


class Pane:
    """One tmux server with one pane, for one program run."""

    def __init__(self, width: int, height: int) -> None:
        self.socket = f"first-paint-{uuid.uuid4().hex[:8]}"
        self.width, self.height = width, height

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=20
        )
        return done.stdout

    def start(self, command: str) -> None:
        self.tmux(
            "new-session", "-d", "-s", "bench", "-x", str(self.width), "-y", str(self.height),
            command,
        )  # fmt: skip

    def capture(self, colours: bool = False) -> str:
        return self.tmux("capture-pane", "-p", *(["-e"] if colours else []), "-t", "bench")

    def alive(self) -> bool:
        return "bench" in self.tmux("list-sessions", "-F", "#{session_name}")

    def stop(self) -> None:
        """Close the pane, then wait for its program and every process it started (model
        and pass workers) to end: one still ending would take CPU from the next run."""
        processes = self.processes()
        self.tmux("kill-server")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and any(Path(f"/proc/{p}").exists() for p in processes):
            time.sleep(0.02)

    def processes(self) -> list[int]:
        """The pane's program and its descendants (Linux /proc; none elsewhere)."""
        try:
            found = [int(self.tmux("display-message", "-p", "-t", "bench", "#{pane_pid}"))]
        except (ValueError, subprocess.CalledProcessError):
            return []
        position = 0
        while position < len(found):
            # Children of every thread: the reader starts its workers from background threads.
            for children in Path(f"/proc/{found[position]}/task").glob("*/children"):
                with contextlib.suppress(OSError):
                    found += [int(pid) for pid in children.read_text().split()]
            position += 1
        return found


def run(
    program: str,
    log: Path,
    wanted: tuple[str, ...],
    env: dict[str, str],
    size: tuple[int, int],
    timeout: float,
    linger: Callable[[], None] | None = None,
) -> tuple[dict[str, float], str]:
    """Start ``program`` in a pane; seconds from its start to each wanted event, and the
    screen (with colours) once the last one came."""
    log.unlink(missing_ok=True)
    stamp = log.with_suffix(".start")
    stamp.unlink(missing_ok=True)
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    command = (
        f"date +%s.%N > {shlex.quote(str(stamp))}; "
        f"exec env -u PYTHONDONTWRITEBYTECODE ENTITY_READER_FRAME_LOG={shlex.quote(str(log))} "
        f"{exports} {program}"
    )
    pane = Pane(*size)
    pane.start(command)
    deadline = time.monotonic() + timeout
    events: dict[str, float] = {}
    polls = 0
    try:
        while time.monotonic() < deadline:
            polls += 1
            if polls % 50 == 0 and not pane.alive():
                break  # the program ended (an error) before drawing what is awaited
            if log.exists():
                for line in log.read_text().splitlines():
                    name, _, at = line.partition(" ")
                    events.setdefault(name, float(at))
                if all(name in events for name in wanted):
                    break
            time.sleep(0.01)
        time.sleep(0.05)
        screen = pane.capture(colours=True)
        if linger is not None:
            linger()
    finally:
        pane.stop()
    started = float(stamp.read_text()) if stamp.exists() else float("nan")
    return {name: at - started for name, at in events.items()}, screen


def wait_for_views(cache: Path, timeout: float = 10) -> None:
    """The reader keeps the derived view just after the model finishes: let it land."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not any((cache / "views").glob("*.json")):
        time.sleep(0.05)


def summary(values: list[float]) -> str:
    good = [v for v in values if v == v]
    if not good:
        return "     n/a"
    return f"{statistics.median(good):8.3f}  ({min(good):.3f}-{max(good):.3f})"


def highlighted(screen: str) -> bool:
    """Whether the captured screen shows text with a background colour (a highlight) and a
    sidebar with a section of People counted."""
    has_colour = "\x1b[48;" in screen or ";48;" in screen
    plain = "".join(ch for ch in screen if ch >= " " or ch == "\n")
    return has_colour and ("People" in plain)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--full-runs",
        type=int,
        default=1,
        help="cold runs to the end of the annotation (at least one: it fills the cache)",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        help="the cache's folder, kept and reused: no full runs once it holds a view",
    )
    parser.add_argument("--width", type=int, default=140)
    parser.add_argument("--height", type=int, default=45)
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        print("tmux is needed", file=sys.stderr)
        return 2
    if not args.path.is_file():
        print(f"no such file: {args.path}", file=sys.stderr)
        return 2
    python = sys.executable
    reader = os.environ.get("READER") or str(Path(python).parent / "entity-reader")
    path = shlex.quote(str(args.path.resolve()))
    size = (args.width, args.height)
    figures: dict[str, list[float]] = {
        k: [] for k in ("bare", "cold", "cold_entities", "cold_done", "cached", "cached_entities")
    }
    shown: list[bool] = []
    """Whether each cached run's screen showed highlights and the sidebar."""
    root = HERE.parent
    subprocess.run(
        [python, "-m", "compileall", "-q", str(root / "extract"), str(root / "tui")], check=True
    )
    # The runs' files in memory where there is a memory file system (see the docstring): a
    # run after a reader run came tens of milliseconds later, whichever program it was.
    shm = Path("/dev/shm")
    memory = str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None
    with tempfile.TemporaryDirectory(dir=memory) as folder:
        work = Path(folder)
        log = work / "frames.log"

        filled = args.cache.resolve() if args.cache is not None else work / "cache"

        def fresh(cache: Path) -> dict[str, str]:
            """The reader's folders: ``cache`` as it is, and no remembered position."""
            shutil.rmtree(work / "data", ignore_errors=True)
            return {
                "ENTITY_READER_CACHE_DIR": str(cache),
                "ENTITY_READER_DATA_DIR": str(work / "data"),
            }

        kept = args.cache is not None and any((filled / "views").glob("*.json"))
        for _ in range(0 if kept else max(1, args.full_runs)):
            shutil.rmtree(filled, ignore_errors=True)
            full, _ = run(
                f"{reader} {path}",
                log,
                ("first-frame", "done"),
                fresh(filled),
                size,
                900,
                linger=lambda: wait_for_views(filled),
            )
            figures["cold_done"].append(full.get("done", float("nan")))

        def bare_run() -> None:
            bare, _ = run(
                f"{python} {HERE / 'bare_viewer.py'} {path}", log, ("first-frame",), {}, size, 30
            )
            figures["bare"].append(bare.get("first-frame", float("nan")))

        def cold_run() -> None:
            shutil.rmtree(work / "empty", ignore_errors=True)
            cold, _ = run(
                f"{reader} {path}",
                log,
                ("first-frame", "entities"),
                fresh(work / "empty"),
                size,
                120,
            )
            figures["cold"].append(cold.get("first-frame", float("nan")))
            figures["cold_entities"].append(cold.get("entities", float("nan")))

        def cached_run() -> None:
            cached, screen = run(
                f"{reader} {path}", log, ("first-frame", "entities"), fresh(filled), size, 60
            )
            figures["cached"].append(cached.get("first-frame", float("nan")))
            figures["cached_entities"].append(cached.get("entities", float("nan")))
            shown.append(highlighted(screen))

        turns: list[Callable[[], None]] = [bare_run, cold_run, cached_run]
        for number in range(args.runs):
            shift = number % len(turns)
            for turn in turns[shift:] + turns[:shift]:
                turn()

    bare = statistics.median(v for v in figures["bare"] if v == v)
    print(f"file: {args.path} ({args.path.stat().st_size:,} bytes), {args.runs} runs")
    print(f"{'':44} median    (min-max), seconds")
    rows = (
        ("bare viewer: first screen", "bare", True),
        ("entity-reader cold: first screen", "cold", True),
        ("entity-reader cold: first entities drawn", "cold_entities", False),
        ("entity-reader cold: every entity in", "cold_done", False),
        ("entity-reader cached: first screen", "cached", True),
        ("entity-reader cached: highlights + sidebar", "cached_entities", True),
    )
    for title, key, ratio in rows:
        line = f"{title:44} {summary(figures[key])}"
        good = [v for v in figures[key] if v == v]
        if ratio and good and key != "bare":
            line += f"   {statistics.median(good) / bare:.2f}x bare"
            # Each run beside the bare viewer's run of the same turn: the machine's pace moves
            # through a benchmark, and a turn's three runs are seconds apart.
            paired = [
                v / b
                for v, b in zip(figures[key], figures["bare"], strict=True)
                if v == v and b == b
            ]
            if paired:
                line += (
                    f"; run by run {statistics.median(paired):.2f}x"
                    f" ({min(paired):.2f}-{max(paired):.2f})"
                )
        print(line)
    paired = [
        c / k for c, k in zip(figures["cached"], figures["cold"], strict=True) if c == c and k == k
    ]
    if paired:
        # Both run the same instructions to their first frame (the cached one reads its
        # cache, on disk with --cache, just after it).
        print(
            f"{'cached first screen against cold':44} run by run {statistics.median(paired):.2f}x"
            f" ({min(paired):.2f}-{max(paired):.2f})"
        )
    print(
        f"cached screens checked with colours: {sum(shown)}/{args.runs} showed highlights and People;"
        f" every entity in: {len(figures['cold_done'])} full run(s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
