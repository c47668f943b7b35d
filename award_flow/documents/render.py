"""PDF rendering of an award decision (Quyết định khen thưởng), Decree 30/2020 layout.

The renderer is self-contained: it takes plain values (:class:`DecisionDocument`), renders
``templates/documents/decision.html`` with its own Jinja2 environment and turns the HTML into
PDF bytes with WeasyPrint, using the bundled Noto Serif font so that the output is identical
on every machine.

Fonts.  fontpkg-noto-serif ships only *variable* fonts (``NotoSerif[wdth,wght].ttf`` and its
italic).  Two problems with giving them to WeasyPrint 70 directly:

* ``@font-face { font-weight: 700 }`` on a variable file is wrong: WeasyPrint forces the
  weight of every named instance of the file to "bold" in its Fontconfig rules, so Pango
  shapes bold text with the *regular* instance's advance widths while the PDF embeds glyphs
  instantiated at wght=700 — bold letters overlap.  (Declaring the file *without* a weight
  descriptor works: Fontconfig then picks the named "Bold" instance itself.)
* whichever way it is declared, WeasyPrint instantiates the variable font with fontTools at
  every ``write_pdf`` (about 1.2 s per document here, most of a small decision's time).

So the renderer makes *static* instances once — Regular, Bold, Italic, Bold Italic, subset to
Latin + Vietnamese — and caches them on disk (see :func:`prepare_fonts`; about 18 s of CPU,
once per machine and font version).  They are declared with explicit weights, the textbook
setup.  If the cache cannot be written, it falls back to the variable files declared without
weight descriptors (correct output, slower).  The tests check, whichever path is taken,
that bold text is laid out with bold widths and that the embedded fonts match the PDF widths.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import logging
import os
import re
import sys
import tempfile
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass, fields, is_dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import fontpkg
import fontTools
import weasyprint
from fontTools import subset as ft_subset
from fontTools.ttLib import TTFont
from fontTools.varLib.instancer import instantiateVariableFont
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
from award_flow.core.text import mid_sentence
from award_flow.documents.fetcher import DEFAULT_ALLOWED_DIRS, SafeURLFetcher

logger = logging.getLogger(__name__)

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
# The annex's name column says what the names are, for the kinds it lists.
_NAME_HEADERS = (("individual", "Họ và tên"), ("collective", "Tên tập thể"),
                 ("household", "Tên hộ gia đình"))
#: What the column after the name holds, by the first of the kinds the annex has: a person's
#: position and unit (or address), a collective's unit or address, a household's address.
_DESCRIPTION_HEADERS = (("individual", "Chức vụ, đơn vị hoặc địa chỉ"),
                        ("collective", "Đơn vị hoặc địa chỉ"), ("household", "Địa chỉ"))
_HONORIFICS = {"male": "Ông", "female": "Bà"}
# Where the name of an administrative unit starts: the header breaks the body's name there
# ("ỦY BAN NHÂN DÂN" / "THỊ XÃ DUYÊN HẢI"), as bodies print it, rather than where the
# column happens to run out.
_LEVEL_WORDS = ("TỈNH", "THÀNH PHỐ", "THỊ XÃ", "HUYỆN", "QUẬN", "XÃ", "PHƯỜNG", "THỊ TRẤN",
                "ĐẶC KHU")

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
    #: "male" / "female" for an individual whose gender is known: printed as "Ông" / "Bà".
    gender: str | None = None


@dataclass(frozen=True)
class DecisionDocument:
    """Everything printed on a decision, as plain values.

    ``achievement`` is the phrase following "đã có" in Article 1 (e.g. "thành tích xuất sắc
    trong phong trào thi đua ... năm 2025"); a text already starting with "đã" is used as is.
    ``proposer`` is the "Theo đề nghị của ..." line; the prefix is added when missing.
    Trailing ";" / "." of legal bases, proposer and recipients are normalised.
    """

    #: The managing body printed above the issuer (Authority.header_parent): one line in
    #: capitals, never broken by the renderer; None for a People's Committee, whose header is
    #: its own name only.
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
    #: An emulation title is *recognised* ("Công nhận danh hiệu “…”"), a form *conferred*
    #: ("Tặng …"): the verb of Article 1 and the annex title depend on it.
    award_is_title: bool = False
    #: What a title is recognised for ("năm 2025"), printed after its name in Article 1 and
    #: in the annex title; empty for a form.
    award_period: str = ""


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


#: Room for the parent body's line (decision.css: A4 less margins of 30 and 15 mm is 165 mm of
#: text; with a parent line the header's left column is 45 % of it, the right keeping the
#: 90.4 mm of "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), less 5 mm so that the two lines do not
#: read as one, and its size (Decree 30: 12–13 pt).
HEADER_PARENT_ROOM_MM = 165 * 0.45 - 5
HEADER_PARENT_PT = 12
#: Decree 30, Appendix I: the parent body's name may abbreviate common phrases.
_PARENT_ABBREVIATIONS = (("ỦY BAN NHÂN DÂN", "UBND"), ("HỘI ĐỒNG NHÂN DÂN", "HĐND"))


@functools.lru_cache(maxsize=1)
def _regular_advances() -> tuple[dict[int, int], int]:
    """Code point → advance width of the regular face, and its units per em (the default
    instance of the variable font: the same widths as the static regular instance)."""
    with TTFont(_variable_font_paths()["normal"], lazy=True) as font:
        metrics = font["hmtx"].metrics
        advances = {code: metrics[glyph][0] for code, glyph in font.getBestCmap().items()}
        return advances, font["head"].unitsPerEm


@functools.lru_cache(maxsize=1)
def _printable() -> frozenset[int]:
    """The code points the decision prints in its own font: those of the static instances'
    ranges that the font has (the rest would fall back to whatever fonts the server has, or
    print as empty boxes)."""
    return frozenset(code for code in _regular_advances()[0]
                     if any(first <= code <= last for first, last in _STATIC_RANGES))


def unprintable(text: str) -> list[str]:
    """The characters of `text` that the decision's font cannot print (an emoji, another
    script), each once, in the order they come; white space is printable. A letter the font
    lacks precomposed prints as its base and marks when it has those."""
    printable = _printable()
    missing: list[str] = []
    for ch in unicodedata.normalize("NFC", text):
        if ord(ch) in printable or ch.isspace() or ch in missing:
            continue
        if not all(ord(part) in printable for part in unicodedata.normalize("NFD", ch)):
            missing.append(ch)
    return missing


def _width_mm(text: str, pt: float) -> float:
    """A line's width in the regular face at `pt`, by the advance widths of its letters
    (without kerning, which only narrows it)."""
    advances, per_em = _regular_advances()
    # A letter the cmap lacks precomposed is drawn as its base and marks: count its base.
    units = sum(advances.get(ord(ch)) or advances.get(ord(unicodedata.normalize("NFD", ch)[0]), 0)
                for ch in unicodedata.normalize("NFC", text))
    return units / per_em * pt * 25.4 / 72


def _fits_parent_room(printed: str) -> bool:
    """Whether a line fits the parent body's room."""
    return _width_mm(printed, HEADER_PARENT_PT) <= HEADER_PARENT_ROOM_MM


