"""Dossier files: checked by content (not by name), stored outside static under random names."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import secrets
import shutil
import stat
import time
import unicodedata
import zipfile
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import quote

import filetype
from flask import Response, current_app, send_file
from flask_babel import gettext as _

from award_flow.core.display import file_size
from award_flow.core.errors import StorageError, ValidationError
from award_flow.core.text import ascii_letters

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


#: Dossiers hold personal data: only the server's account may read them, whatever its umask.
FOLDER_MODE = 0o700
FILE_MODE = 0o600

# A new file: never an existing one, never through a symlink.
_NEW_FILE_FLAGS = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
                   | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0))


def _ensure_folder(root: Path) -> None:
    """Create the upload folder 0700 if it is missing (its parents as the umask says). An
    existing folder is left as the administrator made it."""
    if root.is_dir():
        return
    root.parent.mkdir(parents=True, exist_ok=True)
    try:
        root.mkdir(mode=FOLDER_MODE)
    except FileExistsError:
        return  # another worker made it first, or it is not a folder (the next step says so)
    os.chmod(root, FOLDER_MODE)  # mkdir's mode is narrowed by the umask, never widened


def upload_root() -> Path:
    root = Path(current_app.config["UPLOAD_FOLDER"])
    _ensure_folder(root)
    return root


def detect_kind(head: bytes, path: Path | IO[bytes]) -> str | None:
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


def _ascii_name(name: str) -> str:
    """`name` in ASCII letters; "tep-dinh-kem" for a name with none left before its
    extension ("报告.pdf" as "tep-dinh-kem.pdf", not ".pdf", a hidden file)."""
    stem, dot, extension = ascii_letters(name).rpartition(".")
    if not dot:
        stem, extension = extension, ""
    stem = stem.strip(" .")
    if not any(ch.isalnum() for ch in stem):
        stem = "tep-dinh-kem"
    return f"{stem}.{extension}" if extension else stem


def send_download(path_or_file: Path | IO[bytes], name: str, mimetype: str) -> Response:
    """The file as an attachment named `name`, privately: browsers read the name from
    ``filename*`` (UTF-8); a client that reads only ``filename`` gets it in ASCII letters,
    "Hoi dong" rather than Werkzeug's "Hoi ong", which drops the "đ"."""
    response = send_file(path_or_file, mimetype=mimetype, as_attachment=True,
                         download_name=name)
    if not name.isascii():
        response.headers.set("Content-Disposition", "attachment",
                             filename=_ascii_name(name),
                             **{"filename*": "UTF-8''" + quote(name, safe="!#$&+-.^_`|~")})
    # A personal file: no shared cache may keep it, nor the browser's disk cache.
    response.headers["Cache-Control"] = "private, no-store"
    return response


def too_big_message(name: str, max_bytes: int) -> str:
    """What is said of a file over the limit, by the server and by the page's script."""
    return _("Tệp “%(name)s” quá lớn: tối đa %(size)s.", name=name, size=file_size(max_bytes))


