"""Shell completion: the bash script `entity-reader completion bash` prints, sourced in a real
bash, completes a command's name and a format's name (argcomplete runs the command)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BINARY = Path(sys.executable).with_name("entity-reader")

COMPLETE = r"""
source "$1"
complete_line() {
    COMP_LINE="$1"; COMP_POINT=${#COMP_LINE}; COMP_TYPE=9
    read -ra COMP_WORDS <<< "$COMP_LINE"
    COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
    [[ "$COMP_LINE" == *" " ]] && COMP_CWORD=${#COMP_WORDS[@]}
    _python_argcomplete entity-reader
    printf '%s\n' "${COMPREPLY[@]}"
}
complete_line "$2"
"""


@pytest.fixture(scope="module")
def bash_script(tmp_path_factory: pytest.TempPathFactory) -> Path:
    done = subprocess.run(
        [str(BINARY), "completion", "bash"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and "complete " in done.stdout, done.stderr
    path = tmp_path_factory.mktemp("completion") / "entity-reader.bash"
    path.write_text(done.stdout, encoding="utf-8")
    return path


def completions(script: Path, line: str) -> list[str]:
    """What bash offers at the end of ``line``, with entity-reader on the PATH."""
    bash = shutil.which("bash")
    assert bash is not None
    env = {**os.environ, "PATH": f"{BINARY.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(
        [bash, "-c", COMPLETE, "complete", str(script), line],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return [word.strip() for word in done.stdout.splitlines() if word.strip()]


def test_a_command_s_name_completes(bash_script: Path) -> None:
    assert completions(bash_script, "entity-reader exp") == ["export"]
    assert set(completions(bash_script, "entity-reader se")) >= {"serve"}


def test_a_format_s_name_completes(bash_script: Path) -> None:
    assert completions(bash_script, "entity-reader export story.txt --format co") == [
        "conll",
        "conll-tsv",
    ]
    assert "html" in completions(bash_script, "entity-reader export story.txt -f ")


def test_options_of_the_reader_and_of_a_command_complete(bash_script: Path) -> None:
    assert completions(bash_script, "entity-reader --no-") == ["--no-cache", "--no-ner"]
    assert completions(bash_script, "entity-reader serve --po") == ["--port"]


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_zsh_and_fish_get_their_own_script(shell: str) -> None:
    done = subprocess.run(
        [str(BINARY), "completion", shell], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and "entity-reader" in done.stdout
    assert ("compdef" in done.stdout) if shell == "zsh" else ("complete --command" in done.stdout)