#: The centred bold titles (decision.css, both 14 pt): the subject between margins of 8 %
#: of the 165 mm of text each side, the annex title across it; less a tenth for the bold
#: face, wider than the regular one whose advances are measured.
TITLE_PT = 14
SUBJECT_ROOM_MM = 165 * 0.84 * 0.9
ANNEX_TITLE_ROOM_MM = 165 * 0.9
_QUOTED = re.compile(r"“[^“”]+”")


def _quoted_whole(text: str, room_mm: float) -> str:
    """A centred title with each quoted name that fits on one of its lines kept whole: the
    line breaks before “Lao động tiên tiến”, not inside it. A name longer than a line (a
    movement's motto) breaks as any text does."""
    def join(found: re.Match[str]) -> str:
        name = found.group(0)
        return name if _width_mm(name, TITLE_PT) > room_mm else _NBSP.join(name.split())
    return _QUOTED.sub(join, text)


def parent_line(name: str) -> tuple[str, bool]:
    """The parent body's line as printed, in capitals, and whether it fits on one line: as
    given when it fits, else with "Ủy ban nhân dân" and "Hội đồng nhân dân" abbreviated
    (Decree 30 allows it: "ỦY BAN NHÂN DÂN TỈNH TRÀ VINH" crowds the national motto in this
    font, "UBND TỈNH TRÀ VINH" does not)."""
    printed = _upper(" ".join(name.split()))
    if _fits_parent_room(printed):
        return printed, True
    short = printed
    for phrase, abbreviation in _PARENT_ABBREVIATIONS:
        short = short.replace(phrase, abbreviation)
    if _fits_parent_room(short):
        return short, True
    return printed, False


