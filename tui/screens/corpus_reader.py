"""`CorpusReaderScreen`: the reader on a document of a corpus.

It opens at a mention or a search match (chosen on the corpus screen), goes to the next or
previous document naming the current entity (``}`` ``{``) and back to the corpus screen
(Backspace). Relabelling, removing or merging an entity asks whether for this document or for
all documents (a corpus rule). What it shows once the model is done is what the index holds
of the document: a correction made here reaches the corpus screen's lists.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from textual import work
from textual.binding import Binding, BindingType

from extract.annotator import Annotator
from extract.categories import CATEGORY_BY_KEY
from extract.corpus_index import entity_key, index_name
from extract.corpus_query import Occurrence
from extract.corrections import RULE_OPS, Correction, CorrectionStore
from extract.document import Document
from extract.model import Entity
from tui.bindings import bindings_for
from tui.corpus_app import Target
from tui.corpus_state import neighbour
from tui.screens.confirm import Ask
from tui.screens.reader import ReaderScreen
from tui.screens.undoing import step, stepped
from tui.view import View

if TYPE_CHECKING:
    from tui.corpus_app import CorpusApp
    from tui.screens.corpus import CorpusScreen
    from tui.screens.deriving import Landing

Scope = Literal["document", "corpus"]

History = tuple[list[CorrectionStore], list[CorrectionStore]]
"""Where the corrections made in a document went, and those undone (see `CorpusReaderScreen`)."""


class ScopeQuestion(Ask[Scope | None]):
    """This document or all documents? d, a, or escape to cancel."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "dismiss('document')", "this document"),
        Binding("a", "dismiss('corpus')", "all documents"),
        Binding("escape", "dismiss(None)", "cancel"),
    ]

    def __init__(self, what: str) -> None:
        super().__init__(what, [("This document (d)", "document"), ("All documents (a)", "corpus")])


