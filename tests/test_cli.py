"""The command line as a user meets it: one-line errors, version, help, light imports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sample import SAMPLE

from extract import __version__

BINARY = Path(sys.executable).with_name("entity-reader")
PNG_HEADER = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000010000000100806000000")


def entity_reader(
    *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed command as a user would, with no terminal attached."""
    return subprocess.run(
        [str(BINARY), *args],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )


def assert_one_error_line(done: subprocess.CompletedProcess[str], *fragments: str) -> str:
    lines = done.stderr.splitlines()
    assert done.returncode != 0
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("entity-reader: error: "), lines[0]
    assert "Traceback" not in done.stderr + done.stdout
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def binary_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("inputs") / "picture.txt"
    path.write_bytes(PNG_HEADER)
    return path


def test_the_command_is_installed() -> None:
    assert BINARY.is_file() and os.access(BINARY, os.X_OK)


class TestErrors:
    @pytest.mark.parametrize("command", [[], ["export"]], ids=["reader", "export"])
    def test_missing_file(self, command: list[str], tmp_path: Path) -> None:
        missing = tmp_path / "missing.txt"
        done = entity_reader(*command, str(missing))
        assert_one_error_line(done, str(missing), "no such file")

    @pytest.mark.parametrize(
        ("command", "said"),
        [([], "holds no documents"), (["export"], "is a directory")],
        ids=["reader", "export"],
    )
    def test_directory(self, command: list[str], said: str, tmp_path: Path) -> None:
        # The reader opens a folder as a corpus: an empty one is one line too.
        assert_one_error_line(entity_reader(*command, str(tmp_path)), said)

    @pytest.mark.parametrize("command", [[], ["export"]], ids=["reader", "export"])
    def test_binary_file(self, command: list[str], binary_file: Path) -> None:
        assert_one_error_line(entity_reader(*command, str(binary_file)), "binary")

    def test_binary_standard_input(self, binary_file: Path) -> None:
        with binary_file.open("rb") as stream:
            done = subprocess.run(
                [str(BINARY), "export", "-"], stdin=stream, capture_output=True, text=True
            )
        assert_one_error_line(done, "standard input", "binary")

    def test_unknown_format(self) -> None:
        done = entity_reader("export", str(SAMPLE), "--format", "nonsense")
        assert_one_error_line(done, "nonsense")

    @pytest.mark.parametrize("command", [[], ["export"]], ids=["reader", "export"])
    def test_missing_model(self, command: list[str]) -> None:
        done = entity_reader(*command, str(SAMPLE), "--model", "en_core_web_nonexistent")
        assert_one_error_line(done, "en_core_web_nonexistent", "pip install")

    def test_missing_model_from_the_environment(self) -> None:
        done = entity_reader(
            "export", str(SAMPLE), env={"ENTITY_READER_MODEL": "en_core_web_nonexistent"}
        )
        assert_one_error_line(done, "en_core_web_nonexistent", "pip install")

    def test_missing_model_folder(self, tmp_path: Path) -> None:
        done = entity_reader("export", str(SAMPLE), "--model", str(tmp_path / "no-model"))
        assert_one_error_line(done, "no-model", "pip install")

    def test_no_arguments(self) -> None:
        assert_one_error_line(entity_reader(), "FILE")

    def test_unknown_option(self) -> None:
        assert_one_error_line(entity_reader("--frobnicate", str(SAMPLE)), "--frobnicate")

    def test_bad_jobs(self) -> None:
        done = entity_reader("export", str(SAMPLE), "--jobs", "0", "--no-cache")
        assert_one_error_line(done, "--jobs")


class TestInformation:
    def test_version(self) -> None:
        done = entity_reader("--version")
        assert done.returncode == 0
        assert done.stdout.strip() == f"entity-reader {__version__}"

    def test_every_command_has_the_version_of_the_installed_package(self) -> None:
        from importlib.metadata import version

        assert __version__ == version("entity-reader")
        for command in (("export",), ("eval",)):
            done = entity_reader(*command, "--version")
            assert done.returncode == 0, done.stderr
            assert done.stdout.strip() == f"entity-reader {__version__}"

    def test_help_mentions_export(self) -> None:
        done = entity_reader("--help")
        assert done.returncode == 0
        assert "entity-reader export FILE" in done.stdout
        assert "--model" in done.stdout and "--no-cache" in done.stdout

    def test_export_help_lists_formats(self) -> None:
        done = entity_reader("export", "--help")
        assert done.returncode == 0
        assert "json" in done.stdout and "--format" in done.stdout

    def test_module_runs_the_same_command(self) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "tui", "--version"], capture_output=True, text=True
        )
        assert done.stdout.strip() == f"entity-reader {__version__}"


def imported_after(statement: str) -> list[str]:
    """Which of the heavy packages a fresh interpreter holds after running ``statement``."""
    script = (
        f"import json, sys\n{statement}\n"
        "print(json.dumps(sorted(name for name in ('textual', 'rich', 'spacy', 'thinc') "
        "if name in sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout))


class TestImports:
    def test_import_extract_is_light(self) -> None:
        assert imported_after("import extract") == []

    def test_the_extraction_modules_are_light(self) -> None:
        modules = "extract.ner, extract.cache, extract.chunks, extract.grouping, extract.document"
        assert imported_after(f"import {modules}") == []

    def test_the_command_line_module_is_light(self) -> None:
        assert imported_after("import tui.cli") == []