def header_parent_fits(name: str) -> bool:
    """Whether a parent body's name prints on one line (see parent_line)."""
    return parent_line(name)[1]


def _header_lines(name: str) -> list[str]:
    """A body's name in capitals, broken before its administrative level if it has one."""
    upper = _upper(" ".join(name.split()))
    cuts = [i for word in _LEVEL_WORDS if (i := upper.find(f" {word} ")) > 0]
    if not cuts:
        return [upper]
    cut = min(cuts)
    return [upper[:cut], upper[cut + 1:]]


# What must not be broken across lines: a span of years ("2021 - 2025"), a year after
# "năm" ("năm 2025"), "Ủy ban" ("ỦY BAN") and the place's name ("Duyên Hải", "DUYÊN HẢI"),
# joined with no-break spaces in the printed text, never in the stored data. A line may
# still break after a hyphen followed by a no-break space (UAX #14, LB12a): a word joiner,
# which prints nothing, holds the hyphen to the year after it.
_NBSP = "\u00a0"
_WJ = "\u2060"
_YEAR_SPAN = re.compile(r"(\d{4})\s+([-–])\s+(\d{4})")
_YEAR_OF = re.compile(r"\b(năm)\s+(\d{4})\b", re.IGNORECASE)
_UY_BAN = re.compile(r"\b(ủy|uỷ)\s+(ban)\b", re.IGNORECASE)


def _place_pattern(place_name: str) -> re.Pattern[str] | None:
    """The words of a place's name, in any case, as `_keep_together` finds them."""
    words = place_name.split()
    if len(words) < 2:
        return None
    return re.compile(r"\b" + r"\s+".join(map(re.escape, words)) + r"\b", re.IGNORECASE)


def _keep_together(text: str, place: re.Pattern[str] | None = None) -> str:
    text = _YEAR_SPAN.sub(rf"\1{_NBSP}\2{_WJ}{_NBSP}\3", text)
    text = _YEAR_OF.sub(rf"\1{_NBSP}\2", text)
    if place is not None:
        text = place.sub(lambda found: _NBSP.join(found.group(0).split()), text)
    return _UY_BAN.sub(rf"\1{_NBSP}\2", text)


#: Decree 30's formula for who is named in Article 1, in the executors of Article 3; printed
#: with the decision's own kinds of awardee ("các hộ gia đình có tên tại Điều 1").
_NAMED_IN_ARTICLE_1 = re.compile(r"các\s+tập\s+thể,\s*cá\s+nhân(\s+có\s+tên\s+tại\s+Điều\s+1)")


def _named_parties(executors: str, parties: str, *, alone: bool = False) -> str:
    """The executors with the formula naming the awardees of Article 1 saying who they are:
    a decision for households only does not charge "các tập thể, cá nhân" with anything, nor
    one for a single person "các cá nhân" (`alone`)."""
    if not parties:
        return executors
    named = parties if alone else f"các {parties}"
    return _NAMED_IN_ARTICLE_1.sub(lambda m: f"{named}{m.group(1)}", executors)


def _annex_name(awardee: DecisionAwardee) -> str:
    honorific = _HONORIFICS.get(awardee.gender or "") if awardee.kind == "individual" else None
    return f"{honorific} {awardee.name}" if honorific else awardee.name


def _punctuated(items: list[str]) -> list[str]:
    """Each item ending with ';' and the last with '.', per Decree 30 lists."""
    cleaned = [_clean_end(i) for i in items if i.strip()]
    return [c + (";" if k < len(cleaned) - 1 else ".") for k, c in enumerate(cleaned)]


# ---------------------------------------------------------------------------------------
# Fonts
# ---------------------------------------------------------------------------------------

#: Set to False (e.g. in tests) to use the variable font files directly.
USE_STATIC_FONTS = True