def store_upload(stream: IO[bytes], name: str, max_bytes: int | None = None) -> StoredFile:
    """Copy an upload to the store, refusing it (and leaving nothing behind) unless it is an
    allowed type within the size limit; a refusal names the file (`name`: the clerk who
    chose several learns which one). A failure of the server's disk (full, read-only, no
    permission) is a StorageError, logged, with nothing left behind either."""
    max_bytes = max_bytes or current_app.config["MAX_ATTACHMENT_BYTES"]
    root = Path(current_app.config["UPLOAD_FOLDER"])
    stored_name = secrets.token_hex(16)
    tmp_path = root / f".{stored_name}.part"
    final_path = root / stored_name
    placed = False
    digest = hashlib.sha256()
    size = 0
    head = b""
    try:
        _ensure_folder(root)
        with os.fdopen(os.open(tmp_path, _NEW_FILE_FLAGS, FILE_MODE), "wb") as out:
            if hasattr(os, "fchmod"):
                os.fchmod(out.fileno(), FILE_MODE)  # open's mode is narrowed by the umask
            while chunk := stream.read(1024 * 1024):
                size += len(chunk)
                if size > max_bytes:
                    raise ValidationError(too_big_message(name, max_bytes))
                if len(head) < 8192:
                    head += chunk[: 8192 - len(head)]
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if size == 0:
            raise ValidationError(_("Tệp “%(name)s” rỗng.", name=name))
        kind = detect_kind(head, tmp_path)
        if kind is None:
            raise ValidationError(_("Tệp “%(name)s” không được nhận: chỉ nhận tệp PDF, DOCX, "
                                    "XLSX, JPG hoặc PNG (kiểm tra theo nội dung tệp).",
                                    name=name))
        os.replace(tmp_path, final_path)
        placed = True
        _sync_folder(root)
    except OSError as error:
        if placed:
            _remove_quietly(final_path)
        current_app.logger.error(
            "upload not stored in %s: errno %s (%s) %s on %s", root, error.errno,
            errno.errorcode.get(error.errno or 0, "?"), error.strerror,
            error.filename or tmp_path)
        raise StorageError(_("Máy chủ không lưu được tệp (hết dung lượng hoặc lỗi thư mục "
                             "lưu trữ). Không có thay đổi nào được lưu; hãy báo quản trị "
                             "hệ thống.")) from error
    finally:
        _remove_quietly(tmp_path)
    return StoredFile(stored_name, ALLOWED_TYPES[kind][0], size, digest.hexdigest())


def _sync_folder(root: Path) -> None:
    """Make a rename in the folder durable (a power cut after the commit must not lose the
    new name). A file system that cannot sync a folder is not an error."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    except OSError as error:
        if error.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(fd)


def _remove_quietly(path: Path) -> None:
    """Remove a file of ours if it is there; a failure is logged, never raised (the request's
    outcome is already decided, and `flask storage sweep` removes what is left)."""
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError as error:
        current_app.logger.error("cannot remove %s: errno %s %s", path, error.errno,
                                 error.strerror)


def storage_problem() -> str | None:
    """Why an upload would fail now, in a sentence for the administrator, or None: the upload
    folder (or, before the first upload, the folder it will be made in) is not a writable
    folder, or has less free space than MIN_FREE_UPLOAD_BYTES (default: one file of
    MAX_ATTACHMENT_BYTES). Reads only; creates nothing."""
    root = Path(current_app.config["UPLOAD_FOLDER"])
    minimum = current_app.config.get("MIN_FREE_UPLOAD_BYTES",
                                     current_app.config["MAX_ATTACHMENT_BYTES"])
    existing = root
    try:
        while not existing.exists():
            if existing.parent == existing:
                return f"upload folder {root} cannot be created"
            existing = existing.parent
        if not existing.is_dir():
            return f"upload folder {root}: {existing} is not a folder"
        if not os.access(existing, os.W_OK | os.X_OK):
            what = "upload folder" if existing == root else "parent of the upload folder"
            return f"{what} {existing} is not writable"
        free = shutil.disk_usage(existing).free
    except OSError as error:
        return f"upload folder {root}: {error.strerror or error} (errno {error.errno})"
    if free < minimum:
        return (f"upload folder {root}: {free} bytes free, fewer than the {minimum} "
                f"required (MIN_FREE_UPLOAD_BYTES)")
    return None


def stored_path(stored_name: str) -> Path:
    """Path of a stored file; the name is ours (hex), never the user's."""
    if not stored_name.isalnum():
        raise ValueError("bad stored name")
    return upload_root() / stored_name


def discard(stored_name: str) -> None:
    """Remove a stored file if it is there. Runs after the commit (or rollback) that decided
    it: a failure is logged, not raised, so that it cannot turn a done change into an error
    page; `flask storage sweep` removes the file later."""
    if not stored_name.isalnum():
        raise ValueError("bad stored name")
    _remove_quietly(Path(current_app.config["UPLOAD_FOLDER"]) / stored_name)


