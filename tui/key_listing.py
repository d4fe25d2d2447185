"""The key list (`tui.bindings.KEYS`) remapped and written out: no Textual.

A keymap (action id → keys, as Textual's ``App.set_keymap`` takes) remaps keys at start-up:
`remapped` gives the list the help and palette then show. `keys_help` writes it for ``--help``,
`keys_markdown` for the README (regenerate its table with ``python -m tui.key_listing``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from itertools import groupby
from operator import attrgetter

from tui.bindings import KEYS, Key


def remapped(keymap: Mapping[str, str], keys: tuple[Key, ...] = KEYS) -> tuple[Key, ...]:
    """The key list with a keymap (action id → keys, comma-separated) applied.

    Raises ValueError for an id the reader does not know or cannot remap (Textual's own).
    """
    known = {key.id: key for key in keys}
    for key_id, value in keymap.items():
        key = known.get(key_id)
        if key is None or key.owner == "App" or not key.keys:
            raise ValueError(f"no key to remap has the id {key_id!r}")
        if not value.strip():
            raise ValueError(f"no keys given for {key_id!r}")
    return tuple(
        replace(key, keys=",".join(k.strip() for k in keymap[key.id].split(",")))
        if key.id in keymap
        else key
        for key in keys
    )


def _groups(keys: tuple[Key, ...]) -> Iterator[tuple[str, list[Key]]]:
    """The keys that have keys (not the palette's commands alone), by help group, in order."""
    for group, members in groupby((key for key in keys if key.keys), key=attrgetter("group")):
        yield group, list(members)


def keys_help(keys: tuple[Key, ...] = KEYS) -> str:
    """Every key with its description, grouped, for ``--help``."""
    lines: list[str] = []
    for group, members in _groups(keys):
        lines.append(f"  {group}")
        lines.extend(f"    {key.display:<14} {key.description}" for key in members)
    return "\n".join(lines)


def keys_markdown(keys: tuple[Key, ...] = KEYS) -> str:
    """Every key as a Markdown table, for the README (a test keeps the two in step)."""
    rows = ["| keys | what it does |", "| --- | --- |"]
    for group, members in _groups(keys):
        rows.append(f"| **{group}** | |")
        for key in members:
            shown = " ".join(f"`{name}`" for name in key.display.split())
            rows.append(f"| {shown} | {key.description} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(keys_markdown())