# Code points kept in the static instances: Latin (with everything Vietnamese needs:
# Ă Â Đ Ê Ô Ơ Ư and the Latin Extended Additional block of precomposed tone marks),
# combining marks, punctuation, currency (₫), letterlike symbols (№), arrows and a few
# math operators.  Other scripts fall back to system fonts, as they would anyway.
_STATIC_RANGES = (
    (0x0020, 0x007E), (0x00A0, 0x024F), (0x0250, 0x02FF), (0x0300, 0x036F),
    (0x1E00, 0x1EFF), (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x218F),
    (0x2190, 0x21FF), (0x2200, 0x22FF), (0x25A0, 0x25FF), (0xFB00, 0xFB06),
)
# Bump when the ranges or the instancing options change, to invalidate old caches.
_STATIC_FONTS_REVISION = "2"
_STATIC_FACES = (
    # (file name, wght axis value, CSS font-weight, CSS font-style = source file style)
    ("NotoSerif-Regular.ttf", 400, "normal", "normal"),
    ("NotoSerif-Bold.ttf", 700, "bold", "normal"),
    ("NotoSerif-Italic.ttf", 400, "normal", "italic"),
    ("NotoSerif-BoldItalic.ttf", 700, "bold", "italic"),
)

_fonts_lock = threading.Lock()
_static_dir: Path | None = None
_static_failed = False


def _variable_font_paths() -> dict[str, Path]:
    return {style: fontpkg.path("Noto Serif", 400, style) for style in ("normal", "italic")}


def _cache_key() -> str:
    # Covers everything the output depends on, so a font or fontTools upgrade never reuses
    # stale instances.
    key = hashlib.sha256()
    key.update(f"{_STATIC_FONTS_REVISION}|{fontTools.version}|{_STATIC_RANGES}".encode())
    for path in _variable_font_paths().values():
        stat = path.stat()
        key.update(f"|{path.name}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return f"noto-serif-{key.hexdigest()[:16]}"


def font_cache_dir() -> Path:
    """Preferred directory of the static font instances (for this font/fontTools version).

    ``AWARD_FLOW_FONT_CACHE`` overrides the base directory (default: ``$XDG_CACHE_HOME`` or
    ``~/.cache``, then ``award_flow/fonts``).  If it cannot be used, :func:`prepare_fonts`
    falls back to a per-user folder in the system temporary directory.
    """
    base = os.environ.get("AWARD_FLOW_FONT_CACHE")
    if not base:
        xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        base = str(Path(xdg) / "award_flow" / "fonts")
    return Path(base) / _cache_key()


def _usable_cache_dir(directory: Path) -> bool:
    """Create ``directory`` if needed; True if it is ours and not writable by others.

    The fetcher lets WeasyPrint read this folder, and fonts are parsed by native code: a
    folder another user could write to (e.g. pre-created in /tmp) must not be trusted.
    """
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o755)
        stats = [directory.stat(), directory.parent.stat()]
    except OSError:
        return False
    for stat in stats:
        if hasattr(os, "getuid") and stat.st_uid != os.getuid():
            return False
        if stat.st_mode & 0o022:
            return False
    return os.access(directory, os.W_OK)


def _build_static_font(source: Path, wght: int, target: Path) -> None:
    """Subset ``source`` to :data:`_STATIC_RANGES` and pin it at ``wght`` (wdth 100)."""
    font = TTFont(source)
    # Default options keep the OpenType features browsers apply by default (kern, mark,
    # mkmk, ccmp, liga, locl, ...) and the basic names (family "Noto Serif"); dropping the
    # optional features (small caps, old-style figures, ...) halves the instancing time.
    options = ft_subset.Options()
    options.notdef_outline = True
    options.hinting = False  # WeasyPrint drops hinting from embedded fonts anyway
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(unicodes=[u for a, b in _STATIC_RANGES for u in range(a, b + 1)])
    subsetter.subset(font)
    font = instantiateVariableFont(font, {"wght": wght, "wdth": 100}, static=True)
    # Write beside the target and rename: concurrent processes never see a partial file.
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            font.save(out)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def prepare_fonts() -> Path | None:
    """Make sure the static font instances exist; return their directory, or None.

    The first call on a machine builds them (about 18 s of CPU); later calls and other
    processes reuse the cache.  Call it at application start-up (or in a deploy step) to
    keep that cost out of the first request.  Returns None, after logging, if the instances
    cannot be built or written; rendering then uses the variable fonts.
    """
    global _static_dir, _static_failed
    with _fonts_lock:
        if _static_dir is not None or _static_failed:
            return _static_dir
        candidates = [
            font_cache_dir(),
            Path(tempfile.gettempdir())
            / f"award_flow-fonts-{getattr(os, 'getuid', lambda: 0)()}" / _cache_key(),
        ]
        directory = next((d for d in candidates if _usable_cache_dir(d)), None)
        if directory is None:
            logger.error("no usable cache directory for fonts among %s", candidates)
            _static_failed = True
            return None
        try:
            sources = _variable_font_paths()
            for name, wght, _weight, style in _STATIC_FACES:
                target = directory / name
                if not target.is_file():
                    _build_static_font(sources[style], wght, target)
        except Exception:  # noqa: BLE001 - any failure means: use the variable fonts
            logger.exception("cannot build static Noto Serif instances in %s", directory)
            _static_failed = True
            return None
        _static_dir = directory.resolve()
        return _static_dir


