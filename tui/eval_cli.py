"""``entity-reader eval``: the model (as the reader shows it) against gold, as a Rich table or
JSON. Never imports Textual."""

from __future__ import annotations

import argparse
import json

from extract.annotations import Annotations, annotate
from extract.cache import MentionCache
from extract.corrections import open_for
from extract.document import Document, load
from extract.evaluation import Comparison, Scores, compare, read_label_map
from extract.importers import Imported, read_annotations
from extract.ner import Annotator
from tui.cli import check_jobs, warn, write_stdout


def _shown(document: Document, annotator: Annotator) -> Annotations:
    """What the reader shows for a document: the model's mentions with its corrections
    (only read: eval never moves or writes them)."""
    store = open_for(document.source, document.sha256, read_only=True)
    for told in (*document.notes, *store.problems):
        warn(told)
    return annotate(document, annotator, corrections=store.effective)


def evaluate(args: argparse.Namespace) -> int:
    """Carry out an eval command; return the exit status."""
    jobs = check_jobs(args.jobs)
    label_map = read_label_map(args.label_map) if args.label_map else None
    given = load(args.text, args.format_in) if args.text else None
    golds: list[Imported] = [
        read_annotations(path, args.import_format, given) for path in args.gold
    ]
    annotator = Annotator(args.model, jobs=jobs, cache=None if args.no_cache else MentionCache())
    comparison = Comparison((m.label for gold in golds for m in gold.mentions), label_map)
    scores = Scores(comparison.compared_by)
    from rich.console import Console

    with Console(stderr=True).status("running the model…"):
        for gold in golds:
            shown = _shown(gold.document, annotator)
            compare(gold.mentions, shown.entities, comparison, scores)
    model = {"name": annotator.info.name, "version": annotator.info.version}
    if args.json:
        data = {"model": model, "gold": list(args.gold), **scores.as_data()}
        write_stdout(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return 0
    _print_table(scores, f"{model['name']} {model['version']}", args.gold)
    return 0


def _visible(value: str) -> str:
    """A label or path from a file as it may be shown: anything unprintable escaped."""
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in value)


def _print_table(scores: Scores, model: str, gold: list[str]) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    def cells(counts: object) -> list[str]:
        return [f"{getattr(counts, key):.3f}" for key in ("precision", "recall", "f1")]

    names = ", ".join(map(_visible, gold))
    table = Table(
        title=Text(f"{model} against {names}"),
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )
    table.add_column(f"\n{scores.compared_by}", no_wrap=True)
    for heading in ("gold", "model"):
        table.add_column(f"\n{heading}", justify="right", min_width=len(heading))
    for kind in ("strict", "lenient"):
        for measure in ("P", "R", "F1"):
            # The kind heads the first of its three columns: a grouped header.
            head = kind if measure == "P" else ""
            table.add_column(f"{head}\n{measure}", justify="right", min_width=max(5, len(head)))
    for name, score in sorted(scores.labels.items()):
        table.add_row(
            Text(_visible(name)),
            str(score.gold),
            str(score.predicted),
            *cells(score.strict),
            *cells(score.lenient),
        )
    overall = scores.overall
    table.add_section()
    table.add_row(
        "overall",
        str(overall.gold),
        str(overall.predicted),
        *cells(overall.strict),
        *cells(overall.lenient),
        style="bold",
    )
    console = Console(highlight=False)
    console.print(table)
    console.print(Text(_caption(scores)))


def _caption(scores: Scores) -> str:
    said = {
        "label": "labels compared as they are",
        "category": "gold labels from another scheme: compared by category",
        "label map": "labels compared through the label map",
    }[scores.compared_by]
    left = []
    if scores.left_out_predicted:
        left.append(f"{scores.left_out_predicted} model mentions")
    if scores.left_out_gold:
        left.append(f"{scores.left_out_gold} gold mentions")
    if left:
        said += f"; left out: {' and '.join(left)}"
    return said + "; strict: same span and label, lenient: overlapping span, same label"
