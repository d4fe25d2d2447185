"""Undo and redo in a store of corrections (a document's, or a corpus's rules), told to the
reader the same way wherever they are done."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from extract.errors import EntityReaderError

if TYPE_CHECKING:
    from textual.widget import Widget

    from extract.corrections import Correction, CorrectionStore

Way = Literal["undo", "redo"]


def step(store: CorrectionStore, way: Way, teller: Widget, nothing: str) -> Correction | None:
    """Undo this session's last correction in ``store``, or redo the last one undone; the
    correction, or None (``nothing`` is told, or why the save failed)."""
    try:
        changed = store.undo() if way == "undo" else store.redo()
    except (OSError, EntityReaderError) as error:
        teller.notify(f"Could not save the {way}: {error}", severity="error", timeout=8)
        return None
    if changed is None:
        teller.notify(nothing, timeout=2)
    return changed


def stepped(changed: Correction, way: Way, where: str = "") -> str:
    """ "Undid relabel in every document. ctrl+r redoes.", "Redid remove mention."."""
    what = changed.op.replace("_", " ")
    hint = " ctrl+r redoes." if way == "undo" else ""
    return f"{'Undid' if way == 'undo' else 'Redid'} {what}{where}.{hint}"
