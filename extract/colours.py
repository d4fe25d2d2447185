"""The colours of categories: the six built in, one generated for each other section (distinct
from the rest and readable in both themes), and the user's own per label or section.

Plain data, no Rich: the reader's theme and the HTML export both read it.
"""

from __future__ import annotations

import colorsys
import hashlib
from collections.abc import Iterable, Mapping
from functools import lru_cache

from extract.categories import KNOWN_LABELS, builtin_named, is_builtin

Pair = tuple[str, str]
"""A background colour for the dark theme and one for the light theme, as ``#rrggbb``."""

BUILTIN: dict[str, Pair] = {
    "person": ("#7b3f9e", "#e7c9ff"),
    "organisation": ("#235f8f", "#bfdcff"),
    "place": ("#2f6d36", "#c6efc0"),
    "figure": ("#8c5a10", "#ffdca3"),
    "date": ("#80303e", "#ffc9d2"),
    "other": ("#4c525b", "#dedede"),
}
"""Background of each built-in category's mentions: (dark theme, light theme)."""

TEXT_ON: Pair = ("#f4f4f4", "#111111")
"""Foreground on those backgrounds: (dark theme, light theme)."""

LEAST_CONTRAST: tuple[float, float] = (4.5, 7.0)
"""The contrast a generated background keeps with `TEXT_ON` in each theme (WCAG AA, AAA)."""

GAP = 24.0
"""Degrees of hue kept between generated colours and from the built-in ones, where there is room."""

_GOLDEN = 137.508
"""Degrees between the hues tried for a section whose own hue is taken."""


def hex_colour(value: str) -> str | None:
    """``#rgb`` or ``#rrggbb`` as ``#rrggbb`` (lower case); None for anything else."""
    text = value.strip().lower()
    digits = text[1:]
    if not text.startswith("#") or len(digits) not in (3, 6):
        return None
    if any(c not in "0123456789abcdef" for c in digits):
        return None
    return "#" + ("".join(c * 2 for c in digits) if len(digits) == 3 else digits)


def _rgb(colour: str) -> tuple[float, float, float]:
    return int(colour[1:3], 16) / 255, int(colour[3:5], 16) / 255, int(colour[5:7], 16) / 255


def _hex(red: float, green: float, blue: float) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, c)) * 255):02x}" for c in (red, green, blue))


def luminance(colour: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = map(linear, _rgb(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def hue(colour: str) -> float:
    """The hue of a colour in degrees."""
    return colorsys.rgb_to_hls(*_rgb(colour))[0] * 360


def _shade(degrees: float, dark: bool, ring: int) -> str:
    """A background of this hue for a theme, as light (light theme) or dark (dark theme) as
    it must be for its text to stay readable."""
    lightness, saturation = (0.34 - 0.06 * ring, 0.5) if dark else (0.84 + 0.04 * ring, 0.8)
    text = TEXT_ON[0 if dark else 1]
    least = LEAST_CONTRAST[0 if dark else 1]
    for _ in range(40):
        colour = _hex(*colorsys.hls_to_rgb(degrees / 360, lightness, saturation))
        if contrast(colour, text) >= least:
            return colour
        lightness += -0.02 if dark else 0.01
    return colour


def _distance(first: float, second: float) -> float:
    apart = abs(first - second) % 360
    return min(apart, 360 - apart)


def _own_hue(key: str) -> float:
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 * 360


_BUILTIN_HUES = tuple(hue(dark) for key, (dark, _) in BUILTIN.items() if key != "other")


RING_APART = 12.0
"""Degrees of hue a second, darker (lighter) shade counts as, against the first shade's hues."""


@lru_cache(maxsize=64)
def _generated(keys: tuple[str, ...]) -> dict[str, Pair]:
    taken: list[tuple[float, int]] = [(h, 0) for h in _BUILTIN_HUES]
    colours: dict[str, Pair] = {}
    for key in keys:
        start = _own_hue(key)
        tried = [(start + step * _GOLDEN) % 360 for step in range(64)]

        def room(candidate: float, ring: int) -> float:
            return min(
                (_distance(candidate, h) + (0 if r == ring else RING_APART) for h, r in taken),
                default=360.0,
            )

        best = max(
            ((room(c, ring), -ring, -step, c) for ring in (0, 1) for step, c in enumerate(tried)),
        )
        first = next(((c, 0) for c in tried if room(c, 0) >= GAP), None)
        chosen, ring = first if first is not None else (best[3], -best[1])
        taken.append((chosen, ring))
        colours[key] = (_shade(chosen, True, ring), _shade(chosen, False, ring))
    return colours


def palette(keys: Iterable[str]) -> dict[str, Pair]:
    """Generated colours for the sections among ``keys`` that are not built in: each its own
    hue (from its name, so the same label keeps its colour from text to text), moved where it
    would be too near a built-in category's or another's. The same keys give the same colours."""
    custom = tuple(sorted({key for key in keys if not is_builtin(key)}))
    return _generated(custom)


# -- the user's colours ------------------------------------------------------------------------

_by_label: dict[str, Pair] = {}
_by_category: dict[str, Pair] = {}


def configure(colours: Mapping[str, Pair]) -> None:
    """The settings' colours, by label ("PER", "DISEASE") or section (a built-in category by
    any of its names, "People", or the name of another section); an empty mapping restores
    the built-in and generated colours."""
    _by_label.clear()
    _by_category.clear()
    for name, pair in colours.items():
        builtin = builtin_named(name)
        if builtin is not None:
            _by_category[builtin] = pair
        elif name in KNOWN_LABELS:
            _by_label[name] = pair
        else:  # a label of its own section, or a section the settings name
            _by_label[name] = pair
            _by_category[name] = pair


def chosen(category: str, label: str = "") -> Pair | None:
    """The settings' colour for a mention's label, else for its category, if any."""
    pair = _by_label.get(label) if label else None
    return pair if pair is not None else _by_category.get(category)


def background(
    category: str, *, dark: bool, label: str = "", generated: Mapping[str, Pair] | None = None
) -> str:
    """The background of a mention (``label``) or a section in a theme: the user's colour for
    the label, else for the category, else the built-in or generated one (``generated``: the
    `palette` of the sections on show)."""
    pair = chosen(category, label) or BUILTIN.get(category)
    if pair is None:
        pair = (generated or {}).get(category) or palette([category])[category]
    return pair[0 if dark else 1]
