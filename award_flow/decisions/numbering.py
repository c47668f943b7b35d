"""Gap-free decision numbers per authority and year.

The counter row is incremented inside the issuing transaction: PostgreSQL holds its row lock
and SQLite its write lock (BEGIN IMMEDIATE) until commit, so concurrent issuances queue up,
and a rolled-back issuance gives its number back.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from award_flow.decisions.models import DecisionCounter
from award_flow.extensions import db


def _ensure_counter(authority_id: int, year: int) -> None:
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(
        insert(DecisionCounter)
        .values(authority_id=authority_id, year=year, last_number=0)
        .on_conflict_do_nothing(index_elements=["authority_id", "year"])
    )


def lock_issuance(authority_id: int, year: int) -> None:
    """Wait for the authority's issuances of the year in progress, and hold the next ones back
    until this transaction ends (the counter row's lock; SQLite's write lock is already
    held): for a change that an issuance reads, such as the base salary in force today."""
    _ensure_counter(authority_id, year)
    db.session.execute(
        select(DecisionCounter.last_number)
        .where(DecisionCounter.authority_id == authority_id, DecisionCounter.year == year)
        .with_for_update()
    )


def next_decision_number(authority_id: int, year: int) -> int:
    """Take the next number for (authority, year); valid only if the transaction commits."""
    _ensure_counter(authority_id, year)
    return db.session.execute(
        update(DecisionCounter)
        .where(DecisionCounter.authority_id == authority_id, DecisionCounter.year == year)
        .values(last_number=DecisionCounter.last_number + 1)
        .returning(DecisionCounter.last_number)
    ).scalar_one()


def peek_next_decision_number(authority_id: int, year: int) -> int:
    """The number the next issuance would take if nobody issues first (no lock taken).

    Only a prediction, used to render a decision before its transaction; the issuing
    transaction takes the real number with :func:`next_decision_number`.
    """
    last = db.session.execute(
        select(DecisionCounter.last_number).where(
            DecisionCounter.authority_id == authority_id, DecisionCounter.year == year
        )
    ).scalar_one_or_none()
    return (last or 0) + 1
