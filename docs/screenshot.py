"""Regenerate docs/screenshot.svg: the reader on the bundled article (python docs/screenshot.py)."""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        os.environ["ENTITY_READER_CACHE_DIR"] = folder
        os.environ["ENTITY_READER_DATA_DIR"] = folder
        from extract.cache import MentionCache
        from extract.document import load
        from extract.ner import Annotator
        from tui.app import ReaderApp

        document = load(HERE.parent / "samples" / "iraqi-air-strike.txt")
        document = type(document)(document.text, "iraqi-air-strike.txt", document.encoding)
        app = ReaderApp(document, Annotator(cache=MentionCache(Path(folder))), remember=False)
        async with app.run_test(size=(132, 38)) as pilot:
            for _ in range(100):
                await pilot.pause(0.1)
                if app.screen.annotation_done:  # type: ignore[attr-defined]
                    break
            for _ in range(4):
                await pilot.press("right_square_bracket")
            await pilot.press("n")
            await pilot.pause(0.3)
            app.save_screenshot(str(HERE / "screenshot.svg"))


if __name__ == "__main__":
    asyncio.run(main())
