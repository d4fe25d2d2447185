"""Loading documents: every encoding decoded exactly, binary and unreadable paths refused."""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import threading
from pathlib import Path

import pytest
from faults import refuse_open

from extract.document import HASH_ASIDE, Document, decode, load
from extract.errors import DocumentError

PROSE = "Anna Pávlovna Schérer said: «Eh bien, mon prince.»\nThe café was full; Zoë waited.\n"
"""Accented prose every single-byte Western encoding can hold."""

PNG_HEADER = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000010000000100806000000")


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


class TestEncodings:
    def test_utf8_without_bom(self, tmp_path: Path) -> None:
        document = load(write(tmp_path, "a.txt", PROSE.encode("utf-8")))
        assert document.text == PROSE
        assert document.encoding == "utf-8"

    def test_utf8_bom_is_not_part_of_the_text(self, tmp_path: Path) -> None:
        document = load(write(tmp_path, "a.txt", codecs.BOM_UTF8 + PROSE.encode("utf-8")))
        assert document.text == PROSE
        assert not document.text.startswith("\ufeff")
        assert document.encoding == "utf-8-sig"

    @pytest.mark.parametrize(
        ("bom", "codec"),
        [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
    )
    def test_utf16_with_bom(self, tmp_path: Path, bom: bytes, codec: str) -> None:
        document = load(write(tmp_path, "a.txt", bom + PROSE.encode(codec)))
        assert document.text == PROSE
        assert document.encoding == codec

    def test_utf16_bom_with_an_odd_byte_count_is_refused(self) -> None:
        with pytest.raises(DocumentError, match="utf-16-le byte-order mark"):
            decode(codecs.BOM_UTF16_LE + PROSE.encode("utf-16-le") + b"x")

    @pytest.mark.parametrize("codec", ["latin-1", "cp1252"])
    def test_western_legacy_encodings_are_detected(self, tmp_path: Path, codec: str) -> None:
        document = load(write(tmp_path, "a.txt", PROSE.encode(codec)))
        assert document.text == PROSE
        # Latin-1 text without C1 controls reads the same in cp1252, which is what we name.
        assert document.encoding == "cp1252"

    @pytest.mark.parametrize(
        "text",
        [
            "Ça va? Très bien. L'été à Genève était chaud, et Zoë a mangé des crêpes.\n",
            "The café served crème brûlée; “Isn’t it lovely?” said Zoë — twice.\n",
            "Der Bär läuft über die Straße. Grüße aus München, schöne Größe!\n",
        ],
    )
    def test_cp1252_wins_over_central_european_guesses(self, text: str) -> None:
        # charset-normalizer alone ranks cp1250 or cp1257 first for these and garbles them.
        assert decode(text.encode("cp1252")) == (text, "cp1252")

    @pytest.mark.parametrize(
        ("text", "codec"),
        [
            ("Привет, как дела? Это русский текст в кодировке windows-1251.\n", "cp1251"),
            ("Zażółć gęślą jaźń — to jest polski tekst w kodowaniu Windows.\n", "cp1250"),
            ("Νέα Ελληνικά κείμενο για δοκιμή κωδικοποίησης.\n", "cp1253"),
        ],
    )
    def test_other_code_pages_keep_their_own_encoding(self, text: str, codec: str) -> None:
        assert decode(text.encode(codec)) == (text, codec)

    def test_crlf_is_kept(self, tmp_path: Path) -> None:
        text = "First line.\r\nSecond line.\r\n\r\nNew paragraph.\r\n"
        document = load(write(tmp_path, "a.txt", text.encode("utf-8")))
        assert document.text == text

    def test_mixed_newlines_and_edge_whitespace_are_kept(self, tmp_path: Path) -> None:
        text = "  leading\r\nCRLF\nLF\rCR\u2028LS\u00a0nbsp\t\n\n   "
        document = load(write(tmp_path, "a.txt", text.encode("utf-8")))
        assert document.text == text

    def test_crlf_survives_legacy_decoding(self) -> None:
        text = PROSE.replace("\n", "\r\n")
        assert decode(text.encode("cp1252"))[0] == text

    def test_empty_file(self, tmp_path: Path) -> None:
        document = load(write(tmp_path, "empty.txt", b""))
        assert document.text == ""
        assert document.encoding == "utf-8"


class TestRefused:
    def test_nul_bytes_mean_binary(self, tmp_path: Path) -> None:
        path = write(tmp_path, "data.bin", b"plain words\x00\x01\x02 more words")
        with pytest.raises(DocumentError, match="binary"):
            load(path)

    def test_png_header(self, tmp_path: Path) -> None:
        path = write(tmp_path, "picture.txt", PNG_HEADER)
        with pytest.raises(DocumentError, match="binary") as caught:
            load(path)
        assert str(path) in str(caught.value)

    def test_utf16_without_bom_is_binary(self) -> None:
        # Without a mark UTF-16 is indistinguishable from binary with NULs; we do not guess.
        with pytest.raises(DocumentError, match="NUL"):
            decode("plain ASCII".encode("utf-16-le"))

    def test_directory(self, tmp_path: Path) -> None:
        with pytest.raises(DocumentError, match="is a directory"):
            load(tmp_path)

    def test_missing_file(self, tmp_path: Path) -> None:
        missing = tmp_path / "nowhere.txt"
        with pytest.raises(DocumentError, match="no such file") as caught:
            load(missing)
        assert str(missing) in str(caught.value)

    def test_unreadable_file(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        path = write(tmp_path, "secret.txt", b"hidden")
        path.chmod(0)
        try:
            if os.geteuid() != 0:  # root reads whatever the mode says
                with pytest.raises(DocumentError, match="permission denied"):
                    load(path)
        finally:
            path.chmod(0o644)

        refuse_open(monkeypatch, path)
        with pytest.raises(DocumentError, match="permission denied") as caught:
            load(path)
        assert str(caught.value) == f"{path}: permission denied"

    def test_errors_are_one_line(self, tmp_path: Path) -> None:
        for path in (tmp_path, tmp_path / "missing", write(tmp_path, "x.png", PNG_HEADER)):
            with pytest.raises(DocumentError) as caught:
                load(path)
            assert "\n" not in str(caught.value)


class TestStdin:
    def test_stdin_is_decoded_like_a_file(self) -> None:
        data = codecs.BOM_UTF8 + b"Read from a pipe.\r\n"
        document = load("-", stdin=io.BytesIO(data))
        assert document.text == "Read from a pipe.\r\n"
        assert document.source == "-"
        assert document.name == "<stdin>"

    def test_binary_stdin_names_standard_input(self) -> None:
        with pytest.raises(DocumentError, match=r"^standard input looks binary"):
            load("-", stdin=io.BytesIO(PNG_HEADER))


class TestDocument:
    def test_hash_is_of_the_text_not_the_bytes(self, tmp_path: Path) -> None:
        plain = load(write(tmp_path, "a.txt", PROSE.encode("utf-8")))
        marked = load(write(tmp_path, "b.txt", codecs.BOM_UTF16_LE + PROSE.encode("utf-16-le")))
        assert plain.sha256 == marked.sha256 == Document(PROSE, "x", "utf-8").sha256
        assert load(write(tmp_path, "c.txt", b"other")).sha256 != plain.sha256

    @pytest.mark.parametrize(
        "data",
        [
            pytest.param("Ça va, Zoë? — 東京".encode(), id="utf-8"),
            pytest.param(codecs.BOM_UTF8 + "Ça va?".encode(), id="utf-8-mark"),
            pytest.param("Zoë ".encode() * 300 + b"\xff and more", id="stray-byte"),
            pytest.param("Ça va, Zoë? Très bien, merci.".encode("cp1252"), id="cp1252"),
        ],
    )
    def test_hash_is_of_the_text_however_decoded(self, tmp_path: Path, data: bytes) -> None:
        document = load(write(tmp_path, "t.txt", data))
        assert document.sha256 == hashlib.sha256(document.text.encode("utf-8")).hexdigest()

    @pytest.mark.parametrize(
        ("size", "mark", "threads"),
        [(HASH_ASIDE - 1, b"", 0), (HASH_ASIDE, b"", 1), (HASH_ASIDE, codecs.BOM_UTF8, 0)],
        ids=["here", "aside", "marked-here"],
    )
    def test_a_book_is_hashed_aside_as_it_is_decoded(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int, mark: bytes, threads: int
    ) -> None:
        """From `HASH_ASIDE` bytes of UTF-8 the hash is made on another thread, the same hash
        (a text behind a byte-order mark is hashed once decoded, here)."""
        started: list[threading.Thread] = []
        real_start = threading.Thread.start

        def start(thread: threading.Thread) -> None:
            started.append(thread)
            real_start(thread)

        monkeypatch.setattr(threading.Thread, "start", start)
        data = ("Zoë went to Lisbon.\n".encode() * (size // 20 + 1))[:size]
        data = data.rstrip(b"\xc3")  # (never a character cut in two)
        document = load(write(tmp_path, "book.txt", mark + data))
        assert len(started) == threads
        assert document.sha256 == hashlib.sha256(data).hexdigest()
        assert document.sha256 == hashlib.sha256(document.text.encode("utf-8")).hexdigest()

    def test_name(self, tmp_path: Path) -> None:
        assert load(write(tmp_path, "story.txt", b"x")).name == "story.txt"
