"""The store of dossier files. An upload's type is read from its bytes; a file that only
looks like a zip is refused as any unknown type is, never a server error. Files are private
to the server's account, and a failing disk (full, read-only) is a clear message with nothing
half done, not a server error."""

from __future__ import annotations

import errno
import io
import logging
import os
import stat
import zipfile
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import func, select

from award_flow.core import storage
from award_flow.core.errors import StorageError, ValidationError
from award_flow.core.storage import detect_kind
from award_flow.extensions import db
from award_flow.proposals import operations as ops
from award_flow.proposals.models import Attachment
from tests.factories import PDF_BYTES, make_proposal
from tests.web_helpers import flashes, forms


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


# --- the server's disk: private files, and a failure is a message, not a 500 ---------------

SERVER_MESSAGE = ("Máy chủ không lưu được tệp (hết dung lượng hoặc lỗi thư mục lưu trữ). "
                  "Không có thay đổi nào được lưu; hãy báo quản trị hệ thống.")


@pytest.fixture
def folder(app, tmp_path, monkeypatch) -> Path:
    """A fresh UPLOAD_FOLDER (not yet created) for this test alone."""
    path = tmp_path / "instance" / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(path))
    return path


@pytest.fixture
def umask():
    """`umask(value)` sets the process umask for the test; the old one comes back after."""
    old = os.umask(0o022)
    os.umask(old)
    yield os.umask
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("mask", [0o000, 0o022, 0o277])
def test_the_folder_is_made_0700_and_files_0600_whatever_the_umask(folder, umask, mask):
    umask(mask)
    stored = storage.store_upload(io.BytesIO(PDF_BYTES), "to-trinh.pdf")
    assert _mode(folder) == 0o700
    assert _mode(folder / stored.stored_name) == 0o600
    assert os.listdir(folder) == [stored.stored_name]


def test_an_existing_folder_keeps_the_administrators_mode(folder, umask):
    umask(0o000)
    folder.mkdir(parents=True)
    folder.chmod(0o750)  # e.g. readable by a backup group
    stored = storage.store_upload(io.BytesIO(PDF_BYTES), "to-trinh.pdf")
    assert _mode(folder) == 0o750
    assert _mode(folder / stored.stored_name) == 0o600


def _failing(code: int):  # noqa: ANN202
    def fail(*_args, **_kwargs):  # noqa: ANN002, ANN003, ANN202
        raise OSError(code, os.strerror(code))
    return fail


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EIO])
def test_a_disk_failure_is_a_storage_error_that_leaves_nothing(folder, monkeypatch, caplog,
                                                               code):
    folder.mkdir(parents=True)
    monkeypatch.setattr(os, "fsync", _failing(code))  # the written .part cannot be kept
    with caplog.at_level(logging.ERROR), pytest.raises(StorageError) as raised:
        storage.store_upload(io.BytesIO(PDF_BYTES), "to-trinh.pdf")
    assert raised.value.message == SERVER_MESSAGE
    assert os.listdir(folder) == []  # no .part left
    (record,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert str(folder) in record.getMessage()
    assert f"errno {code} ({errno.errorcode[code]})" in record.getMessage()


def test_a_failure_after_the_rename_removes_the_file_too(folder, monkeypatch):
    monkeypatch.setattr(storage, "_sync_folder", _failing(errno.EIO))
    with pytest.raises(StorageError):
        storage.store_upload(io.BytesIO(PDF_BYTES), "to-trinh.pdf")
    assert os.listdir(folder) == []


def test_a_folder_that_cannot_be_made_is_a_storage_error(app, tmp_path, monkeypatch, caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"x")
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(blocker / "uploads"))
    with caplog.at_level(logging.ERROR), pytest.raises(StorageError):
        storage.store_upload(io.BytesIO(PDF_BYTES), "to-trinh.pdf")
    assert f"errno {errno.ENOTDIR}" in caplog.text
    assert blocker.read_bytes() == b"x"


