"""The settings file: TOML in the user config folder (or ``--config PATH``).

    model = "fr_core_news_sm"        # the model when neither --model nor $ENTITY_READER_MODEL says
    theme = "textual-light"          # any of Textual's themes
    sidebar_width = 36               # columns

    [labels]                         # label → section
    DISEASE = "Medical"
    SYMPTOM = "Medical"
    PER = "People"

    [colours]                        # label or section → "#rrggbb", or {dark = …, light = …}
    Medical = "#2e7d6b"

    [keys]                           # action id (entity-reader config lists them) → keys
    next_mention = "ctrl+n"

A setting the reader does not know, or a value it cannot take, is one line naming it. Reading
this never imports Textual (``export`` reads it too); the theme's name is checked against
Textual's themes by the commands that draw (`check_theme`).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extract.colours import Pair, hex_colour
from extract.errors import EntityReaderError

FILE_NAME = "config.toml"

SIDEBAR_WIDTHS = (16, 120)
"""The sidebar widths a setting may give, in columns."""

_KEY = re.compile(r"^(?:(?:ctrl|shift|alt|meta|super|hyper)\+)*(?:[^\s,+]|[a-z0-9_]+|\+)$")
"""One key in Textual's notation: modifiers, then a character or a key's name."""


class SettingsError(EntityReaderError):
    """A settings file that cannot be read, or a setting that cannot be taken."""


@dataclass(frozen=True)
class Settings:
    """What the settings file says (nothing where it is silent)."""

    path: Path
    """The file the settings come from (or would: it may not exist)."""
    found: bool = False
    """Whether the file exists (without one, every default applies)."""
    model: str | None = None
    theme: str | None = None
    sidebar_width: int | None = None
    labels: dict[str, str] = field(default_factory=dict)
    """Label → section name."""
    colours: dict[str, Pair] = field(default_factory=dict)
    """Label or section name → (dark theme, light theme) background."""
    keys: dict[str, str] = field(default_factory=dict)
    """Action id → keys, comma-separated (a keymap, as Textual's ``App.set_keymap`` takes)."""


def default_path() -> Path:
    """``config.toml`` in the user config folder (``~/.config/entity-reader`` on Linux, or
    under ``$XDG_CONFIG_HOME``)."""
    from platformdirs import user_config_dir

    return Path(user_config_dir("entity-reader", appauthor=False)) / FILE_NAME


def load(path: str | None = None) -> Settings:
    """The settings in ``path`` (``--config``: it must exist), else in the default file (which
    may not: then every default applies)."""
    from extract.atomic import read_regular, reason

    explicit = path is not None
    where = Path(path).expanduser() if path is not None else default_path()
    try:
        data = read_regular(where, 1 << 20)
    except FileNotFoundError:
        if explicit:
            raise SettingsError(f"settings file {where} does not exist") from None
        return Settings(where)
    except OSError as error:
        raise SettingsError(f"cannot read the settings file {where}: {reason(error)}") from None
    # Only when there is a file: the reader's first frame does not wait for the parser.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise SettingsError(f"settings file {where} is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"settings file {where} is not TOML: {error}") from None
    return _settings(where, raw)


def _settings(where: Path, raw: dict[str, Any]) -> Settings:
    def bad(name: str, what: str) -> SettingsError:
        return SettingsError(f"{where}: {name} {what}")

    known = ("model", "theme", "sidebar_width", "labels", "colours", "colors", "keys")
    listed = ", ".join(k for k in known if k != "colors")
    for name in raw:
        if name not in known:
            raise bad(repr(name), f"is not a setting (the settings are {listed})")
    model = raw.get("model")
    if model is not None and (not isinstance(model, str) or not model.strip()):
        raise bad("model", "must be a model's package name or folder, as a string")
    theme = raw.get("theme")
    if theme is not None and (not isinstance(theme, str) or not theme.strip()):
        raise bad("theme", 'must be the name of a theme, as a string ("textual-light")')
    width = raw.get("sidebar_width")
    low, high = SIDEBAR_WIDTHS
    if width is not None and (type(width) is not int or not low <= width <= high):
        raise bad("sidebar_width", f"must be a whole number of columns from {low} to {high}")
    return Settings(
        where,
        found=True,
        model=model.strip() if model else None,
        theme=theme.strip() if theme else None,
        sidebar_width=width,
        labels=_labels(raw.get("labels", {}), bad),
        colours=_colours(raw.get("colours", raw.get("colors", {})), bad),
        keys=_keys(raw.get("keys", {}), bad),
    )


def _table(value: object, name: str, bad: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise bad(name, "must be a table ([" + name + "] and lines of NAME = value)")
    return value


def _labels(value: object, bad: Any) -> dict[str, str]:
    from extract.edits import is_label

    labels: dict[str, str] = {}
    for label, section in _table(value, "labels", bad).items():
        if not is_label(label):
            raise bad(f"labels.{label!r}", "is not a label")
        if not isinstance(section, str) or not is_label(section):
            raise bad(
                f"labels.{label}", 'must name a section: "person", "People" or a name of yours'
            )
        labels[label] = section
    return labels


def _colours(value: object, bad: Any) -> dict[str, Pair]:
    colours: dict[str, Pair] = {}
    for name, given in _table(value, "colours", bad).items():
        where = f"colours.{name}"
        if isinstance(given, dict):
            unknown = set(given) - {"dark", "light"}
            if unknown or not given:
                raise bad(where, "takes dark and light colours ({dark = …, light = …})")
            dark = _colour(given.get("dark", given.get("light")), f"{where}.dark", bad)
            light = _colour(given.get("light", given.get("dark")), f"{where}.light", bad)
            colours[name] = (dark, light)
        else:
            one = _colour(given, where, bad)
            colours[name] = (one, one)
    return colours


def _colour(value: object, where: str, bad: Any) -> str:
    """A colour as ``#rrggbb``: hexadecimal, ``rgb(…)``, or a terminal colour's name (Rich's)."""
    message = (
        'must be a colour: "#2e7d6b", "rgb(46, 125, 107)" or a terminal colour name ("dark_cyan")'
    )
    if not isinstance(value, str):
        raise bad(where, message)
    exact = hex_colour(value)
    if exact is not None:
        return exact
    from rich.color import Color, ColorParseError

    try:
        red, green, blue = Color.parse(value.strip().lower()).get_truecolor()
    except ColorParseError:
        raise bad(where, message) from None
    return f"#{red:02x}{green:02x}{blue:02x}"


def _keys(value: object, bad: Any) -> dict[str, str]:
    from tui.bindings import KEYS

    remappable = {key.id for key in KEYS if key.keys and key.owner != "App"}
    keymap: dict[str, str] = {}
    for key_id, given in _table(value, "keys", bad).items():
        where = f"keys.{key_id}"
        if key_id not in remappable:
            raise bad(repr(where), "is no key of the reader (entity-reader config lists them)")
        items = given if isinstance(given, list) else [given]
        parts = [
            part.strip()
            for item in items
            if isinstance(item, str)
            for part in (item.split(",") if item.strip() != "," else [item])
        ]
        if not items or len(parts) < len(items) or not all(_KEY.match(p) for p in parts):
            raise bad(where, 'must be keys, as "ctrl+n", "]" or "n,ctrl+n" (or a list of them)')
        keymap[key_id] = ",".join(parts)
    return keymap


def check_theme(settings: Settings) -> None:
    """A theme the settings name must be one of Textual's (imports Textual)."""
    if settings.theme is None:
        return
    from textual.theme import BUILTIN_THEMES

    if settings.theme not in BUILTIN_THEMES:
        names = ", ".join(sorted(BUILTIN_THEMES))
        raise SettingsError(f"{settings.path}: theme {settings.theme!r} is not one of {names}")


def apply(settings: Settings) -> None:
    """Put the settings' label mapping and colours in force for this process: what the reader
    shows and what every export writes."""
    from extract import categories, colours

    categories.configure(settings.labels)
    colours.configure(settings.colours)


def model_choice(given: str | None, settings: Settings) -> tuple[str | None, str]:
    """The model to use and why: ``--model``, else ``$ENTITY_READER_MODEL``, else the
    settings', else None (the best installed)."""
    from extract.ner import MODEL_ENV

    if given:
        return given, "--model"
    if os.environ.get(MODEL_ENV):
        return os.environ[MODEL_ENV], f"${MODEL_ENV}"
    if settings.model:
        return settings.model, "the settings file"
    return None, "the best installed"


def describe(settings: Settings, model: Mapping[str, str]) -> str:
    """The effective settings as TOML, with where each comes from (``entity-reader config``):
    ``model`` gives the resolved model's ``name`` and ``source`` (or an ``error``)."""
    from extract.categories import section_key
    from tui.bindings import KEYS

    state = "" if settings.found else " (not there: every default applies)"
    lines = [f"# settings file: {settings.path}{state}"]
    if "error" in model:
        lines.append(f"# model: none ({model['error']})")
    else:
        lines.append(f"model = {_quoted(model['name'])}  # from {model['source']}")
    theme = settings.theme or "textual-dark"
    lines.append(f"theme = {_quoted(theme)}" + ("" if settings.theme else "  # the default"))
    if settings.sidebar_width is None:
        lines.append("# sidebar_width: the default, 30% of the window (26 to 42 columns)")
    else:
        lines.append(f"sidebar_width = {settings.sidebar_width}")
    lines += ["", "[labels]  # label = section (the others: the built-in table, see the README)"]
    lines += [
        f"{_quoted(label)} = {_quoted(section)}  # {section_key(section)}"
        for label, section in settings.labels.items()
    ]
    lines += ["", "[colours]  # label or section = colour (dark and light theme)"]
    lines += [
        f"{_quoted(name)} = {{ dark = {_quoted(dark)}, light = {_quoted(light)} }}"
        for name, (dark, light) in settings.colours.items()
    ]
    lines += ["", "[keys]  # action id = keys (Textual's names), every key of the reader"]
    for key in KEYS:
        if not key.keys or key.owner == "App":
            continue
        keys = settings.keys.get(key.id, key.keys)
        mark = "remapped; " if key.id in settings.keys else ""
        lines.append(f"{key.id} = {_quoted(keys)}  # {mark}{key.description}")
    return "\n".join(lines) + "\n"


def _quoted(text: str) -> str:
    """A TOML basic string (control characters escaped, so nothing reaches the terminal)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(c if c.isprintable() else f"\\U{ord(c):08x}" for c in escaped) + '"'
