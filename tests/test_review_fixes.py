"""Exports never land on the document, and a file named with --annotations is never moved."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sample import SAMPLE

from extract.corrections import CorrectionsError, open_for
from extract.exporters import default_target, overwrites_source
from tui.cli import main


def test_brat_default_target_beside_a_txt_does_not_write_over_it(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    shutil.copy(SAMPLE, source)
    assert overwrites_source("brat", tmp_path / "a.ann", str(source)) == source
    target = default_target("brat", str(source), tmp_path)
    assert target == tmp_path / "a.entities.ann"
    assert overwrites_source("brat", target, str(source)) is None
    assert default_target("json", str(source), tmp_path) == tmp_path / "a.json"


def test_out_dir_beside_the_sources_exports_brat(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    shutil.copy(SAMPLE, source)
    before = source.read_bytes()
    assert main(["export", str(source), "--format", "brat", "--out-dir", str(tmp_path)]) == 0
    assert source.read_bytes() == before
    assert (tmp_path / "a.entities.ann").is_file()
    assert (tmp_path / "a.entities.txt").read_bytes() == before


def test_an_export_given_as_annotations_is_an_error_and_is_not_moved(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "out.json"
    assert main(["export", str(SAMPLE), "-o", str(export)]) == 0
    content = export.read_bytes()
    capsys.readouterr()
    status = main(["export", str(SAMPLE), "--annotations", str(export)])
    err = capsys.readouterr().err
    assert status != 0
    assert err.startswith("entity-reader: error:") and err.count("\n") == 1
    assert "--annotations takes a corrections file" in err
    assert export.read_bytes() == content
    assert not list(tmp_path.glob("*.corrupt*"))
    with pytest.raises(CorrectionsError):
        open_for(str(SAMPLE), "0" * 64, export)
    assert json.loads(content)["entities"]  # still the export it was
