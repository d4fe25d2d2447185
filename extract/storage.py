"""Where entity-reader keeps what it remembers for the user (positions, corrections)."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path


def data_dir() -> Path:
    """``$ENTITY_READER_DATA_DIR``, else the platform's user data folder."""
    override = os.environ.get("ENTITY_READER_DATA_DIR")
    if override:
        return Path(override)
    return _platform_data_dir()


@cache
def _platform_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("entity-reader", appauthor=False))