def test_a_refused_file_is_still_a_validation_error_not_a_storage_one(folder):
    with pytest.raises(ValidationError) as raised:
        storage.store_upload(io.BytesIO(b"plain text, not a dossier file"), "ghi-chu.pdf")
    assert not isinstance(raised.value, StorageError)
    assert os.listdir(folder) == []


def test_the_officer_is_told_the_server_failed_and_nothing_is_saved(client, world, login,
                                                                   folder, monkeypatch):
    proposal = make_proposal(world)
    db.session.commit()
    files_before = set(os.listdir(folder))
    rows = db.session.scalar(select(func.count(Attachment.id)))
    login(world.officer_a)
    (form,) = [f for f in forms(client.get(f"/proposals/{proposal.id}").text)
               if f.action == f"/proposals/{proposal.id}/attachments"]
    monkeypatch.setattr(os, "fsync", _failing(errno.ENOSPC))

    response = client.post(form.action, data=form.data(
        kind="meeting_minutes", file=(io.BytesIO(PDF_BYTES), "bien-ban.pdf")))

    assert response.status_code == 302  # back to the dossier, not the 500 page
    monkeypatch.undo()
    page = client.get(response.headers["Location"])
    assert ("error", SERVER_MESSAGE) in flashes(page.text)
    assert set(os.listdir(folder)) == files_before
    assert db.session.scalar(select(func.count(Attachment.id))) == rows


# --- deleting: the file goes after the commit, and a failure then is no error page ----------


def test_a_removed_attachments_file_goes_only_once_the_deletion_commits(world, folder):
    proposal = make_proposal(world)
    db.session.commit()
    attachment = proposal.attachments[0]
    path = folder / attachment.stored_name
    ops.remove_attachment(world.officer_a, attachment)
    assert path.is_file()
    db.session.rollback()
    assert path.is_file()  # rolled back: the file stays with its row

    ops.remove_attachment(world.officer_a, db.session.get(Attachment, attachment.id))
    db.session.commit()
    assert not path.exists()


def test_a_file_that_cannot_be_removed_after_the_commit_is_logged_not_raised(world, folder,
                                                                             caplog):
    proposal = make_proposal(world)
    db.session.commit()
    attachment = proposal.attachments[0]
    path = folder / attachment.stored_name
    path.unlink()
    path.mkdir()  # unlink fails (EISDIR) as on a read-only folder
    ops.remove_attachment(world.officer_a, attachment)
    with caplog.at_level(logging.ERROR):
        db.session.commit()
    assert db.session.get(Attachment, attachment.id) is None
    assert str(path) in caplog.text


# --- storage_problem(): what /health reports -----------------------------------------------


def test_a_writable_folder_with_room_is_no_problem(folder):
    assert storage.storage_problem() is None  # not made yet: its parent is what counts
    assert not folder.exists()  # and a check creates nothing
    folder.mkdir(parents=True)
    assert storage.storage_problem() is None


def test_too_little_free_space_is_a_problem(app, folder, monkeypatch):
    folder.mkdir(parents=True)
    monkeypatch.setitem(app.config, "MIN_FREE_UPLOAD_BYTES", 10**18)
    problem = storage.storage_problem()
    assert problem is not None and "free" in problem and str(folder) in problem


def test_the_free_space_needed_is_one_file_by_default(app, folder, monkeypatch):
    folder.mkdir(parents=True)
    monkeypatch.delitem(app.config, "MIN_FREE_UPLOAD_BYTES", raising=False)
    monkeypatch.setitem(app.config, "MAX_ATTACHMENT_BYTES", 10**18)
    assert "free" in storage.storage_problem()


def test_a_folder_that_is_not_writable_is_a_problem(folder, monkeypatch):
    folder.mkdir(parents=True)
    # Simulated: the tests may run as root, whom modes do not stop.
    monkeypatch.setattr(os, "access", lambda *_args, **_kwargs: False)
    assert storage.storage_problem() == f"upload folder {folder} is not writable"


def test_a_file_in_place_of_the_folder_is_a_problem(folder):
    folder.parent.mkdir(parents=True)
    folder.write_bytes(b"x")
    assert "is not a folder" in storage.storage_problem()
    assert current_app.config["UPLOAD_FOLDER"] == str(folder)
