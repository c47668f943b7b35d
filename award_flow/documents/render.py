"""PDF rendering of an award decision (Quyết định khen thưởng), Decree 30/2020 layout.

The renderer is self-contained: it takes plain values (:class:`DecisionDocument`), renders
``templates/documents/decision.html`` with its own Jinja2 environment and turns the HTML into
PDF bytes with WeasyPrint, using the bundled Noto Serif font so that the output is identical
on every machine.

Fonts.  fontpkg-noto-serif ships *variable* fonts (``NotoSerif[wdth,wght].ttf`` and its
italic).  Declaring them in ``@font-face`` with ``font-weight: 700`` does not work in
WeasyPrint 70: it forces the weight of every named instance of the file to "bold" in its
Fontconfig rules, so Pango shapes bold text with the *regular* instance's advance widths
while the PDF embeds glyphs instantiated at wght=700 — bold letters overlap.  Declaring each
file *without* a ``font-weight`` descriptor lets Fontconfig read the font's named instances
(Regular, Bold, ...) itself; Pango then shapes with the Bold instance and WeasyPrint embeds
a static wght=700 instance whose widths match.  The test suite checks this (layout width
of bold text differs from regular and the embedded fonts' advances match the PDF widths).
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass, fields, is_dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import fontpkg
import weasyprint
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError

from award_flow.core.formatting import (
    document_number,
    vn_money,
    vn_number,
    vn_place_date,
    vn_short_date,
)
from award_flow.documents.fetcher import SafeURLFetcher

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
DECISION_TEMPLATE = "documents/decision.html"

#: CSS family name of the bundled font.  Deliberately not "Noto Serif": a system-installed
#: Noto Serif (static, other version) must never be picked instead of the bundled files.
FONT_FAMILY = "AwardFlow Noto Serif"

KINDS = ("collective", "household", "individual")
# Annex groups, in print order; collectives (and households) come before individuals.
_GROUPS = (
    ("collective", "Tập thể"),
    ("household", "Hộ gia đình"),
    ("individual", "Cá nhân"),
)
_ROMAN = ("I", "II", "III")

# Own environment: documents must not depend on the Flask app's loaders, filters or
# autoescape settings.  Rendering from one Environment is thread-safe once loaded.
_env = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)

# Pango/Fontconfig are not documented as thread-safe, and layout is pure Python holding the
# GIL anyway, so serialising renders inside one process costs nothing and avoids surprises.
_render_lock = threading.Lock()


class DecisionRenderError(RuntimeError):
    """The decision could not be rendered (e.g. a resource was refused or is missing)."""


@dataclass(frozen=True)
class DecisionAwardee:
    """One line of the annex.

    ``kind`` is "collective", "household" or "individual"; ``amount`` is the bonus in đồng.
    ``description`` is the position and unit, or the address.
    """

    name: str
    description: str
    award_name: str
    amount: int
    kind: str


@dataclass(frozen=True)
class DecisionDocument:
    """Everything printed on a decision, as plain values.

    ``achievement`` is the phrase following "đã có" in Article 1 (e.g. "thành tích xuất sắc
    trong phong trào thi đua ... năm 2025"); a text already starting with "đã" is used as is.
    ``proposer`` is the "Theo đề nghị của ..." line; the prefix is added when missing.
    Trailing ";" / "." of legal bases, proposer and recipients are normalised.
    """

    parent_body: str | None
    issuing_body: str
    place_name: str
    number: int
    symbol: str
    issued_on: date
    subject: str
    award_form: str
    achievement: str
    legal_bases: tuple[str, ...]
    proposer: str
    fund: str
    executors: tuple[str, ...]
    recipients: tuple[str, ...]
    signer_name: str
    signer_is_vice: bool
    awardees: tuple[DecisionAwardee, ...]


def _nfc(value: Any) -> Any:
    """NFC-normalise every string inside ``value`` (dataclasses, tuples, lists)."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, tuple):
        return tuple(_nfc(v) for v in value)
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    if is_dataclass(value) and not isinstance(value, type):
        return replace(value, **{f.name: _nfc(getattr(value, f.name)) for f in fields(value)})
    return value


def _upper(text: str) -> str:
    # upper() of a precomposed letter can yield a decomposed sequence for a few scripts;
    # re-normalise so capitals stay NFC.
    return unicodedata.normalize("NFC", text.upper())


def _clean_end(text: str) -> str:
    """Strip whitespace and a trailing ';', ',' or '.' so the template adds the right one."""
    return text.strip().rstrip(";.,").rstrip()


def _join_vi(items: list[str]) -> str:
    """'a', 'a và b', 'a, b và c'."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " và " + items[-1]


def _punctuated(items: list[str]) -> list[str]:
    """Each item ending with ';' and the last with '.', per Decree 30 lists."""
    cleaned = [_clean_end(i) for i in items if i.strip()]
    return [c + (";" if k < len(cleaned) - 1 else ".") for k, c in enumerate(cleaned)]


def _font_faces() -> list[dict[str, str]]:
    """@font-face data for the upright and italic variable font files.

    No weight descriptor on purpose: see the module docstring.
    """
    return [
        {"url": fontpkg.path("Noto Serif", 400, "normal").as_uri(), "style": "normal"},
        {"url": fontpkg.path("Noto Serif", 400, "italic").as_uri(), "style": "italic"},
    ]


def decision_context(doc: DecisionDocument) -> dict[str, Any]:
    """Template variables for ``documents/decision.html``, computed from an NFC copy of doc."""
    doc = _nfc(doc)
    for a in doc.awardees:
        if a.kind not in KINDS:
            raise ValueError(f"unknown awardee kind {a.kind!r} for {a.name!r}")

    groups = []
    counts: dict[str, int] = {}
    for kind, label in _GROUPS:
        members = [a for a in doc.awardees if a.kind == kind]
        counts[kind] = len(members)
        if members:
            rows = [
                {
                    "no": i,
                    "name": a.name,
                    "description": a.description,
                    "award_name": a.award_name,
                    "amount": vn_number(a.amount),
                }
                for i, a in enumerate(members, start=1)
            ]
            groups.append({"numeral": _ROMAN[len(groups)], "label": label, "rows": rows})
    total = sum(a.amount for a in doc.awardees)

    count_parts = []
    if counts["collective"]:
        count_parts.append(f"{vn_number(counts['collective'])} tập thể")
    if counts["household"]:
        count_parts.append(f"{vn_number(counts['household'])} hộ gia đình")
    if counts["individual"]:
        count_parts.append(f"{vn_number(counts['individual'])} cá nhân")
    party_words = [w for k, w in (("collective", "tập thể"), ("household", "hộ gia đình"),
                                  ("individual", "cá nhân")) if counts[k]]

    achievement = _clean_end(doc.achievement)
    if achievement and not achievement.lower().startswith("đã "):
        achievement = "đã có " + achievement

    proposer = _clean_end(doc.proposer)
    if proposer and not proposer.lower().startswith("theo đề nghị"):
        proposer = "Theo đề nghị của " + proposer
    bases = _punctuated(list(doc.legal_bases) + ([proposer] if proposer else []))

    number = document_number(doc.number, doc.symbol)
    chairman_of = f"Chủ tịch {doc.issuing_body.strip()}"
    return {
        "font_family": FONT_FAMILY,
        "font_faces": _font_faces(),
        "parent_body": _upper(doc.parent_body) if doc.parent_body else None,
        "issuing_body": _upper(doc.issuing_body),
        "number_line": f"Số: {number}",
        "number": number,
        "place_date": vn_place_date(doc.place_name, doc.issued_on),
        "subject": doc.subject.strip(),
        "authority": "CHỦ TỊCH " + _upper(doc.issuing_body),
        "legal_bases": bases,
        "award_form": doc.award_form.strip(),
        "count_phrase": _join_vi(count_parts),
        "parties": ", ".join(party_words),
        "achievement": achievement,
        "total_money": vn_money(total),
        "total_number": vn_number(total),
        "fund": _clean_end(doc.fund),
        # Comma-joined: the last executor conventionally carries its own "và ..." ("Thủ
        # trưởng các cơ quan ... và các tập thể, cá nhân có tên tại Điều 1").
        "executors": ", ".join(_clean_end(e) for e in doc.executors if e.strip()),
        "recipients": _punctuated(list(doc.recipients)),
        "signer_is_vice": doc.signer_is_vice,
        "signer_name": doc.signer_name.strip(),
        "annex_title": "DANH SÁCH " + _upper(_join_vi(party_words)) + " ĐƯỢC KHEN THƯỞNG",
        # "... của Chủ tịch Ủy ban nhân dân thị xã Duyên Hải": body name as given.
        "annex_reference": (
            f"(Kèm theo Quyết định số {number} ngày {vn_short_date(doc.issued_on)} "
            f"của {chairman_of})"
        ),
        "groups": groups,
        "has_awardees": bool(doc.awardees),
        "title": f"Quyết định số {number}",
    }


def render_decision_html(doc: DecisionDocument) -> str:
    """The decision as an HTML string (NFC), as fed to WeasyPrint."""
    html = _env.get_template(DECISION_TEMPLATE).render(**decision_context(doc))
    # Template text itself is NFC already; normalise again so nothing decomposed slips in.
    return unicodedata.normalize("NFC", html)


def render_decision_pdf(doc: DecisionDocument) -> bytes:
    """Render the decision and its annex to PDF bytes.

    Synchronous and CPU-bound (about 1 s for 1,000 awardees); renders are serialised by a
    process-wide lock.  Raises :class:`DecisionRenderError` when a resource (font, CSS)
    cannot be loaded or is refused by the safe URL fetcher, and ``ValueError`` for an
    unknown awardee kind.
    """
    html = render_decision_html(doc)
    base_url = (TEMPLATES_DIR / "documents").as_uri() + "/"
    with _render_lock:
        # A fresh FontConfiguration per document: it owns the @font-face temp files and
        # the Fontconfig state for this rendering only.
        font_config = FontConfiguration()
        try:
            document = weasyprint.HTML(
                string=html, base_url=base_url, url_fetcher=SafeURLFetcher()
            ).render(font_config=font_config)
            return document.write_pdf()
        except FatalURLFetchingError as exc:
            # FatalURLFetchingError derives from BaseException; turn it into an ordinary
            # exception so that web frameworks handle it like any other error.
            raise DecisionRenderError(str(exc)) from exc