# --- sweeping: files a killed process left behind ---------------------------------------
# A file is written before the transaction that records it commits, and removed only after
# the one that deletes its row commits; a process killed in between (OOM, kill -9, power cut)
# leaves a file no row refers to, or a `.part` file. `flask storage sweep` finds them.

#: Names this app gives files in the upload folder (stored_path accepts no other).
_STORED_NAME = re.compile(r"[0-9A-Za-z]+")
_PART_NAME = re.compile(r"\.[0-9A-Za-z]+\.part")


@dataclass(frozen=True)
class SweepEntry:
    """An entry of the upload folder that no attachment refers to."""

    name: str
    #: "orphan" (a stored file without row), "partial" (an unfinished upload) or "skipped"
    #: (not a file this app makes: a folder, a symbolic link, another name; never touched).
    kind: str
    size: int = 0
    age_seconds: float = 0.0
    #: Old enough to be removed (only orphans and partials can be).
    removable: bool = False
    note: str = ""


@dataclass
class SweepReport:
    root: Path
    entries: list[SweepEntry]
    referenced_present: int = 0
    referenced_missing: int = 0

    @property
    def removable(self) -> list[SweepEntry]:
        return [e for e in self.entries if e.removable]


def scan_uploads(referenced: Collection[str], older_than_seconds: float,
                 now: float | None = None) -> SweepReport:
    """What the upload folder holds besides the files of `referenced` (the stored names of
    every attachment row, read *before* this scan): orphans and `.part` files, removable when
    last written more than `older_than_seconds` ago (an upload in flight is always younger),
    and entries this app never makes, which are reported and left alone. Only the folder's
    own entries are looked at: no folder is descended into, no link followed."""
    root = Path(current_app.config["UPLOAD_FOLDER"])
    now = time.time() if now is None else now
    referenced = set(referenced)
    report = SweepReport(root, [])
    if not root.is_dir():
        report.referenced_missing = len(referenced)
        return report
    present: set[str] = set()
    with os.scandir(root) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            try:
                info = entry.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue  # renamed or removed meanwhile: an upload finishing, or a deletion
            if entry.name in referenced:
                present.add(entry.name)
                continue
            age = now - info.st_mtime
            if stat.S_ISLNK(info.st_mode):
                report.entries.append(SweepEntry(entry.name, "skipped",
                                                 note="a symbolic link: not followed"))
            elif stat.S_ISDIR(info.st_mode):
                report.entries.append(SweepEntry(entry.name, "skipped",
                                                 note="a folder: not looked into"))
            elif not stat.S_ISREG(info.st_mode):
                report.entries.append(SweepEntry(entry.name, "skipped",
                                                 note="not a regular file"))
            elif _STORED_NAME.fullmatch(entry.name) or _PART_NAME.fullmatch(entry.name):
                kind = "orphan" if _STORED_NAME.fullmatch(entry.name) else "partial"
                report.entries.append(SweepEntry(entry.name, kind, info.st_size, age,
                                                 removable=age > older_than_seconds))
            else:
                report.entries.append(SweepEntry(entry.name, "skipped", info.st_size, age,
                                                 note="not a name this app gives files"))
    report.referenced_present = len(present)
    report.referenced_missing = len(referenced) - len(present)
    return report


def remove_swept(entry: SweepEntry, older_than_seconds: float,
                 now: float | None = None) -> str | None:
    """Remove one removable entry of a scan; None when done (or already gone), else why
    not. Checked again just before: still a regular file, still not written to lately."""
    if not entry.removable:
        raise ValueError("not removable")
    path = Path(current_app.config["UPLOAD_FOLDER"]) / entry.name
    now = time.time() if now is None else now
    try:
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode):
            return "no longer a regular file"
        if now - info.st_mtime <= older_than_seconds:
            return "written to since the scan"
        path.unlink()
    except FileNotFoundError:
        return None
    except OSError as error:
        return f"{error.strerror or error} (errno {error.errno})"
    return None


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
