"""What the reader lists, scored on LitBank, and what the document-level pass costs on a book.

    python bench/accuracy.py [--litbank DIR] [--book PATH] [--repeat N]

--litbank runs LitBank's scorer (DIR/../score.py, default ../shared/litbank/dev) with this
checkout's `entity-reader` on PATH: mention precision, recall and F1 per category and person
grouping B-cubed F1, ours beside plain spaCy (same model, each mention its own label).
--book times the document-level pass and grouping from scratch (bench/entities.py) and prints
the book's top people and places.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_LITBANK = HERE.parent.parent / "shared" / "litbank" / "dev"


def litbank(folder: Path) -> int:
    scorer = folder.parent / "score.py"
    if not scorer.is_file():
        print(f"no scorer at {scorer}", file=sys.stderr)
        return 2
    env = dict(os.environ)
    # The entity-reader installed beside this Python, whatever the PATH says.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    done = subprocess.run(
        [sys.executable, str(scorer), str(folder)], env=env, capture_output=True, text=True
    )
    print(done.stdout.rstrip())
    if done.returncode != 0:
        print(done.stderr.rstrip(), file=sys.stderr)
    return done.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--litbank", type=Path, default=None)
    parser.add_argument("--book", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if args.litbank is None and args.book is None:
        args.litbank = DEFAULT_LITBANK
    status = 0
    if args.litbank is not None:
        status = litbank(args.litbank) or status
    if args.book is not None:
        command = [sys.executable, str(HERE / "entities.py"), str(args.book)]
        status = subprocess.run([*command, "--repeat", str(args.repeat)]).returncode or status
    return status


if __name__ == "__main__":
    sys.exit(main())