def _font_faces(static_dir: Path | None) -> list[dict[str, str | None]]:
    """@font-face data: static instances with weights, or the variable files without."""
    if static_dir is not None:
        return [
            {"url": (static_dir / name).as_uri(), "weight": weight, "style": style}
            for name, _wght, weight, style in _STATIC_FACES
        ]
    # Variable files: no weight descriptor on purpose (see the module docstring).
    return [
        {"url": path.as_uri(), "weight": None, "style": style}
        for style, path in _variable_font_paths().items()
    ]


# ---------------------------------------------------------------------------------------
# Template context and rendering
# ---------------------------------------------------------------------------------------


def _achievement(text: str) -> str:
    """The achievement as Article 1 prints it: after "đã có", unless it starts with "đã"
    ("đã hoàn thành xuất sắc nhiệm vụ …")."""
    achievement = _clean_end(text)
    for lead in ("đã có ", "đã "):  # however it is capitalised: "Đã có", "ĐÃ CÓ"
        if achievement.lower().startswith(lead):
            return lead + mid_sentence(achievement[len(lead):])
    return "đã có " + mid_sentence(achievement) if achievement else achievement


#: How Article 1 and the annex's title name each kind of awardee, in the annex's order.
_PARTY_WORDS = (("collective", "tập thể"), ("household", "hộ gia đình"),
                ("individual", "cá nhân"))


def _parties(doc: DecisionDocument) -> list[tuple[int, str]]:
    """(count, word) of each kind of awardee the decision has, in the annex's order:
    [(2, "tập thể"), (3, "cá nhân")]."""
    counts = Counter(a.kind for a in doc.awardees)
    return [(counts[kind], word) for kind, word in _PARTY_WORDS if counts[kind]]


def _article_one_opening(doc: DecisionDocument) -> tuple[str, str]:
    """Article 1 up to its parties ("Tặng Giấy khen … cho 2 tập thể và 3 cá nhân"), and what
    is conferred (the award form, or "danh hiệu “…” năm 2025" for a title)."""
    count_parts = [f"{vn_number(count)} {word}" for count, word in _parties(doc)]
    award_form = doc.award_form.strip()
    period = " ".join(doc.award_period.split())
    if doc.award_is_title:
        titled = f"danh hiệu “{award_form}”" + (f" {period}" if period else "")
        return f"Công nhận {titled} cho {_join_vi(count_parts)}", titled
    return f"Tặng {award_form} cho {_join_vi(count_parts)}", award_form


def article_one(doc: DecisionDocument) -> str:
    """Article 1 as the decision prints it (documents/decision.html), for the signer to read
    before issuing."""
    doc = _nfc(doc)
    opening, _ = _article_one_opening(doc)
    achievement = _achievement(doc.achievement)
    return f"Điều 1. {opening} (có danh sách kèm theo)" + (
        f" {achievement}" if achievement else "") + "."


