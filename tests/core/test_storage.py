"""An upload's type is read from its bytes; a file that only looks like a zip is refused as
any unknown type is, never a server error."""

from __future__ import annotations

import io
import zipfile

import pytest

from award_flow.core.storage import detect_kind


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def _unsupported_version(data: bytes) -> bytes:
    """'Version needed to extract' 25.5 in the central directory: NotImplementedError."""
    damaged = bytearray(data)
    directory = damaged.find(b"PK\x01\x02")
    damaged[directory + 6] = 0xFF
    return bytes(damaged)


def _undecodable_name(data: bytes) -> bytes:
    """The UTF-8 flag set and an invalid byte in an entry's name: UnicodeDecodeError."""
    damaged = bytearray(data)
    directory = damaged.find(b"PK\x01\x02")
    damaged[directory + 8] |= 0x08
    damaged[directory + 9] |= 0x08
    damaged[directory + 46] = 0xFF
    return bytes(damaged)


def test_a_word_file_is_recognised(tmp_path):
    path = tmp_path / "x.docx"
    path.write_bytes(_docx())
    assert detect_kind(path.read_bytes()[:8192], path) == "docx"


@pytest.mark.parametrize("damage", [_unsupported_version, _undecodable_name])
def test_a_damaged_zip_is_an_unknown_type(tmp_path, damage):
    path = tmp_path / "x.docx"
    path.write_bytes(damage(_docx()))
    assert detect_kind(path.read_bytes()[:8192], path) is None
