"""`CorpusCorrecting`: corrections for every document of the corpus (corpus rules), and the
export of the whole corpus.

A rule names the entity by every form its mentions take in the corpus, so it reaches the
documents it is in now and those added later; it is saved at once in the folder's rules file,
and the documents naming it are derived again in the background (the lists follow). Undo and
redo work on this session's rules, as in the reader.
"""

from __future__ import annotations

from extract.corpus_groups import CorpusEntity
from extract.corrections import Correction
from extract.errors import EntityReaderError
from tui.screens.chooser import Chooser, label_choices
from tui.screens.corpus_data import CorpusData
from tui.screens.undoing import Way, step, stepped


class CorpusCorrecting(CorpusData):
    """The corpus screen's corrections and export (see the module's description)."""

    def current_entity(self) -> CorpusEntity | None:
        """The entity a correction applies to (the screen says which)."""
        raise NotImplementedError

    def _need_entity(self) -> CorpusEntity | None:
        entity = self.current_entity()
        if entity is None:
            self.notify("Put the cursor on an entity first (in the Entities list).", timeout=3)
        return entity

    def rule(self, correction: Correction, said: str) -> bool:
        """Save a corpus rule, and bring the documents it touches up to date."""
        try:
            self.session.rules.do(correction)
        except (OSError, EntityReaderError) as error:
            self.notify(f"Could not save the rule: {error}", severity="error", timeout=8)
            return False
        self.refresh_index()
        self.notify(said, timeout=4)
        return True

    def action_relabel(self) -> None:
        """Give an entity another label in every document."""
        entity = self._need_entity()
        if entity is None:
            return

        def chosen(label: str | None) -> None:
            if label and entity is not None:
                forms = self.corpus_query.forms(entity.keys)
                edit = Correction("relabel", label=label, forms=forms, category=entity.category)
                said = f"{entity.name} is now {label} in every document. u undoes."
                self.rule(edit, said)

        choices = label_choices(self.corpus_query.labels())
        self.app.push_screen(Chooser(f"Relabel {entity.name} everywhere", choices), chosen)

    def action_remove(self) -> None:
        """The entity is not an entity, in any document."""
        entity = self._need_entity()
        if entity is not None:
            forms = self.corpus_query.forms(entity.keys)
            edit = Correction("remove", forms=forms, category=entity.category)
            said = f"Removed {entity.name} from every document. u undoes."
            self.rule(edit, said)

    def action_merge(self) -> None:
        """Make an entity part of another, in every document."""
        entity = self._need_entity()
        if entity is None:
            return
        others = [e for e in self.corpus.entities if e.key != entity.key]
        choices = [
            (e.key, e.name, f"{e.category} · {e.documents:,} docs · {e.mentions:,}") for e in others
        ]

        def chosen(key: str | None) -> None:
            target = self.corpus.entity_of(key) if key else None
            if target is None or entity is None:
                return
            query = self.corpus_query
            edit = Correction(
                "merge",
                forms=query.forms(entity.keys),
                category=entity.category,
                into=query.forms(target.keys),
                into_category=target.category,
            )
            self.rule(edit, f"Merged {entity.name} into {target.name} in every document.")

        self.app.push_screen(Chooser(f"Merge {entity.name} into…", choices), chosen)

    def action_undo(self) -> None:
        """Take back this session's last corpus rule."""
        self._step("undo")

    def action_redo(self) -> None:
        """Make again the last corpus rule taken back."""
        self._step("redo")

    def _step(self, way: Way) -> None:
        changed = step(self.session.rules, way, self, f"No corpus-wide correction to {way}.")
        if changed is not None:
            self.refresh_index()
            self.notify(stepped(changed, way, " in every document"), timeout=3)

    def action_export(self) -> None:
        """Export every document of the corpus, in a format, into a folder."""
        from tui.screens.corpus_export import CorpusExportScreen

        def done(wrote: bool | None) -> None:
            self.refresh_index()  # what the export indexed, and what it stopped

        self._cancel.set()  # the export reads and indexes every document itself
        self.app.push_screen(CorpusExportScreen(self.session), done)
