"""``entity-reader FOLDER``: the corpus screen, and the reader on each of its documents.

`CorpusSession` is what the corpus reader works with (the folder's documents, its index, its
rules, where the model runs); `CorpusApp` opens the corpus screen on it, and the reader over it
for a document, at a mention or a search match; `check_corpus` and `run_corpus` are the command
line's part (`check_corpus` serves `entity-reader serve FOLDER` too).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extract.annotator import Annotator
from extract.corpus import Source
from extract.corrections import CorrectionStore
from extract.document import text_document
from tui.app import ReaderApp

if TYPE_CHECKING:
    from textual.screen import Screen

    from tui.screens.corpus import CorpusScreen
    from tui.screens.corpus_reader import History

Target = tuple[str, int, int]
"""Where a document opens: ("mention", start, end) or ("match", start, end)."""


@dataclass
class CorpusSession:
    """A folder read as a corpus: its documents, its index, its rules, where the model runs."""

    folder: str
    """The folder as given."""
    index_path: Path
    sources: list[Source]
    rules: CorrectionStore
    """The folder's own rules (written by corpus-wide corrections)."""
    annotator: Annotator
    """Where the model runs over pending documents (worker processes, or Dask)."""
    reader_annotator: Callable[[], Annotator | None]
    """The model of a document opened in the reader (made the first time one is)."""
    outer_rules: list[CorrectionStore] = field(default_factory=list)
    """The rules of the folders around it (read only), which apply too."""
    format_in: str = "auto"
    limit: int | None = None
    problems: list[str] = field(default_factory=list)
    """What the user should be told when the screen opens (an index set aside, …)."""

    @property
    def all_rules(self) -> list[CorrectionStore]:
        """Every rule that applies to its documents, outermost first."""
        return [*self.outer_rules, self.rules]


class CorpusApp(ReaderApp):
    """The corpus screen first; a document opened from it is read over it."""

    def __init__(self, session: CorpusSession, **options: Any) -> None:
        """``options``: the reader's (`ReaderApp`: positions, keymap, theme…)."""
        # The app's document is the folder itself (its title, and nothing to read).
        folder = text_document("", session.folder)
        super().__init__(folder, None, **options)
        self.css_path = [*self.css_path, Path(__file__).parent / "corpus.tcss"]
        self.session = session
        self.title = f"entity-reader · {folder.name}"
        self._reader_annotator: Annotator | None = None
        self._reader_made = False
        self._stores: dict[tuple[str, str], CorrectionStore] = {}
        """Each document's corrections as opened this session (so undo reaches back to
        corrections made before switching to another document)."""
        self._histories: dict[str, History] = {}

    def get_default_screen(self) -> Screen[None]:
        from tui.screens.corpus import CorpusScreen

        return CorpusScreen(self.session, keys=self.keys)

    @property
    def corpus_screen(self) -> CorpusScreen:
        from tui.screens.corpus import CorpusScreen

        return next(s for s in self.screen_stack if isinstance(s, CorpusScreen))

    def reader_annotator(self) -> Annotator | None:
        """The model documents are read with in the reader (made once)."""
        if not self._reader_made:
            self._reader_made = True
            self._reader_annotator = self.session.reader_annotator()
        return self._reader_annotator

    def open_document(
        self, path: str, target: Target | None = None, *, switch: bool = False
    ) -> bool:
        """Read a document of the corpus, at ``target`` (else where the reader left it); in
        place of the document being read when ``switch``. Whether it opened (a file that
        cannot be read is told, and the screen stays)."""
        from extract.corrections import open_for
        from extract.document import load
        from extract.errors import EntityReaderError
        from tui.screens.corpus_reader import CorpusReaderScreen

        session = self.session
        try:
            document = load(path, session.format_in, limit=session.limit)
            real = os.path.realpath(path)
            told = list(document.notes)
            store = self._stores.get((real, document.sha256))
            if store is None:  # else its problems were told the first time
                store = open_for(path, document.sha256, rules=session.all_rules)
                self._stores[real, document.sha256] = store
                told += store.problems
            stat = os.stat(path)
        except (EntityReaderError, OSError) as error:
            self.notify(str(error), title="Cannot open", severity="error", timeout=8)
            return False
        for problem in told:
            self.notify(problem, title="Reading the file", severity="warning", timeout=10)
        screen = CorpusReaderScreen(
            document,
            self.reader_annotator(),
            positions=self.positions,
            store=store,
            keys=self.keys,
            target=target,
            stat=(stat.st_size, stat.st_mtime_ns),
            history=self._histories.setdefault(real, ([], [])),
        )
        self.corpus_screen.opened(path)
        if switch:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)
        return True


