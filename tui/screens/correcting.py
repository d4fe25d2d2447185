"""`CorrectingScreen`: the corrections a reader makes, with their dialogs.

Each key records one edit (`extract.corrections`), saved at once; the view is derived again
and every widget follows. `ReaderScreen` adds the widgets and the keys for moving.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING

from extract.model import Entity
from tui.reading import Edge, Notice, Resize, snap_to_words
from tui.screens.document import DocumentScreen
from tui.widgets.article import ArticleView

if TYPE_CHECKING:
    from tui.comparing import Side


def _edits() -> ModuleType:
    """The corrections module, imported on the first correction (not before the first frame)."""
    import extract.corrections

    return extract.corrections


class CorrectingScreen(DocumentScreen):
    """A document screen whose reader corrects the model: relabel, remove, add, merge, split,
    grow and shrink a mention, undo and redo."""

    @property
    def article(self) -> ArticleView:
        return self.query_one(ArticleView)

    def labels_in_use(self) -> set[str]:
        """The labels of the entities shown and those the settings name."""
        from extract.categories import label_mapping

        used = {m.label for entity in self.entities for m in entity.mentions}
        return used | set(label_mapping())

    def _need_entity(self) -> Entity | None:
        if self.current_entity is None or self.current is None:
            self.notify("No current entity: press ] or choose one in the sidebar.", timeout=3)
            return None
        return self.current_entity

    def action_relabel(self) -> None:
        """Choose a label for every mention of the current entity."""
        from tui.screens.chooser import Chooser, label_choices  # (the dialogs: when asked for)

        entity = self._need_entity()
        if entity is None:
            return

        def chosen(label: str | None) -> None:
            if label:
                said = f"{entity.name}: every mention is now {label}."
                self.correct(_edits().relabel(entity, label), said)

        self.app.push_screen(
            Chooser(f"Relabel {entity.name}", label_choices(self.labels_in_use())), chosen
        )

    def action_remove_entity(self) -> None:
        """The current entity is not an entity."""
        entity = self._need_entity()
        if entity is not None:
            said = f"Removed {entity.name} ({len(entity.mentions)} mentions). u undoes."
            self.correct(_edits().remove(entity), said)

    def action_remove_mention(self) -> None:
        """Remove only the current mention."""
        current = self.current
        if self._need_entity() is not None and current is not None:
            said = f"Removed this mention of {current.text!r}. u undoes."
            self.correct(_edits().remove_mention(self.document.text, current), said)

    def action_add(self) -> None:
        """Mark the search match or the mouse selection as an entity."""
        from tui.screens.chooser import Chooser, label_choices
        from tui.screens.confirm import Confirm

        selection = self.article.selection
        span = selection or self.match
        if span is None or span[0] >= span[1]:
            self.notify(
                "Select text with the mouse, or search for it with /, then press a.", timeout=4
            )
            return
        text = self.document.text
        snapped = snap_to_words(text, span, words=selection is not None)
        if snapped is None:
            return
        start, end = snapped
        piece = text[start:end]

        def chosen(label: str | None) -> None:
            if not label:
                return
            others = [o for o in _edits().occurrences(text, piece) if o != snapped]
            if not others:
                self._add(start, end, label, everywhere=False)
                return
            question = Confirm(
                f"Label the {len(others)} other occurrences of {piece!r} too?",
                yes="All (y)",
                no="Only this (n)",
            )
            self.app.push_screen(
                question, lambda everywhere: self._add(start, end, label, everywhere=everywhere)
            )

        self.app.push_screen(
            Chooser(f"Label for {piece!r}", label_choices(self.labels_in_use())), chosen
        )

    def _add(self, start: int, end: int, label: str, *, everywhere: bool | None) -> None:
        self.article.clear_selection()
        text = self.document.text
        where = " everywhere" if everywhere else ""
        edit = _edits().add(text, start, end, label, everywhere=bool(everywhere))
        self.reading = self.reading.leave_search()
        said = f"Added {text[start:end]!r} as {label}{where}."
        self.correct(edit, said, land=lambda reading: reading.onto((start, end)))

    def action_merge(self) -> None:
        """Merge the current entity into another one."""
        from tui.screens.chooser import Chooser, entity_choices

        entity = self._need_entity()
        if entity is None:
            return
        others = [e for e in self.entities if e.id != entity.id]

        def chosen(target_id: str | None) -> None:
            target = next((e for e in self.entities if e.id == target_id), None)
            if target is not None:
                said = f"Merged {entity.name} into {target.name}."
                self.correct(_edits().merge(entity, target), said)

        title = f"Merge {entity.name} into…"
        self.app.push_screen(Chooser(title, entity_choices(others)), chosen)

    def action_split(self) -> None:
        """Make the current mention an entity of its own."""
        entity = self._need_entity()
        current = self.current
        if entity is None or current is None:
            return
        if len(entity.mentions) == 1:
            self.notify(f"{entity.name} has only this mention.", timeout=3)
            return
        said = f"Split this mention out of {entity.name}."
        self.correct(_edits().split(self.document.text, current), said)

    def action_undo(self) -> None:
        """Take back the last correction."""
        self.step_history("undo")

    def action_redo(self) -> None:
        """Do again the last correction undone."""
        self.step_history("redo")

    def action_grow(self, edge: Edge) -> None:
        """Take in one more word at the start or end of the current mention."""
        self._resize(*self.reading.resize(edge, grow=True))

    def action_shrink(self, edge: Edge) -> None:
        """Leave out one word at the start or end of the current mention."""
        self._resize(*self.reading.resize(edge, grow=False))

    def _resize(self, plan: Resize | None, notice: Notice | None) -> None:
        from tui.screens.confirm import Confirm

        if notice is not None:
            self.notify(notice.text, severity=notice.severity, timeout=notice.timeout)
        if plan is None:
            return
        if not plan.absorbs:
            self._resized(plan, merge=True)
            return
        names = ", ".join(repr(m.text) for m in plan.absorbs[:3])
        more = f" and {len(plan.absorbs) - 3} more" if len(plan.absorbs) > 3 else ""
        start, end = plan.span
        question = Confirm(
            f"Grow into {names}{more}? {self.document.text[start:end]!r} becomes one mention.",
            yes="Merge (y)",
            no="Leave them (n)",
        )
        self.app.push_screen(question, lambda merge: self._resized(plan, merge=bool(merge)))

    def _resized(self, plan: Resize, *, merge: bool) -> None:
        if not merge:
            return
        text = self.document.text
        start, end = plan.span
        edit = _edits().resize(text, plan.mention, start, end)
        said = f"Now {text[start:end]!r} ({plan.mention.label}). u undoes."
        self.correct(edit, said, land=lambda reading: reading.onto((start, end)))

    def action_take_gold(self) -> None:
        """With --compare: make what is shown here agree with gold."""
        self._take_side("gold")

    def action_keep_model(self) -> None:
        """With --compare: keep the model's version here, as the user's own."""
        self._take_side("model")

    def _take_side(self, side: Side) -> None:
        from tui.comparing import landed, taking

        plan, notice = taking(self.reading, side)
        if notice is not None:
            self.notify(notice.text, severity=notice.severity, timeout=notice.timeout)
        if plan is not None:
            span = plan.span
            self.correct(plan.correction, plan.said, land=lambda reading: landed(reading, span))