def decision_context(
    doc: DecisionDocument, static_font_dir: Path | None = None
) -> dict[str, Any]:
    """Template variables for ``documents/decision.html``, computed from an NFC copy of doc."""
    doc = _nfc(doc)
    members_of: dict[str, list[DecisionAwardee]] = {kind: [] for kind in KINDS}
    for a in doc.awardees:
        if a.kind not in members_of:
            raise ValueError(f"unknown awardee kind {a.kind!r} for {a.name!r}")
        members_of[a.kind].append(a)

    place = _place_pattern(doc.place_name)

    def keep(text: str) -> str:
        return _keep_together(text, place)

    groups: list[dict[str, object]] = []
    for kind, label in _GROUPS:
        if members := members_of[kind]:
            rows = [
                {
                    "no": i,
                    "name": keep(_annex_name(a)),
                    "description": keep(a.description),
                    "award_name": keep(a.award_name),
                    "amount": vn_number(a.amount),
                }
                for i, a in enumerate(members, start=1)
            ]
            groups.append({"numeral": _ROMAN[len(groups)], "label": label, "rows": rows})
    total = sum(a.amount for a in doc.awardees)
    party_words = [word for _count, word in _parties(doc)]
    alone = len(doc.awardees) == 1
    article_1, titled = _article_one_opening(doc)
    achievement = _achievement(doc.achievement)

    proposer = _clean_end(doc.proposer)
    if proposer and not proposer.lower().startswith("theo đề nghị"):
        proposer = "Theo đề nghị của " + proposer
    bases = _punctuated(list(doc.legal_bases) + ([proposer] if proposer else []))

    number = document_number(doc.number, doc.symbol)
    chairman_of = f"Chủ tịch {doc.issuing_body.strip()}"
    if doc.award_is_title:
        annex_award = f"ĐƯỢC CÔNG NHẬN {_upper(titled)}"
    else:
        annex_award = f"ĐƯỢC TẶNG {_upper(titled)}"
    # One award for every row (one proposal, one award type): the annex title names it and
    # the table drops the column that would repeat it on every line.
    award_names = {a.award_name.strip() for a in doc.awardees}
    award_column = len(award_names) > 1
    if award_column:
        annex_award = "ĐƯỢC KHEN THƯỞNG"
    parent = parent_line(doc.parent_body) if doc.parent_body and doc.parent_body.strip() \
        else None
    return {
        "font_family": FONT_FAMILY,
        "font_faces": _font_faces(static_font_dir),
        # One line (see parent_line); only the issuer's own name is broken before its level.
        # A name too long even abbreviated (admitted before the admin page measured it)
        # wraps rather than run into the national motto.
        "parent_body": keep(parent[0]) if parent else None,
        "parent_one_line": parent[1] if parent else False,
        "issuing_body": [keep(line) for line in _header_lines(doc.issuing_body)],
        "number_line": f"Số: {number}",
        "number": number,
        "place_date": vn_place_date(doc.place_name, doc.issued_on),
        "subject": _quoted_whole(keep(doc.subject.strip()), SUBJECT_ROOM_MM),
        "authority": keep("CHỦ TỊCH " + _upper(doc.issuing_body)),
        "legal_bases": [keep(basis) for basis in bases],
        "article_1": keep(article_1),
        # "Mỗi cá nhân có tên tại Điều 1 …", or of a single awardee "Cá nhân có tên …".
        "article_2_whom": (party_words[0].capitalize() if alone
                           else "Mỗi " + ", ".join(party_words)),
        "achievement": keep(achievement),
        "total_money": vn_money(total),
        "total_number": vn_number(total),
        "fund": keep(_clean_end(doc.fund)),
        # Comma-joined: the last executor conventionally carries its own "và ..." ("Thủ
        # trưởng các cơ quan ... và các tập thể, cá nhân có tên tại Điều 1"), said of the
        # kinds of awardee this decision has.
        "executors": keep(_named_parties(
            ", ".join(_clean_end(e) for e in doc.executors if e.strip()),
            ", ".join(party_words), alone=alone)),
        "recipients": [keep(recipient) for recipient in _punctuated(list(doc.recipients))],
        "signer_is_vice": doc.signer_is_vice,
        "signer_name": doc.signer_name.strip(),
        "annex_title": _quoted_whole(
            keep(f"DANH SÁCH {_upper(_join_vi(party_words))} {annex_award}"),
            ANNEX_TITLE_ROOM_MM),
        "award_column": award_column,
        "name_header": " / ".join(header for kind, header in _NAME_HEADERS if members_of[kind]),
        "description_header": next(
            (header for kind, header in _DESCRIPTION_HEADERS if members_of[kind]),
            _DESCRIPTION_HEADERS[0][1]),
        # "... của Chủ tịch Ủy ban nhân dân thị xã Duyên Hải": body name as given.
        "annex_reference": keep(
            f"(Kèm theo Quyết định số {number} ngày {vn_short_date(doc.issued_on)} "
            f"của {chairman_of})"
        ),
        "groups": groups,
        "has_awardees": bool(doc.awardees),
        "title": f"Quyết định số {number}",
    }


def _static_dir_for_render() -> Path | None:
    return prepare_fonts() if USE_STATIC_FONTS else None


