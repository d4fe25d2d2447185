"""Shared test setup: every test gets its own empty cache of model results."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def cache_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point ``ENTITY_READER_CACHE_DIR`` at a fresh folder, so no test reads the user's cache."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("ENTITY_READER_CACHE_DIR", str(folder))
    return folder
