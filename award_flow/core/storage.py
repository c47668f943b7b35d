"""Dossier files: checked by content (not by name), stored outside static under random names."""

from __future__ import annotations

import hashlib
import os
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import filetype
from flask import current_app
from flask_babel import gettext as _

from award_flow.core.errors import ValidationError
from award_flow.core.formatting import vn_file_size

#: What a dossier may hold: detected kind → (MIME type, extension used for downloads).
ALLOWED_TYPES: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", "pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "jpg": ("image/jpeg", "jpg"),
    "png": ("image/png", "png"),
}

# OOXML files are zip archives; their main part tells a Word file from an Excel one.
_OOXML_MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    content_type: str
    size: int
    sha256: str


def upload_root() -> Path:
    root = Path(current_app.config["UPLOAD_FOLDER"])
    root.mkdir(parents=True, exist_ok=True)
    return root


def detect_kind(head: bytes, path: Path) -> str | None:
    """The allowed kind of a file by its bytes, or None."""
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, NotImplementedError, UnicodeDecodeError, ValueError,
                EOFError, OSError):
            # Not a readable zip: corrupt, an unsupported version or compression, a bad
            # entry name. Only the list of names is read, never the members' content.
            return None
        if "[Content_Types].xml" not in names:
            return None
        for kind, part in _OOXML_MAIN_PART.items():
            if part in names:
                return kind
        return None
    guessed = filetype.guess(head)
    if guessed is None:
        return None
    extension = {"jpeg": "jpg"}.get(guessed.extension, guessed.extension)
    return extension if extension in ALLOWED_TYPES and extension not in _OOXML_MAIN_PART else None


def clean_filename(name: str | None) -> str:
    """A display name safe to show and to put in Content-Disposition: no path, no control
    characters, NFC, at most 200 characters. Vietnamese letters are kept."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    return name[:200] or "tep-dinh-kem"


def download_name(original_name: str, content_type: str) -> str:
    """The name to save a file under: the user's name, ending in the extension of the type
    its content was found to be (a PDF uploaded as "x.html" is saved as "x.pdf")."""
    extension = next((ext for mime, ext in ALLOWED_TYPES.values() if mime == content_type), None)
    if extension is None:
        return original_name
    stem, suffix = os.path.splitext(original_name)
    if suffix.lower().lstrip(".") in {extension, "jpeg" if extension == "jpg" else extension}:
        return original_name
    if suffix and len(suffix) <= 6:
        original_name = stem
    return f"{original_name}.{extension}"


def store_upload(stream: IO[bytes], max_bytes: int | None = None) -> StoredFile:
    """Copy an upload to the store, refusing it (and leaving nothing behind) unless it is an
    allowed type within the size limit."""
    max_bytes = max_bytes or current_app.config["MAX_ATTACHMENT_BYTES"]
    root = upload_root()
    stored_name = secrets.token_hex(16)
    tmp_path = root / f".{stored_name}.part"
    digest = hashlib.sha256()
    size = 0
    head = b""
    try:
        with open(tmp_path, "wb") as out:
            while chunk := stream.read(1024 * 1024):
                size += len(chunk)
                if size > max_bytes:
                    raise ValidationError(
                        _("Tệp quá lớn: tối đa %(size)s.", size=vn_file_size(max_bytes))
                    )
                if len(head) < 8192:
                    head += chunk[: 8192 - len(head)]
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if size == 0:
            raise ValidationError(_("Tệp rỗng."))
        kind = detect_kind(head, tmp_path)
        if kind is None:
            raise ValidationError(
                _("Chỉ nhận tệp PDF, DOCX, XLSX, JPG hoặc PNG (kiểm tra theo nội dung tệp).")
            )
        os.replace(tmp_path, root / stored_name)
    finally:
        tmp_path.unlink(missing_ok=True)
    return StoredFile(stored_name, ALLOWED_TYPES[kind][0], size, digest.hexdigest())


def stored_path(stored_name: str) -> Path:
    """Path of a stored file; the name is ours (hex), never the user's."""
    if not stored_name.isalnum():
        raise ValueError("bad stored name")
    return upload_root() / stored_name


def discard(stored_name: str) -> None:
    stored_path(stored_name).unlink(missing_ok=True)


# Files follow the transaction they belong to: a new file is removed if the transaction rolls
# back, and a removed attachment's file is deleted only once the deletion is committed.
_NEW = "award_flow.new_files"
_DOOMED = "award_flow.doomed_files"


def track_new_file(session, stored_name: str) -> None:  # noqa: ANN001
    session.info.setdefault(_NEW, []).append(stored_name)


def delete_after_commit(session, stored_name: str) -> None:  # noqa: ANN001
    session.info.setdefault(_DOOMED, []).append(stored_name)


def _after_commit(session) -> None:  # noqa: ANN001
    session.info.pop(_NEW, None)
    for name in session.info.pop(_DOOMED, []):
        discard(name)


def _after_rollback(session) -> None:  # noqa: ANN001
    session.info.pop(_DOOMED, None)
    for name in session.info.pop(_NEW, []):
        discard(name)


def register_session_events(session_class) -> None:  # noqa: ANN001
    from sqlalchemy import event

    if not event.contains(session_class, "after_commit", _after_commit):
        event.listen(session_class, "after_commit", _after_commit)
        event.listen(session_class, "after_soft_rollback", lambda s, _tx: _after_rollback(s))
