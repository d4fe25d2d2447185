"""The one sample the tests read, and fake recognisers that need no model.

`ReplayRecognizer` gives back what the real small model found in the sample (recorded in
``data/iraqi-air-strike.mentions.json``; `test_recognizer` checks the record against the model),
so the reader's tests get the model's entities in milliseconds. `WordRecognizer` marks given
words wherever they stand, for tests of chunking and executors on any text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from extract.model import Mention
from extract.recognizer import Found, ModelInfo

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "iraqi-air-strike.txt"
"""The sample article every test that needs a real text reads."""

RECORD = Path(__file__).resolve().parent / "data" / "iraqi-air-strike.mentions.json"


def recorded() -> tuple[ModelInfo, list[tuple[int, int, str]]]:
    """The model that made the record, and the mentions it found in the sample."""
    data = json.loads(RECORD.read_text(encoding="utf-8"))
    model = data["model"]
    info = ModelInfo(model["name"], model["version"], "recorded", "replay")
    return info, [(start, end, label) for start, end, label in data["mentions"]]


def sample_mentions(text: str) -> list[Mention]:
    """The recorded mentions as `Mention`s of the sample's text."""
    _, found = recorded()
    return [
        Mention(start, end, label, text[start:end], "model", label) for start, end, label in found
    ]


class ReplayRecognizer:
    """Gives back the recorded entities of the sample for any window of it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._info, self.found = recorded()
        self.calls = 0
        """How many times `recognise` ran (in this process)."""

    @property
    def info(self) -> ModelInfo:
        return self._info

    def recognise(self, texts: Sequence[str]) -> list[list[Found]]:
        self.calls += 1
        results = []
        for window in texts:
            base = self.text.find(window) if window else -1
            inside = [
                (start - base, end - base, label)
                for start, end, label in self.found
                if base >= 0 and base <= start and end <= base + len(window)
            ]
            results.append(inside)
        return results


class WordRecognizer:
    """Marks every whole-word occurrence of the given words with their labels."""

    def __init__(self, words: Mapping[str, str], *, name: str = "words") -> None:
        self.words = dict(words)
        alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        self._pattern = re.compile(rf"\b(?:{alternatives})\b")
        self._info = ModelInfo(name, "1", "test", "words=" + ",".join(sorted(words)))

    @property
    def info(self) -> ModelInfo:
        return self._info

    def recognise(self, texts: Sequence[str]) -> list[list[Found]]:
        return [
            [(m.start(), m.end(), self.words[m.group()]) for m in self._pattern.finditer(text)]
            for text in texts
        ]


class NiceRecognizer:
    """Labels every text with the niceness of the process that read it."""

    info = ModelInfo("nice", "1", "test")

    def recognise(self, texts: Sequence[str]) -> list[list[Found]]:
        import os

        return [[(0, min(1, len(text)), f"NICE{os.nice(0)}")] for text in texts]


class BrokenRecognizer:
    """A model that cannot load: every use raises the model error a real one would."""

    info = ModelInfo("broken", "1", "test")

    def recognise(self, texts: Sequence[str]) -> list[list[Found]]:
        from extract.errors import ModelError

        raise ModelError("model 'broken' cannot be loaded: it is a test")


LOADS = 0
"""How many times, in this process, a `LoadingRecognizer` loaded its model."""


class LoadingRecognizer(WordRecognizer):
    """`WordRecognizer` that "loads its model" on first use, as spaCy's does: each copy
    unpickled in a worker loads it again, and `LOADS` counts the loads of this process."""

    def __init__(self, words: Mapping[str, str]) -> None:
        super().__init__(words, name="loading")
        self._loaded = False

    def recognise(self, texts: Sequence[str]) -> list[list[Found]]:
        global LOADS
        if not self._loaded:
            self._loaded = True
            LOADS += 1
        return super().recognise(texts)

    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "_loaded": False}  # the model stays behind


class KillingRecognizer(WordRecognizer):
    """`WordRecognizer` that kills the worker process reading certain texts, as the kernel
    kills one out of memory: every time for a text with ``always`` in it, and once only (the
    first worker to claim the flag file ``flag``, by renaming it) for one with ``once``."""

    def __init__(self, words: Mapping[str, str], flag: Path | None = None) -> None:
        # A name of its own: a Dask worker keeps one recogniser per model it has seen.
        super().__init__(words, name="killing" if flag is None else f"killing-{flag}")
        self.flag = flag

    def recognise(self, texts: Sequence[str]) -> list[list[Found]]:
        import os

        for text in texts:
            if "always" in text:
                os._exit(9)
            if "once" in text and self.flag is not None:
                try:
                    os.rename(self.flag, self.flag.with_name(self.flag.name + ".taken"))
                except FileNotFoundError:
                    continue  # already claimed: this time the text is read
                os._exit(9)
        return super().recognise(texts)


class OtherModelRecognizer(WordRecognizer):
    """`WordRecognizer` whose model, in a process that has ``installed_file``, is the version
    that file holds: a worker with another model than the client's."""

    def __init__(self, words: Mapping[str, str], installed_file: Path) -> None:
        super().__init__(words, name="other")
        self.installed_file = installed_file

    def installed(self) -> ModelInfo:
        info = self.info
        version = self.installed_file.read_text(encoding="utf-8").strip()
        return ModelInfo(info.name, version, info.location, info.settings)


def record() -> None:
    """Write the record again from the installed model (``python tests/sample.py``)."""
    from extract.annotator import Annotator
    from extract.document import load

    document = load(SAMPLE)
    annotator = Annotator(jobs=0, cache=None)
    found = sorted(m for batch in annotator.annotate(document.text) for m in batch.mentions)
    model = {"name": annotator.info.name, "version": annotator.info.version}
    rows = ",\n".join(f"  {json.dumps([m.start, m.end, m.label])}" for m in found)
    RECORD.write_text(
        f'{{\n "text_sha256": "{document.sha256}",\n "model": {json.dumps(model)},\n'
        f' "mentions": [\n{rows}\n ]\n}}\n',
        encoding="utf-8",
    )


if __name__ == "__main__":
    record()