def render_decision_html(doc: DecisionDocument) -> str:
    """The decision as an HTML string (NFC), as fed to WeasyPrint."""
    return _render_html(doc, _static_dir_for_render())


def _render_html(doc: DecisionDocument, static_dir: Path | None) -> str:
    html = _env.get_template(DECISION_TEMPLATE).render(**decision_context(doc, static_dir))
    # Template text itself is NFC already; normalise again so nothing decomposed slips in.
    return unicodedata.normalize("NFC", html)


def render_decision_pdf(doc: DecisionDocument) -> bytes:
    """Render the decision and its annex to PDF bytes.

    Synchronous and CPU-bound: about 0.2–0.4 s of CPU for a short decision and 3–5.5 s for
    1,000 awardees on 2-core VMs (see docs/benchmarks.md).  Renders are serialised by a
    process-wide lock.  The first call on a machine also builds the font cache
    (:func:`prepare_fonts`).  Raises :class:`DecisionRenderError` when a resource (font, CSS)
    cannot be loaded or is refused by the safe URL fetcher, and ``ValueError`` for an
    unknown awardee kind.
    """
    static_dir = _static_dir_for_render()
    return _pdf_from_html(_render_html(doc, static_dir), static_dir)


def _pdf_from_html(html: str, static_dir: Path | None) -> bytes:
    """The decision's HTML (from `_render_html`) as PDF bytes: WeasyPrint as the app calls it
    (the benchmark's variants of the HTML go through here too)."""
    base_url = (TEMPLATES_DIR / "documents").as_uri() + "/"
    allowed = DEFAULT_ALLOWED_DIRS + ((static_dir,) if static_dir else ())
    with _render_lock:
        # A 1,000-awardee render makes some 400,000 objects in reference cycles (boxes,
        # styles), alive until the PDF is written: the cyclic collector's passes over them
        # during the render took 0.8 s of it (docs/benchmarks.md) and free almost nothing.
        # The collector is paused for the render (process-wide: other threads' cycles wait
        # the few seconds too); one pass of the young generation, where all the render's
        # objects are, frees them afterwards (0.3 s).
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            return _render_in_own_stack_chunk(html, base_url, allowed)
        finally:
            if gc_was_enabled:
                gc.enable()
            gc.collect(0)


def _render_in_own_stack_chunk(html: str, base_url: str, allowed: tuple[Path, ...]) -> bytes:
    """`_weasyprint_pdf`, called from a frame that starts a large chunk of CPython's frame
    stack (see `_STACK_ROOM_SLOTS`)."""
    return _weasyprint_pdf(html, base_url, allowed)


#: CPython (3.11 here) keeps the frames of Python calls in 16 KiB chunks and unmaps a chunk as
#: soon as its first frame returns (CPython issue gh-142183): a loop whose calls cross a chunk
#: boundary maps and unmaps memory on every call. WeasyPrint lays out the annex's cells some
#: 40 frames and 16 KiB of frames deep, so how often they cross one depends on how deep the
#: caller's stack happens to be: up to 90,000 map/unmap pairs and 1 s of system time for
#: 1,000 awardees (docs/benchmarks.md). The render is therefore called from a frame with
#: this many spare value-stack slots (64 KiB): CPython gives a frame that large a chunk of its
#: own, twice its size, and the render's frames fit in the other half whatever the caller's
#: depth. The slots are never used, and their untouched pages never get memory.
_STACK_ROOM_SLOTS = 8192
if sys.implementation.name == "cpython":
    _render_in_own_stack_chunk.__code__ = _render_in_own_stack_chunk.__code__.replace(
        co_stacksize=_render_in_own_stack_chunk.__code__.co_stacksize + _STACK_ROOM_SLOTS)


def _weasyprint_pdf(html: str, base_url: str, allowed: tuple[Path, ...]) -> bytes:
    # A fresh FontConfiguration per document: it owns the @font-face temp files and the
    # Fontconfig state for this rendering only.
    font_config = FontConfiguration()
    try:
        document = weasyprint.HTML(
            string=html, base_url=base_url, url_fetcher=SafeURLFetcher(allowed)
        ).render(font_config=font_config)
        return document.write_pdf()
    except FatalURLFetchingError as exc:
        # FatalURLFetchingError derives from BaseException; turn it into an ordinary
        # exception so that web frameworks handle it like any other error.
        raise DecisionRenderError(str(exc)) from exc