@dataclass(frozen=True)
class CorpusPlan:
    """What `check_corpus` found: a corpus that can open."""

    folder: str
    sources: list[Source]
    index_path: Path
    rules: CorrectionStore
    outer: list[CorrectionStore]
    problems: list[str]
    jobs: int | None
    limit: int


def check_corpus(args: argparse.Namespace) -> CorpusPlan:
    """Check what opening ``args.file`` as a corpus needs, each mistake one error line: the
    options (none meant for one file), documents in the folder, an index this version reads,
    the rules, the model and the theme. ``entity-reader FOLDER`` and ``serve FOLDER`` run it
    before anything starts."""
    from extract.corpus import discover
    from extract.corpus_index import CorpusIndex, default_index_path
    from extract.corpus_rules import open_rules, rules_around
    from extract.document import max_chars
    from extract.errors import EntityReaderError
    from extract.ner import resolve_model
    from tui.cli import check_jobs
    from tui.corpus_cli import check_backend, kinds
    from tui.settings import check_theme

    for option, given in (
        ("--no-ner", args.no_ner),
        ("--import", getattr(args, "import_path", None) is not None),
        ("--annotations", args.annotations is not None),
        ("--compare", getattr(args, "compare", None) is not None),
    ):
        if given:
            raise EntityReaderError(f"{option} applies to one FILE, not to a folder")
    folder: str = args.file
    check_backend(args)
    jobs = check_jobs(args.jobs)
    limit = max_chars(args.max_chars)
    found = discover([folder])
    if not found.sources:
        raise EntityReaderError(f"{folder} holds no documents ({kinds()} files)")
    index_path = Path(args.index) if args.index else default_index_path([folder])
    with CorpusIndex(index_path, root=os.path.abspath(folder)) as index:
        problems = list(index.problems)
    rules = open_rules(folder, args.rules)
    outer = rules_around(folder) if args.rules is None else []
    problems.extend(p for store in (*outer, rules) for p in store.problems)
    resolve_model(args.model)  # a model that is not there: one line, now
    check_theme(args.settings)
    return CorpusPlan(folder, list(found.sources), index_path, rules, outer, problems, jobs, limit)


def run_corpus(args: argparse.Namespace, need_terminal: Callable[[], None]) -> int:
    """``entity-reader FOLDER``: open the corpus screen; return the exit status. What cannot
    work (no documents, an index of a newer version, no model) is one error line before the
    screen opens, and before the model's workers start."""
    from extract.cache import MentionCache
    from extract.ner import Annotator
    from tui.corpus_cli import executor_for
    from tui.settings import Settings

    plan = check_corpus(args)
    settings: Settings = args.settings
    need_terminal()
    cache = None if args.no_cache else MentionCache()
    total = sum(source.size for source in plan.sources)
    jobs = plan.jobs
    with executor_for(args, jobs, total, nice=True) as executor:
        session = CorpusSession(
            folder=plan.folder,
            index_path=plan.index_path,
            sources=plan.sources,
            rules=plan.rules,
            outer_rules=plan.outer,
            annotator=Annotator(args.model, executor=executor, cache=cache),
            reader_annotator=lambda: Annotator(args.model, jobs=jobs, cache=cache),
            format_in=args.format_in,
            limit=plan.limit,
            problems=plan.problems,
        )
        app = CorpusApp(
            session,
            keymap=settings.keys,
            theme=settings.theme,
            sidebar_width=settings.sidebar_width,
        )
        app.run()
    return app.return_code or 0
