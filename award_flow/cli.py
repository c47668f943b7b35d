"""`flask` commands: demo data, units, users, the documents' fonts and the upload folder."""

from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import select

from award_flow.auth.roles import Role
from award_flow.core.errors import DomainError
from award_flow.core.text import nfc
from award_flow.extensions import db
from award_flow.org.models import (
    UNIT_KINDS_BY_LEVEL,
    Authority,
    AuthorityLevel,
    Unit,
    UnitKind,
)
from award_flow.org.operations import save_unit, save_user


def _authority() -> Authority:
    authority = db.session.scalar(select(Authority).order_by(Authority.id).limit(1))
    if authority is None:
        raise click.ClickException(
            "No authority yet: run `flask authority create` (or `flask seed demo`) first.")
    return authority


def register_cli(app: Flask) -> None:
    @app.cli.group()
    def seed() -> None:
        """Load data."""

    @seed.command("demo")
    @click.option("--if-empty", is_flag=True, help="Do nothing when the database has data.")
    def seed_demo(if_empty: bool) -> None:
        """Load the Duyên Hải demo: units, accounts and proposals in every state."""
        from award_flow.demo import DEMO_PASSWORD, demo_accounts, is_empty, load_demo

        if is_empty():
            load_demo()
            db.session.commit()
            click.echo("Demo data loaded.")
        elif not if_empty:
            raise click.ClickException("The database is not empty.")
        accounts = demo_accounts()
        if accounts:
            click.echo(f"Demo accounts (password for each: {DEMO_PASSWORD}):")
            for username, role, unit in accounts:
                click.echo(f"  {username:<20} {role} — {unit}")

    @app.cli.group()
    def authority() -> None:
        """The issuing People's Committee (one per installation)."""

    @authority.command("create")
    @click.argument("name")
    @click.option("--place", "place_name", required=True,
                  help="Place name of the date line, e.g. \"Long Hữu\".")
    @click.option("--level", type=click.Choice([lvl.value for lvl in AuthorityLevel]),
                  required=True,
                  help="Since 07/2025 commune or province: the district level is gone "
                       "(district stays for the demo's 2021 plan).")
    @click.option("--parent", "parent_name", default=None,
                  help="The superior body whose chairman confers the awards this authority "
                       "proposes, e.g. \"Ủy ban nhân dân tỉnh Vĩnh Long\" (required, but for a "
                       "province).")
    @click.option("--header-parent", default=None,
                  help="The managing body printed on one line above the issuer in a "
                       "decision's header; leave it out for a People's Committee.")
    @click.option("--issuer-code", default="UBND", show_default=True,
                  help="Issuer part of document symbols (15/QĐ-UBND).")
    @click.option("--secretariat", "secretariat_name", default=None,
                  help="The Council's standing body as the pages name it (\"Chuyển lại "
                       "…\"); by default the level's: Phòng Văn hóa - Xã hội (commune), Sở "
                       "Nội vụ (province), Phòng Nội vụ (district).")
    def create_authority_command(name: str, place_name: str, level: str,
                                 parent_name: str | None, header_parent: str | None,
                                 issuer_code: str, secretariat_name: str | None) -> None:
        """Set up the authority of an empty database with the default award catalogue, base
        salary and decision texts (edit them on the admin page "Cơ quan ban hành"). What it
        checks in the texts given is answered in Vietnamese, as the pages answer it."""
        from award_flow.org.operations import create_authority

        if db.session.scalar(select(Authority.id).limit(1)) is not None:
            raise click.ClickException(
                f"An authority exists already in {db.engine.url.render_as_string()}; one "
                "installation (one database) serves one authority. Edit it on the admin "
                "page, or set DATABASE_URL to an empty database for another.")
        try:
            created = create_authority(name=name, place_name=place_name,
                                       level=AuthorityLevel(level), parent_name=parent_name,
                                       header_parent=header_parent, issuer_code=issuer_code,
                                       secretariat_name=secretariat_name)
            db.session.commit()
        except DomainError as error:
            raise click.ClickException(error.message) from error
        click.echo(f"Authority {created.id}: {created.name}, with the default catalogue.")

    @app.cli.group()
    def units() -> None:
        """Manage units."""

    @units.command("create")
    @click.argument("name")
    @click.option("--kind", type=click.Choice([k.value for k in UnitKind]), required=True,
                  help="The unit's kind (hamlet: an ấp, khóm, thôn, tổ dân phố, bản, buôn…). "
                       "The authority's level gives the kinds it has under it: " + "; ".join(
                           f"{level.value}: {', '.join(kind.value for kind in kinds)}"
                           for level, kinds in UNIT_KINDS_BY_LEVEL.items()) + ".")
    def create_unit(name: str, kind: str) -> None:
        """Add a unit of the authority (its checks answer in Vietnamese)."""
        try:
            unit = save_unit(None, _authority(), name, UnitKind(kind))
            db.session.commit()
        except DomainError as error:
            raise click.ClickException(error.message) from error
        click.echo(f"Unit {unit.id}: {unit.name}")

    @app.cli.group()
    def users() -> None:
        """Manage users."""

    @users.command("create")
    @click.argument("username")
    @click.option("--name", "full_name", required=True)
    @click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
    @click.option("--unit", "unit_name", required=True, help="The unit's exact name.")
    @click.password_option()
    def create_user(username: str, full_name: str, role: str, unit_name: str,
                    password: str) -> None:
        """Add an account in a unit (its checks answer in Vietnamese)."""
        unit = db.session.scalar(select(Unit).where(
            Unit.authority_id == _authority().id, Unit.name == nfc(unit_name)))
        if unit is None:
            raise click.ClickException(f"No unit named {unit_name!r}.")
        try:
            user = save_user(None, username=username, full_name=full_name, role=Role(role),
                             unit=unit, password=password)
            db.session.commit()
        except DomainError as error:
            raise click.ClickException(error.message) from error
        click.echo(f"User {user.username} ({user.role.value}) in {unit.name}")

    @app.cli.group()
    def documents() -> None:
        """Printed documents."""

    @documents.command("prepare-fonts")
    def prepare_fonts_command() -> None:
        """Build the static font instances the PDFs use (once per machine, ~18 s)."""
        from award_flow.documents.render import prepare_fonts

        directory = prepare_fonts()
        if directory is None:
            raise click.ClickException(
                "Cannot build the static fonts; PDFs use the variable fonts (slower).")
        click.echo(f"Fonts ready in {directory}")

    @app.cli.group()
    def storage() -> None:
        """The upload folder (dossier files)."""

    @storage.command("sweep")
    @click.option("--delete", is_flag=True,
                  help="Remove what is found; without it, only list (a dry run).")
    @click.option("--older-than-minutes", type=click.IntRange(min=1), default=60,
                  show_default=True,
                  help="Grace period: a file written to more recently is kept (an upload "
                       "may be in flight).")
    @click.option("--force", is_flag=True,
                  help="Remove even when no file of the database is in the folder (which "
                       "usually means the wrong DATABASE_URL or UPLOAD_FOLDER).")
    def sweep_command(delete: bool, older_than_minutes: int, force: bool) -> None:
        """List, and with --delete remove, files of UPLOAD_FOLDER that no attachment refers
        to and unfinished uploads (.part), left by a process killed mid-request. Folders,
        symbolic links and other names are reported and never touched. For cron: e.g.
        `flask storage sweep --delete` once a night."""
        from award_flow.core.storage import remove_swept, scan_uploads
        from award_flow.proposals.models import Attachment

        # The rows first, then the folder: a file committed after this read is younger than
        # the grace period, so it is kept.
        referenced = set(db.session.scalars(select(Attachment.stored_name)))
        db.session.rollback()
        grace = older_than_minutes * 60
        report = scan_uploads(referenced, grace)
        if not report.root.is_dir():
            click.echo(f"Upload folder {report.root} does not exist: nothing to sweep.")
            return
        removable = report.removable
        if (delete and removable and not force and report.referenced_present == 0
                and report.entries):
            found = (f"None of the {len(referenced)} files the database refers to is in "
                     f"{report.root}" if referenced else "The database has no attachment")
            raise click.ClickException(
                f"{found}: wrong DATABASE_URL or UPLOAD_FOLDER? Nothing removed (use --force "
                "if this is right).")
        removed, failed, removed_bytes = 0, 0, 0
        for entry in report.entries:
            label = {"orphan": "orphan file", "partial": "unfinished upload",
                     "skipped": "skipped"}[entry.kind]
            if entry.kind == "skipped":
                click.echo(f"{label:<18} {entry.name} ({entry.note}; left alone)")
                continue
            described = (f"{label:<18} {entry.name} ({entry.size} bytes, last written "
                         f"{entry.age_seconds / 60:.0f} min ago)")
            if not entry.removable:
                click.echo(f"{described}: kept, younger than {older_than_minutes} min")
            elif not delete:
                click.echo(f"{described}: would be removed")
            elif (problem := remove_swept(entry, grace)) is None:
                removed += 1
                removed_bytes += entry.size
                click.echo(f"{described}: removed")
            else:
                failed += 1
                click.echo(f"{described}: NOT removed: {problem}")
        counts = {kind: sum(1 for e in report.entries if e.kind == kind)
                  for kind in ("orphan", "partial", "skipped")}
        summary = (f"{report.root}: {report.referenced_present} files of attachments kept; "
                   f"found {counts['orphan']} orphan files, {counts['partial']} unfinished "
                   f"uploads, {counts['skipped']} other entries (left alone). ")
        if delete:
            summary += f"Removed {removed} files ({removed_bytes} bytes)"
            summary += f", {failed} could not be removed." if failed else "."
        else:
            size = sum(e.size for e in removable)
            summary += (f"{len(removable)} older than {older_than_minutes} min ({size} "
                        "bytes) would be removed" + (" (run with --delete)." if removable
                                                     else "."))
        click.echo(summary)
        if report.referenced_missing:
            click.echo(f"Warning: {report.referenced_missing} attachments have no file in "
                       f"{report.root}.")
        if failed:
            raise click.exceptions.Exit(1)
