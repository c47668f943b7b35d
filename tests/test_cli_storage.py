"""`flask storage sweep`: the files a killed process left in UPLOAD_FOLDER (a stored file whose
row never committed, an unfinished `.part`) are listed, and removed with --delete, once older
than the grace period; files of attachments, recent files and anything the app does not make
(folders, links, other names) are never touched."""

from __future__ import annotations

import io
import os
import secrets
import time
from pathlib import Path

import pytest

from award_flow.extensions import db
from award_flow.proposals import operations as ops
from award_flow.proposals.models import AttachmentKind
from tests.factories import PDF_BYTES, make_proposal

HOUR = 3600


@pytest.fixture
def folder(app, tmp_path, monkeypatch) -> Path:
    path = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(path))
    return path


@pytest.fixture
def sweep(app):  # noqa: ANN201
    runner = app.test_cli_runner()

    def run(*args: str):  # noqa: ANN202
        return runner.invoke(args=["storage", "sweep", *args])

    return run


def aged(path: Path, seconds: float) -> Path:
    """Make `path` look last written `seconds` ago (a link itself, not its target)."""
    then = time.time() - seconds
    os.utime(path, (then, then), follow_symlinks=False)
    return path


def orphan(folder: Path, age: float, part: bool = False) -> Path:
    name = secrets.token_hex(16)
    path = folder / (f".{name}.part" if part else name)
    path.write_bytes(b"%PDF-1.4 left behind")
    return aged(path, age)


@pytest.fixture
def dossier(world, folder):  # noqa: ANN201
    """A draft whose one attachment's file is two days old (old files of rows stay)."""
    proposal = make_proposal(world)
    db.session.commit()
    stored = folder / proposal.attachments[0].stored_name
    aged(stored, 48 * HOUR)
    return proposal, stored


def line_of(output: str, name: str) -> str:
    (line,) = [line for line in output.splitlines() if f" {name} " in f" {line} "]
    return line


def test_a_dry_run_lists_old_leftovers_and_removes_nothing(sweep, folder, dossier):
    _proposal, stored = dossier
    old, old_part = orphan(folder, 2 * HOUR), orphan(folder, 2 * HOUR, part=True)
    fresh, fresh_part = orphan(folder, 10 * 60), orphan(folder, 5, part=True)

    result = sweep()

    assert result.exit_code == 0, result.output
    assert line_of(result.output, old.name).endswith(": would be removed")
    assert "orphan file" in line_of(result.output, old.name)
    assert line_of(result.output, old_part.name).endswith(": would be removed")
    assert "unfinished upload" in line_of(result.output, old_part.name)
    for kept in (fresh, fresh_part):
        assert line_of(result.output, kept.name).endswith(": kept, younger than 60 min")
    assert stored.name not in result.output  # a file of an attachment is not even listed
    assert "1 files of attachments kept" in result.output
    assert "2 older than 60 min" in result.output and "(run with --delete)" in result.output
    assert {p.name for p in folder.iterdir()} == {stored.name, old.name, old_part.name,
                                                   fresh.name, fresh_part.name}


def test_delete_removes_only_old_leftovers(sweep, folder, dossier):
    _proposal, stored = dossier
    old, old_part = orphan(folder, 2 * HOUR), orphan(folder, 2 * HOUR, part=True)
    fresh, fresh_part = orphan(folder, 59 * 60), orphan(folder, 0, part=True)

    result = sweep("--delete")

    assert result.exit_code == 0, result.output
    assert line_of(result.output, old.name).endswith(": removed")
    assert line_of(result.output, old_part.name).endswith(": removed")
    assert "Removed 2 files (" in result.output
    assert {p.name for p in folder.iterdir()} == {stored.name, fresh.name, fresh_part.name}
    assert stored.read_bytes() == PDF_BYTES


def test_the_grace_period_is_an_option(sweep, folder, dossier):
    ten_minutes = orphan(folder, 10 * 60)
    assert line_of(sweep().output, ten_minutes.name).endswith("kept, younger than 60 min")
    result = sweep("--older-than-minutes", "5", "--delete")
    assert result.exit_code == 0, result.output
    assert not ten_minutes.exists()
    assert sweep("--older-than-minutes", "0").exit_code != 0  # never "in flight too"


def test_nothing_but_the_folders_own_files_is_touched(sweep, folder, dossier, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    target = orphan(outside, 2 * HOUR)  # a stored-looking name, old, outside the folder
    link = folder / secrets.token_hex(16)
    link.symlink_to(target)
    aged(link, 2 * HOUR)
    subfolder = folder / secrets.token_hex(16)
    subfolder.mkdir()
    inner = orphan(subfolder, 2 * HOUR)
    aged(subfolder, 2 * HOUR)
    foreign = folder / "ghi-chu.txt"
    foreign.write_bytes(b"an administrator's note")
    aged(foreign, 2 * HOUR)

    result = sweep("--delete")

    assert result.exit_code == 0, result.output
    assert "symbolic link: not followed; left alone" in line_of(result.output, link.name)
    assert "a folder: not looked into; left alone" in line_of(result.output, subfolder.name)
    assert "not a name this app gives files" in line_of(result.output, foreign.name)
    assert link.is_symlink() and target.read_bytes() == b"%PDF-1.4 left behind"
    assert inner.is_file() and foreign.is_file()
    assert "3 other entries (left alone)" in result.output
    assert "Removed 0 files (0 bytes)." in result.output


def test_a_file_whose_row_is_deleted_is_removed_at_the_commit_not_by_the_sweep(
        sweep, folder, dossier, world):
    proposal, stored = dossier
    ops.add_attachment(world.officer_a, proposal, AttachmentKind.MEETING_MINUTES,
                       "bien-ban.pdf", io.BytesIO(PDF_BYTES))
    db.session.commit()
    ops.remove_attachment(world.officer_a, proposal.attachments[0])
    db.session.commit()
    assert not stored.exists()  # gone with its row, as before
    assert "found 0 orphan files, 0 unfinished uploads" in sweep().output


def test_a_database_that_refers_to_none_of_the_files_stops_the_deletion(sweep, folder, world):
    """The wrong DATABASE_URL (an empty database) would make every file an orphan."""
    folder.mkdir()
    old = orphan(folder, 2 * HOUR)

    refused = sweep("--delete")
    assert refused.exit_code != 0
    assert "The database has no attachment" in refused.output
    assert "Nothing removed" in refused.output
    assert old.exists()

    forced = sweep("--delete", "--force")
    assert forced.exit_code == 0, forced.output
    assert not old.exists()


def test_a_missing_file_of_an_attachment_is_reported(sweep, folder, dossier):
    _proposal, stored = dossier
    orphan(folder, 2 * HOUR)
    stored.unlink()
    result = sweep()
    assert result.exit_code == 0
    assert "Warning: 1 attachments have no file" in result.output


def test_a_missing_folder_is_nothing_to_sweep(sweep, folder):
    result = sweep("--delete")
    assert result.exit_code == 0, result.output
    assert "does not exist: nothing to sweep" in result.output
    assert not folder.exists()


def test_a_stored_file_whose_row_is_not_committed_yet_is_kept(sweep, folder, dossier):
    """An upload in flight: its file is in place, its transaction not committed yet."""
    from award_flow.core.storage import store_upload

    late = store_upload(io.BytesIO(PDF_BYTES), "to-trinh.pdf")
    result = sweep("--delete")
    assert result.exit_code == 0, result.output
    assert line_of(result.output, late.stored_name).endswith("kept, younger than 60 min")
    assert (folder / late.stored_name).is_file()
