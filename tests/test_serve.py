"""``entity-reader serve``: the reader in a real headless browser (Debian's chromium, driven by
Playwright), exports as downloads; a port in use, a folder and a public address at the
command line, and a folder served as a corpus."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sample import SAMPLE

from tui import serve as serving
from tui.cli import main

CHROMIUM = Path("/usr/bin/chromium")
BINARY = Path(sys.executable).with_name("entity-reader")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
"""Nothing but the page: no updates, no sync, no first-run pages, no network of its own."""

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed (.ci/run installs it)"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(cache_dir: Path) -> Iterator[str]:
    """The sample served on a free local port (the model's results cached first, so each
    browser's reader shows its entities at once); its address."""
    exported = subprocess.run(
        [str(BINARY), "export", str(SAMPLE), "-f", "json"],
        capture_output=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    assert exported.returncode == 0, exported.stderr
    port = free_port()
    server = subprocess.Popen(
        [str(BINARY), "serve", str(SAMPLE), "--port", str(port)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stderr is not None
        said = server.stderr.readline()
        assert f"serving iraqi-air-strike.txt at http://127.0.0.1:{port}" in said
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def exported_entities(page: object, downloads: Path, attempt: int) -> dict[str, str]:
    """Press e then Enter (JSON, the first format), take the download; name → category."""
    with page.expect_download(timeout=60_000) as caught:  # type: ignore[attr-defined]
        page.keyboard.press("e")  # type: ignore[attr-defined]
        page.wait_for_timeout(1500)  # type: ignore[attr-defined]
        page.keyboard.press("Enter")  # type: ignore[attr-defined]
    download = caught.value
    assert download.suggested_filename == "iraqi-air-strike.json"
    path = downloads / f"export-{attempt}.json"
    download.save_as(str(path))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["text"] == SAMPLE.read_text(encoding="utf-8")
    return {entity["name"]: entity["category"] for entity in data["entities"]}


@needs_chromium
def test_a_browser_reads_the_sample_and_downloads_its_export(served: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        try:
            page = browser.new_page(accept_downloads=True, viewport={"width": 1400, "height": 900})
            page.goto(served)
            page.wait_for_selector("body.-first-byte", timeout=120_000)
            page.click(".textual-terminal")
            page.wait_for_timeout(3000)  # the reader's first frames, the cached entities
            found: dict[str, str] = {}
            for attempt in range(5):  # entities may still be on their way: ask again
                found = exported_entities(page, tmp_path, attempt)
                if "Haider al-Abadi" in found:
                    break
                page.wait_for_timeout(3000)
        finally:
            browser.close()
    assert found.get("Haider al-Abadi") == "person"
    assert found.get("Baghdad") == "place"
    assert found.get("ISIS") == "organisation"


def test_a_port_in_use_is_one_error_line(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        status = main(["serve", str(SAMPLE), "--port", str(port), "--no-ner"])
    err = capsys.readouterr().err
    assert status == 1
    assert err == (
        f"entity-reader: error: port {port} on 127.0.0.1 is in use; choose another with --port\n"
    )


def test_a_folder_is_served_as_a_corpus(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "one.txt").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    started = idle_server(monkeypatch)
    status = main(["serve", str(folder), "--port", "9", "--backend", "dask"])
    assert status == 0, capsys.readouterr().err
    assert started == [[sys.executable, "-m", "tui", str(folder.resolve()), "--backend", "dask"]]


@pytest.mark.parametrize(
    ("options", "said"),
    [
        ([], "holds no documents"),
        (["--no-ner"], "--no-ner applies to one FILE, not to a folder"),
    ],
)
def test_a_folder_that_cannot_open_is_one_error_line_before_serving(
    options: list[str],
    said: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    started = idle_server(monkeypatch)
    if options:
        (tmp_path / "one.txt").write_text("Angela Merkel spoke.\n", encoding="utf-8")
    status = main(["serve", str(tmp_path), "--port", "9", *options])
    err = capsys.readouterr().err
    assert status == 1 and len(err.splitlines()) == 1 and said in err, err
    assert started == []


def idle_server(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Serve nothing: keep the command each browser's reader would run."""
    started: list[list[str]] = []

    class Idle:
        def __init__(self, command: list[str]) -> None:
            self.command = command

        def serve(self) -> None:
            started.append(self.command)

    monkeypatch.setattr(serving, "_server", lambda args, name: Idle(serving.reader_command(args)))
    monkeypatch.setattr(serving, "check_port", lambda host, port: None)
    return started


def test_listening_beyond_this_machine_warns_of_no_authentication(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    started = idle_server(monkeypatch)
    status = main(["serve", str(SAMPLE), "--host", "0.0.0.0", "--no-ner", "--port", "9"])
    err = capsys.readouterr().err
    assert status == 0
    assert (
        "entity-reader: warning: listening on 0.0.0.0: textual-serve has no authentication" in err
    )
    assert started == [[sys.executable, "-m", "tui", str(SAMPLE.resolve()), "--no-ner"]]


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("0.0.0.0", False),
        ("10.0.0.2", False),
    ],
)
def test_which_addresses_are_this_machine_alone(host: str, local: bool) -> None:
    assert serving.is_local(host) is local


@pytest.mark.parametrize("what", ["file", "folder"])
def test_the_served_reader_needs_no_terminal(what: str, tmp_path: Path) -> None:
    """Under Textual's web driver the reader (or the corpus screen) starts without a terminal:
    it draws for the browser through standard output (here: its first bytes of the protocol)."""
    env = {**os.environ, "TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver"}
    args = [str(SAMPLE), "--no-ner"]
    if what == "folder":
        (tmp_path / "news").mkdir()
        (tmp_path / "news" / "one.txt").write_text("Angela Merkel spoke.\n", encoding="utf-8")
        args = [str(tmp_path / "news")]
    reader = subprocess.Popen(
        [str(BINARY), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        assert reader.stdout is not None
        deadline = time.monotonic() + 60
        first = b""
        while not first and time.monotonic() < deadline:
            first = reader.stdout.read(1)
        assert first, reader.stderr.read() if reader.stderr else ""
    finally:
        reader.kill()
        reader.wait()


def test_the_served_reader_takes_the_same_corpus_rules(tmp_path: Path) -> None:
    from tui.arguments import PARSERS

    rules = tmp_path / "rules.json"
    args = PARSERS["serve"]().parse_args([str(SAMPLE), "--rules", str(rules), "--no-ner"])
    command = serving.reader_command(args)
    assert command[command.index("--rules") + 1] == str(rules.resolve())
