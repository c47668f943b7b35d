"""English is complete: every Vietnamese source string of the code and templates has an
English translation in the catalogue, not fuzzy, with the same placeholders."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from award_flow import PROJECT_ROOT

CATALOGUE = PROJECT_ROOT / "award_flow" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@pytest.fixture(scope="module")
def source_messages(tmp_path_factory) -> dict:
    """What `make extract-messages` extracts, keyed like the catalogue."""
    pot = tmp_path_factory.mktemp("babel") / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run(
        [str(pybabel), "-q", "extract", "-F", "babel.cfg", "-k", "_l", "-k",
         "lazy_pgettext:1c,2", "-o", str(pot), "."],
        cwd=PROJECT_ROOT, check=True,
    )
    with pot.open("rb") as f:
        return {m.id: m for m in read_po(f) if m.id}


@pytest.fixture(scope="module")
def english() -> dict:
    with CATALOGUE.open("rb") as f:
        return {m.id: m for m in read_po(f) if m.id}


def _key(message) -> str:  # noqa: ANN001
    return message if isinstance(message, str) else message[0]


def test_every_source_string_has_an_english_translation(source_messages, english):
    missing = [_key(k) for k in source_messages
               if k not in english or not english[k].string or english[k].fuzzy]
    assert missing == []


def test_translations_keep_the_placeholders(english):
    wrong = [_key(k) for k, m in english.items() if m.string and
             set(PLACEHOLDER.findall(_key(k))) != set(PLACEHOLDER.findall(_key(m.string)))]
    assert wrong == []
