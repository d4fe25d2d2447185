"""`CorpusScreen`: the documents of a folder and the entities across them, an entity's
documents with a line of context each, full-text search, corpus-wide corrections and export."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.actions import parse as parse_action
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Input, Label, ProgressBar

from extract.categories import CATEGORIES, section
from extract.corpus_groups import CorpusEntity
from extract.corpus_query import Hit, Occurrence
from tui.bindings import KEYS, Key, bindings_for
from tui.corpus_app import CorpusSession
from tui.corpus_state import (
    Corpus,
    DocumentItem,
    counted,
    document_rows,
    entity_rows,
    size_text,
)
from tui.layout import plain
from tui.screens.corpus_correcting import CorpusCorrecting
from tui.widgets.corpus_lists import (
    STATUS_WORDS,
    DocumentList,
    EntityList,
    HitList,
    OccurrenceList,
    entity_counts,
)
from tui.widgets.rows import ListFilter, RowList

SHARED = ("help", "quit")
"""Keys of the reader that the corpus screen binds too (same keys, same ids)."""


class CorpusScreen(CorpusCorrecting):
    """A folder read as a corpus (see the module's description)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *bindings_for("CorpusScreen"),
        *(key.binding() for key in KEYS if key.id in SHARED),
    ]

    def __init__(self, session: CorpusSession, *, keys: tuple[Key, ...] = KEYS) -> None:
        super().__init__(session)
        self.keys = keys
        self.by_first = False
        self.collapsed = frozenset(c.key for c in CATEGORIES if not c.shown_by_default)
        """Sections closed (dates and other, as in the reader's sidebar)."""
        self.shown_entity: CorpusEntity | None = None
        """The entity whose documents the results list shows."""
        self.searched: str | None = None
        """The words whose matches the results list shows."""

    def compose(self) -> ComposeResult:
        filtering = next((k.display for k in self.keys if k.id == "corpus_filter"), "")
        with Horizontal(id="corpus-top"):
            yield Label(plain(f"{self.app.title}"), id="corpus-title", markup=False)
            yield ProgressBar(total=1, show_eta=False, id="corpus-progress")
            yield Label("", id="corpus-state", markup=False)
        with Horizontal(id="corpus-main"):
            with Vertical(id="documents-pane", classes="pane"):
                yield ListFilter(f"{filtering}: filter documents", id="document-filter")
                yield DocumentList(id="documents")
            with Vertical(id="entities-pane", classes="pane"):
                yield ListFilter(f"{filtering}: filter entities", id="entity-filter")
                yield EntityList(id="entities")
        with Vertical(id="results", classes="pane"):
            yield OccurrenceList(self._passage, id="occurrences")
            yield HitList(id="hits")
        yield Label("", id="corpus-where", markup=False)
        yield Input(placeholder="search every document (Enter to search, escape to cancel)", id="corpus-search", classes="prompt")  # fmt: skip
        # The footer is mounted just after the first frame (_mount_footer).

    def on_mount(self) -> None:
        # CorpusData.on_mount (the first load) runs too: Textual calls every class's handler.
        self.query_one("#results").display = False
        self.query_one("#corpus-search").display = False
        self.query_one("#hits").display = False
        self.query_one(EntityList).focus()
        self._titles()
        for problem in self.session.problems:
            self.notify(problem, title="Corpus", severity="warning", timeout=10)
        self.call_after_refresh(self._mount_footer)

    async def _mount_footer(self) -> None:
        """The footer, once the first frame is drawn: mounted with the screen, it would be
        made again for each change of focus and keys as the screen opens."""
        if not self.query(Footer):
            await self.mount(Footer())
            self.refresh_bindings()

    # -- what is listed -------------------------------------------------------------------

    def watch_corpus(self, corpus: Corpus) -> None:
        if not self.is_mounted:
            return
        self._list_documents()
        self._list_entities()
        self._titles()

    def watch_progress(self, progress: tuple[int, int]) -> None:
        if self.is_mounted:
            self._titles()

    def _list_documents(self, *, top: bool = False) -> None:
        wanted = self._wanted("#document-filter")
        rows = document_rows(self.corpus, wanted, by_count=self.by_first)
        empty = "No document's name holds that." if wanted else "No documents."
        self.query_one(DocumentList).show(rows, top=top, empty=empty)

    def _list_entities(self, *, top: bool = False) -> None:
        wanted = self._wanted("#entity-filter")
        rows = entity_rows(self.corpus, wanted, by_first=self.by_first, collapsed=self.collapsed)
        entities = self.query_one(EntityList)
        entities.colours = self.corpus.colours
        entities.show(rows, top=top, empty="No entity's name holds that.")

    def _wanted(self, box: str) -> str:
        from extract.names import fold

        return fold(self.query_one(box, ListFilter).value)

    def _titles(self) -> None:
        corpus = self.corpus
        documents = self.query_one("#documents-pane")
        documents.border_title = f"Documents {len(corpus.documents):,}"
        self.query_one("#entities-pane").border_title = f"Entities {len(corpus.entities):,}"
        done, total = self.progress
        bar = self.query_one(ProgressBar)
        bar.display = done < total
        bar.update(total=max(1, total), progress=done)
        counts = corpus.counts
        waiting = counts.get("pending", 0) + counts.get("changed", 0)
        if not corpus.loaded:
            state = "reading the index…"
        elif done < total:
            state = f"annotating {done:,}/{total:,}"
        elif waiting and self._refreshing:  # before the refresh has planned its work
            state = "checking the folder…"
        elif waiting:  # the model stopped (told when it did)
            state = f"{counted(waiting, 'document')} not annotated"
        else:
            state = f"{counts.get('done', 0):,} documents indexed"
            if counts.get("failed"):
                state += f" · {counts['failed']:,} failed"
            if not corpus.documents:
                state = "no documents"
        self.query_one("#corpus-state", Label).update(state)
        self._where()

    @on(RowList.Moved)
    def _moved(self) -> None:
        self._where()

    def _where(self) -> None:
        """The status line: what the row under the cursor of the focused list is."""
        focused = self.focused
        text = ""
        if isinstance(focused, DocumentList) and focused.current is not None:
            text = _document_line(focused.current)
        elif isinstance(focused, EntityList) and focused.current is not None:
            row = focused.current
            if row[0] == "entity":
                text = _entity_line(row[1])
            else:
                title = section(row[1]).title
                text = f"{title} · {row[2]:,} · Enter {'opens' if row[3] else 'closes'} the section"
        elif isinstance(focused, OccurrenceList) and focused.current is not None:
            name = self.shown_entity.name if self.shown_entity else ""
            occurrence = focused.current
            mentions = counted(occurrence.mentions, "mention")
            where = self._place_of(occurrence.path)
            text = f"{where} · {mentions} of {name} · Enter opens it at the first"
        elif isinstance(focused, HitList) and focused.current is not None:
            text = f"{self._place_of(focused.current.path)} · Enter opens it at the match"
        self.query_one("#corpus-where", Label).update(plain(text))

    def _place_of(self, path: str) -> str:
        """A document's place under the folder (its path, if the folder no longer holds it)."""
        item = self.corpus.document(path)
        return item.name if item is not None else path

    def on_descendant_focus(self) -> None:
        self._where()
        self.refresh_bindings()

    # -- filtering and ordering -------------------------------------------------------------

    @on(Input.Changed, "#document-filter")
    def _documents_filtered(self) -> None:
        self._list_documents(top=True)

    @on(Input.Changed, "#entity-filter")
    def _entities_filtered(self) -> None:
        self._list_entities(top=True)

    @on(ListFilter.Done)
    def _filter_done(self, message: ListFilter.Done) -> None:
        target = DocumentList if message.box.id == "document-filter" else EntityList
        self.query_one(target).focus()

    def action_filter(self) -> None:
        """Filter the documents or the entities, whichever list has the focus."""
        documents = isinstance(self.focused, DocumentList)
        self.query_one("#document-filter" if documents else "#entity-filter").focus()

    def action_pane(self, step: int) -> None:
        """The next (previous) list shown takes the focus; from a box, its own list's."""
        lists: list[RowList[Any]] = [self.query_one(DocumentList), self.query_one(EntityList)]
        if self.query_one("#results").display:
            results = (self.query_one(OccurrenceList), self.query_one(HitList))
            lists.extend(rows for rows in results if rows.display)
        focused = self.focused
        if isinstance(focused, ListFilter):
            focused = lists[0] if focused.id == "document-filter" else lists[1]
            step = 0 if step > 0 else step
        place = lists.index(focused) if focused in lists else -1
        lists[(place + step) % len(lists)].focus()

    def action_order(self) -> None:
        """Most first, or in order of first appearance (documents: by name)."""
        self.by_first = not self.by_first
        self._list_documents()
        self._list_entities()
        said = "first appearance; documents by mentions" if self.by_first else "count; documents by name"  # fmt: skip
        self.notify(f"Order: entities by {said}.", timeout=2)

    # -- opening ----------------------------------------------------------------------------

    @on(RowList.Chosen, "#documents")
    def _document_chosen(self, message: RowList.Chosen) -> None:
        item = self.query_one(DocumentList).current
        if item is None:
            return
        if item.status == "gone":
            self.notify(f"{item.name} was deleted from the folder.", severity="warning", timeout=4)
            return
        self.app.open_document(item.path)  # type: ignore[attr-defined]

    @on(RowList.Chosen, "#entities")
    def _entity_chosen(self, message: RowList.Chosen) -> None:
        row = self.query_one(EntityList).current
        if row is None:
            return
        if row[0] == "section":
            self.collapsed = self.collapsed ^ {row[1]}
            self._list_entities()
            return
        self.show_documents_of(row[1])

    def show_documents_of(self, entity: CorpusEntity) -> None:
        """List the documents naming an entity, each with its first mention in context."""
        self.shown_entity, self.searched = entity, None
        found = self.corpus_query.occurrences(entity.keys)
        occurrences = self.query_one(OccurrenceList)
        occurrences.category, occurrences.colours = entity.category, self.corpus.colours
        self._results(f"{entity.name} · {counted(len(found), 'document')}", occurrences)
        occurrences.show(found, top=True)

    def _results(
        self, title: str, shown: RowList[object] | RowList[Occurrence] | RowList[Hit]
    ) -> None:
        results = self.query_one("#results")
        results.display = True
        results.border_title = plain(title)
        for widget in (self.query_one(OccurrenceList), self.query_one(HitList)):
            widget.display = widget is shown
        shown.focus()

    def _passage(self, occurrence: Occurrence, reach: int) -> tuple[str, int, int]:
        text = self.corpus_query.passage(
            occurrence.document, occurrence.start, occurrence.end, reach
        )
        low = max(0, occurrence.start - reach)
        return text, occurrence.start - low, occurrence.end - low

    @on(RowList.Chosen, "#occurrences")
    def _occurrence_chosen(self) -> None:
        occurrence = self.query_one(OccurrenceList).current
        if occurrence is not None:
            self._open(occurrence.path, ("mention", occurrence.start, occurrence.end))

    @on(RowList.Chosen, "#hits")
    def _hit_chosen(self) -> None:
        hit = self.query_one(HitList).current
        if hit is None or self.searched is None:
            return
        found = self.corpus_query.match_in(hit.document, self.searched)
        self._open(hit.path, ("match", *found) if found is not None else None)

    def _open(self, name: str, target: tuple[str, int, int] | None) -> None:
        item = self.corpus.document(name)
        if item is None or item.status == "gone":
            self.notify("That document is no longer in the folder.", severity="warning", timeout=4)
            return
        self.app.open_document(item.path, target)  # type: ignore[attr-defined]

    def on_screen_resume(self) -> None:
        """Back from the reader: the entity's documents (or the search's) show the one read
        last under the cursor, as do the documents."""
        last = self.last_read
        item = self.corpus.document(last) if last else None
        if item is None or item.id is None:
            return
        self.query_one(DocumentList).move_to(item.path)
        for rows in (self.query_one(OccurrenceList), self.query_one(HitList)):
            if rows.display:
                rows.move_to(item.id)

    def action_close(self) -> None:
        """Close an entity's documents or a search's results, back to the entities."""
        search = self.query_one("#corpus-search", Input)
        if search.display:
            search.display = False
        else:
            self.query_one("#results").display = False
            self.shown_entity = self.searched = None
        self.query_one(EntityList).focus()

    # -- searching --------------------------------------------------------------------------

    def action_search(self) -> None:
        """Ask for words to find in every document."""
        box = self.query_one("#corpus-search", Input)
        box.display = True
        box.value = self.searched or ""
        box.focus()

    @on(Input.Submitted, "#corpus-search")
    def _search_submitted(self, message: Input.Submitted) -> None:
        message.input.display = False
        words = message.value.strip()
        if not words:
            self.query_one(EntityList).focus()
            return
        hits = self.corpus_query.search(words)
        self.shown_entity, self.searched = None, words
        shown = self.query_one(HitList)
        self._results(f"search: {words} · {counted(len(hits), 'document')}", shown)
        shown.show(hits, top=True)
        if not hits:
            self.notify(f"No document holds {words!r}.", severity="warning", timeout=3)

    # -- keys -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A key a box types as text is not offered (the footer leaves it out)."""
        if not isinstance(self.focused, Input):
            return True
        for key in self.keys:
            if key.owner != "CorpusScreen" or parse_action(key.action)[1:] != (action, parameters):
                continue
            return not all(len(k) == 1 or k == "slash" for k in key.keys.split(","))
        return True

    def action_help(self) -> None:
        """Show every key."""
        from tui.screens.help import HelpScreen

        here = ("Corpus screen", "Corpus lists")  # this screen's keys first
        keys = sorted(self.keys, key=lambda key: key.group not in here)
        self.app.push_screen(HelpScreen(tuple(keys)))

    def action_quit(self) -> None:
        """Leave."""
        self._cancel.set()
        self.app.exit()

    def current_entity(self) -> CorpusEntity | None:
        """The entity a corpus-wide correction applies to: under the cursor of the entities,
        or the one whose documents are listed."""
        if isinstance(self.focused, EntityList | ListFilter) or self.shown_entity is None:
            row = self.query_one(EntityList).current
            if row is not None and row[0] == "entity":
                return row[1]
        return self.shown_entity


def _document_line(item: DocumentItem) -> str:
    where = f"{item.name} · {size_text(item.size)}"
    if item.status == "done":
        return f"{where} · {item.entities:,} entities · {item.mentions:,} mentions"
    if item.status == "failed":
        return f"{where} · failed: {item.error or 'unreadable'}"
    return f"{where} · {STATUS_WORDS[item.status]}"


def _entity_line(entity: CorpusEntity) -> str:
    category = section(entity.category).singular
    also = entity.folded.split("\n")[1:]
    named = f" · also {', '.join(also[:3])}" if also else ""
    return f"{entity.name} · {category} · {entity_counts(entity)}{named}"
