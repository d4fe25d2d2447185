"""How the reader answers while the model streams over a long text.

    python bench/responsiveness.py PATH [--cached] [--seconds N]

Runs the real reader headless (Textual's pilot) on PATH with a fresh cache (or a filled one
with --cached) and, while the annotation runs, measures:
  - event-loop stalls: a 10 ms heartbeat timer; the longest gap between beats is the longest
    time the screen could not have been redrawn or a key answered;
  - key latency: the action behind `]`, `n`, `j` and a sidebar jump (to the most mentioned
    entity), plus drawing every visible row of the article afterwards: one frame's work.
Prints the figures; the goals are stalls under 100 ms and jumps under 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path


async def measure(path: str, cached: bool, seconds: float) -> None:
    from extract.cache import MentionCache
    from extract.document import load
    from extract.ner import Annotator
    from tui.app import ReaderApp
    from tui.screens.reader import ReaderScreen

    document = load(path)
    with tempfile.TemporaryDirectory() as folder:
        cache = MentionCache(Path(folder))
        if cached:
            print("filling the cache first…", flush=True)
            for _ in Annotator(cache=cache).annotate(document.text, document.sha256):
                pass
        app = ReaderApp(document, Annotator(cache=cache), remember=False)
        gaps: list[float] = []
        async with app.run_test(size=(140, 45)) as pilot:
            screen = app.screen
            assert isinstance(screen, ReaderScreen)
            last = time.perf_counter()

            def beat() -> None:
                nonlocal last
                now = time.perf_counter()
                gaps.append(now - last)
                last = now

            # Gaps are counted from one second after start: first paint is measured elsewhere.
            await pilot.pause(1.0)
            last = time.perf_counter()
            app.set_interval(0.01, beat)
            started = time.perf_counter()
            latencies: dict[str, list[float]] = {"]": [], "n": [], "j": [], "sidebar": []}
            article = screen.article

            def answer(action: Callable[[], None]) -> float:
                """An action plus drawing every visible row of the article: one frame's work."""
                t = time.perf_counter()
                action()
                for y in range(article.size.height):
                    article.render_line(y)
                return time.perf_counter() - t

            while time.perf_counter() - started < seconds and not (
                cached and len(latencies["]"]) >= 20
            ):
                await pilot.pause(0.2)
                if not screen.entities:
                    continue
                # One key at a time, as typed: each is its own event and frame, and the loop
                # runs between them (four answered back to back would be one long gap).
                latencies["]"].append(answer(screen.action_next_mention))
                await pilot.pause(0.05)
                latencies["n"].append(answer(screen.action_next_same))
                await pilot.pause(0.05)
                latencies["j"].append(answer(article.action_scroll_down))
                await pilot.pause(0.05)
                busiest = max(screen.entities, key=lambda e: len(e.mentions))
                latencies["sidebar"].append(answer(partial(screen.choose_entity, busiest.id)))
            done = screen.annotation_done
            progress = screen.query_one("ProgressBar").progress  # type: ignore[attr-defined]
        mentions = sum(len(e.mentions) for e in screen.entities)
        print(
            f"file: {path} ({len(document.text):,} characters), cache: {'filled' if cached else 'empty'}"
        )
        print(
            f"watched {seconds:.0f} s; annotation {'finished' if done else f'at {progress:,.0f} characters'}"
        )
        print(f"entities so far: {len(screen.entities):,}, mentions: {mentions:,}")
        if gaps:
            ordered = sorted(gaps)
            p99 = ordered[int(len(ordered) * 0.99) - 1]
            print(
                f"event-loop gaps: median {statistics.median(gaps) * 1000:.0f} ms, "
                f"p99 {p99 * 1000:.0f} ms, max {max(gaps) * 1000:.0f} ms (goal: < 100 ms)"
            )
        for key, values in latencies.items():
            if values:
                print(
                    f"key {key:8} n={len(values):3}  median {statistics.median(values) * 1000:5.1f} ms"
                    f"  max {max(values) * 1000:5.1f} ms (action + redraw of the article; goal for jumps: < 50 ms)"
                )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("path")
    parser.add_argument("--cached", action="store_true", help="fill the cache first")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long to watch")
    args = parser.parse_args()
    asyncio.run(measure(args.path, args.cached, args.seconds))


if __name__ == "__main__":
    main()