class CorpusReaderScreen(ReaderScreen):
    """A document of a corpus in the reader (see the module's description)."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("CorpusReaderScreen")

    def __init__(
        self,
        document: Document,
        annotator: Annotator | None,
        *,
        target: Target | None = None,
        stat: tuple[int, int] = (0, 0),
        history: History | None = None,
        **reader: Any,
    ) -> None:
        """``target``: where to open; ``stat``: the file's size and time when read;
        ``history``: see below; ``reader``: the reader's own options (`ReaderScreen`)."""
        super().__init__(document, annotator, **reader)
        self.target = target
        self.stat = stat
        self._history, self._undone = history if history is not None else ([], [])
        """Where each correction made in this document went (its own file, or the rules), in
        order, and where those undone went: kept by the app for the session."""
        self._indexed: View | None = None

    @property
    def corpus(self) -> CorpusScreen:
        app: CorpusApp = self.app  # type: ignore[assignment]
        return app.corpus_screen

    def mounted(self) -> None:
        if self.target is None:
            return
        kind, start, end = self.target
        text = self.document.text
        top = start
        for _ in range(3):  # a few lines above it, so that it shows with what leads to it
            top = max(0, text.rfind("\n", 0, max(0, top - 1)) + 1)
        self.article.restore_top(top)
        if kind == "match":  # the reader's search for the words found: n and N repeat it
            self.target = None
            self.move(self.reading.search(text[start:end], visible=(start, end)))

    def _take(self, view: View, *, complete: bool) -> None:
        super()._take(view, complete=complete)
        # Here, not in a watcher of the reading: a reading set while its watchers run would
        # reach the widgets before the one being watched, which would then replace it.
        if self.target is None or self.target[0] != "mention" or not view.entities:
            return
        _, start, end = self.target
        found = view.index.find(start, end)
        if found is None and complete:  # the index is older than the text: the next one
            found = view.index.next_after(start - 1)
        if found is not None or complete:
            self.target = None
        if found is not None:
            self.reading = self.reading.at(found)

    def watch_reading(self) -> None:
        super().watch_reading()
        reading = self.reading
        if (
            reading.progress.state == "done"
            and reading.view.whole
            and reading.view is not self._indexed
        ):
            self._indexed = reading.view
            self._index(reading.view, self.corrections())

    @work(thread=True, group="corpus-index", exit_on_error=False, description="index")
    def _index(self, view: View, log: tuple[Correction, ...]) -> None:
        """Keep the index in step with what is shown (unless it already is)."""
        from extract.annotations import Annotations
        from extract.corpus_index import CorpusIndex
        from extract.corpus_query import CorpusQuery
        from extract.views import view_key

        if self.annotator is None:
            return
        key = view_key(self.annotator.key(self.document.sha256), log, document_pass=True)
        name = index_name(self.document.source)
        session = self.corpus.session
        query = CorpusQuery(session.index_path)
        try:
            row = query.row(name)
        finally:
            query.close()
        if row is not None and row.view_key == key:
            return
        info = self.annotator.info
        found = Annotations(self.document, tuple(view.entities), info.name, info.version)
        with CorpusIndex(session.index_path) as index:
            index.put_annotations(name, found, key, self.stat)
        self.app.call_from_thread(self.corpus.index_changed)

    # -- other documents --------------------------------------------------------------------

    def action_next_document(self) -> None:
        """The next document naming the current entity, at its first mention there."""
        self._other_document(forward=True)

    def action_previous_document(self) -> None:
        """The previous document naming the current entity."""
        self._other_document(forward=False)

    def _occurrences(self, entity: Entity) -> list[Occurrence]:
        """The documents naming an entity of this document, by any of its names, as the corpus
        groups them; under another category too when no other document names it under its
        own (a correction made here only, say)."""
        corpus, query = self.corpus.corpus, self.corpus.corpus_query
        names = {entity.name, *(mention.text for mention in entity.mentions)}
        here = index_name(self.document.source)

        def keys_in(categories: Iterable[str]) -> tuple[str, ...]:
            keys: set[str] = set()
            for category in categories:
                for name in names:
                    key = entity_key(category, name)
                    grouped = corpus.entity_of(key)
                    keys.update(grouped.keys if grouped is not None else (key,))
            return tuple(sorted(keys))

        found = query.occurrences(keys_in([entity.category]))
        if all(occurrence.path == here for occurrence in found):
            found = query.occurrences(keys_in(CATEGORY_BY_KEY))
        return found

    def _other_document(self, *, forward: bool) -> None:
        entity = self.current_entity
        if entity is None:
            self.notify("No current entity: press ] or choose one in the sidebar.", timeout=3)
            return
        occurrences = self._occurrences(entity)
        names = [o.path for o in occurrences]
        chosen, wrapped = neighbour(names, index_name(self.document.source), forward=forward)
        if chosen is None:
            self.notify(f"No other document names {entity.name}.", timeout=3)
            return
        occurrence = occurrences[names.index(chosen)]
        item = self.corpus.corpus.document(chosen)
        self.save_position()
        self.stop_reading()
        target = ("mention", occurrence.start, occurrence.end)
        app: CorpusApp = self.app  # type: ignore[assignment]
        if app.open_document(item.path if item is not None else chosen, target, switch=True):
            place = f"{names.index(chosen) + 1}/{len(names)}"
            where = " (wrapped around)" if wrapped else ""
            app.notify(f"{entity.name}: document {place}{where}.", timeout=2)

    def action_back_to_corpus(self) -> None:
        """Back to the corpus screen, as it was left."""
        self.save_position()
        self.stop_reading()
        self.app.pop_screen()

    # -- corrections: this document, or all --------------------------------------------------

    def correct(self, correction: Correction, done: str, land: Landing | None = None) -> None:
        if correction.op not in RULE_OPS:
            self._in_document(correction, done, land)
            return

        def chosen(scope: Scope | None) -> None:
            if scope == "document":
                self._in_document(correction, done, land)
            elif scope == "corpus":
                self._in_corpus(correction, done)

        question = (
            f"{_what(correction, self.current_entity)}: in this document, or in all documents?"
        )
        self.app.push_screen(ScopeQuestion(question), chosen)

    def _in_document(self, correction: Correction, done: str, land: Landing | None = None) -> None:
        before = len(self.store.log) if self.store is not None else 0
        super().correct(correction, done, land)
        if self.store is not None and len(self.store.log) > before:
            self._history.append(self.store)
            self._undone.clear()

    def _in_corpus(self, correction: Correction, done: str) -> None:
        """A rule for every document: named by the forms the corpus gives the entity too."""
        from dataclasses import replace

        query, corpus = self.corpus.corpus_query, self.corpus.corpus

        def every_form(forms: tuple[str, ...], category: str) -> tuple[str, ...]:
            keys = {
                key
                for form in forms
                if (found := corpus.entity_of(entity_key(category, form))) is not None
                for key in found.keys
            }
            return tuple(sorted({*forms, *query.forms(tuple(keys))})) if keys else forms

        rule = replace(correction, forms=every_form(correction.forms, correction.category))
        if rule.into:
            rule = replace(rule, into=every_form(rule.into, rule.into_category))
        rules = self.corpus.session.rules
        try:
            rules.do(rule)
        except OSError as error:
            self.notify(f"Could not save the rule: {error}", severity="error", timeout=8)
            return
        self._history.append(rules)
        self._undone.clear()
        self.derive_edited()
        self.corpus.refresh_index()
        self.notify(f"{_what(correction, self.current_entity)}: done in every document. u undoes.", timeout=4)  # fmt: skip

    def step_history(self, way: Literal["undo", "redo"]) -> None:
        taken, given = (self._history, self._undone) if way == "undo" else (self._undone, self._history)  # fmt: skip
        store = taken[-1] if taken else self.store
        if store is None or store is self.store:
            before = len(self.store.log) if self.store is not None else 0
            super().step_history(way)
            after = len(self.store.log) if self.store is not None else 0
            if taken and after != before:
                given.append(taken.pop())
            return
        changed = step(store, way, self, f"Nothing to {way}.")
        if changed is not None:
            given.append(taken.pop())
            self.derive_edited()
            self.corpus.refresh_index()
            self.notify(stepped(changed, way, " in every document"), timeout=3)


def _what(correction: Correction, entity: object) -> str:
    """ "Relabel Emmanuel Macron as ORG", "Remove X", "Merge X into another"."""
    name = getattr(entity, "name", None) or ", ".join(correction.forms[:2])
    if correction.op == "relabel":
        return f"Relabel {name} as {correction.label}"
    if correction.op == "merge":
        return f"Merge {name} into {', '.join(correction.into[:1])}"
    return f"Remove {name}"
