"""`flask` commands: demo data, units, users and the documents' fonts."""

from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import select

from award_flow.auth.roles import Role
from award_flow.core.errors import DomainError
from award_flow.core.text import nfc
from award_flow.extensions import db
from award_flow.org.models import Authority, AuthorityLevel, Unit, UnitKind
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
        """The issuing People's Committee."""

    @authority.command("create")
    @click.argument("name")
    @click.option("--place", "place_name", required=True,
                  help="Place name of the date line, e.g. \"Duyên Hải\".")
    @click.option("--level", type=click.Choice([lvl.value for lvl in AuthorityLevel]),
                  required=True)
    @click.option("--parent", "parent_name", default=None,
                  help="The superior body whose chairman confers the awards this authority "
                       "proposes, e.g. \"Ủy ban nhân dân tỉnh Trà Vinh\" (required).")
    @click.option("--header-parent", default=None,
                  help="The managing body printed on one line above the issuer in a "
                       "decision's header; leave it out for a People's Committee.")
    @click.option("--issuer-code", default="UBND", show_default=True,
                  help="Issuer part of document symbols (15/QĐ-UBND).")
    def create_authority_command(name: str, place_name: str, level: str,
                                 parent_name: str | None, header_parent: str | None,
                                 issuer_code: str) -> None:
        """Set up the authority with the default award catalogue, base salary and decision
        texts (edit them on the admin page "Cơ quan ban hành")."""
        from award_flow.catalogue.defaults import create_authority

        if db.session.scalar(select(Authority.id).limit(1)) is not None:
            raise click.ClickException("An authority exists already; this installation "
                                       "serves one (edit it on the admin page).")
        try:
            created = create_authority(name=name, place_name=place_name,
                                       level=AuthorityLevel(level), parent_name=parent_name,
                                       header_parent=header_parent, issuer_code=issuer_code)
            db.session.commit()
        except DomainError as error:
            raise click.ClickException(error.message) from error
        click.echo(f"Authority {created.id}: {created.name}, with the default catalogue.")

    @app.cli.group()
    def units() -> None:
        """Manage units."""

    @units.command("create")
    @click.argument("name")
    @click.option("--kind", type=click.Choice([k.value for k in UnitKind]), required=True)
    def create_unit(name: str, kind: str) -> None:
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
