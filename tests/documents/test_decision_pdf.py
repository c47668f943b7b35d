"""Decision PDF: content, Decree 30 layout details, fonts and URL-fetching safety.

No Flask app needed: the renderer is fed plain values.  PDFs are rendered once per module
(fixtures) to keep the suite fast; text is extracted with pypdf and normalised (NFC, single
spaces) because extraction may split lines differently from the layout.
"""

from __future__ import annotations

import gc
import io
import re
import unicodedata
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import weasyprint
from fontTools.ttLib import TTFont
from jinja2 import DictLoader, Environment
from pypdf import PdfReader
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError

from award_flow.documents import render as R
from award_flow.documents.fetcher import (
    DEFAULT_ALLOWED_DIRS,
    SafeURLFetcher,
    UnsafeURLError,
    safe_url_fetcher,
)
from award_flow.documents.render import (
    DecisionAwardee,
    DecisionDocument,
    DecisionRenderError,
    decision_context,
    parent_line,
    render_decision_html,
    render_decision_pdf,
)

CSS_PATH = R.TEMPLATES_DIR / "documents" / "decision.css"
NBSP, WJ = "\u00a0", "\u2060"  # no-break space, word joiner


# --------------------------------------------------------------------------- helpers


def make_doc(
    *, number: int = 5, vice: bool = True, individuals: int = 3, collectives: int = 2,
    households: int = 0,
) -> DecisionDocument:
    awardees: list[DecisionAwardee] = []
    for i in range(collectives):
        name = "Trường Trung học cơ sở Trường Long Hòa" if i == 0 else f"Đoàn Thanh niên ấp {i}"
        awardees.append(DecisionAwardee(
            name, "Phường Trường Long Hòa, thị xã Duyên Hải", "Giấy khen", 1_755_000,
            "collective"))
    for i in range(households):
        awardees.append(DecisionAwardee(
            f"Hộ ông Thạch Sà Rết {i + 1}", "Ấp Giồng Giếng, xã Long Hữu", "Giấy khen",
            500_000, "household"))
    for i in range(individuals):
        name, gender = ("Nguyễn Thị Ánh Tuyết", "female") if i == 0 else (f"Trần Văn Hùng {i}",
                                                                         "male")
        awardees.append(DecisionAwardee(
            name, "Giáo viên Trường Tiểu học Long Toàn A", "Giấy khen", 877_500,
            "individual", gender))
    return DecisionDocument(
        parent_body=None,  # a People's Committee: its header is its own name only
        issuing_body="Ủy ban nhân dân thị xã Duyên Hải",
        place_name="Duyên Hải",
        number=number,
        symbol="QĐ-UBND",
        issued_on=date(2026, 1, 5),
        subject="Về việc khen thưởng thành tích xuất sắc trong phong trào thi đua "
                "“Dạy tốt, học tốt” năm học 2024 - 2025",
        award_form="Giấy khen của Chủ tịch Ủy ban nhân dân thị xã",
        achievement="thành tích xuất sắc trong phong trào thi đua “Dạy tốt, học tốt”",
        legal_bases=(
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025",
            "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
        ),
        proposer="Theo đề nghị của Trưởng phòng Nội vụ thị xã.",
        fund="Quỹ Thi đua, khen thưởng thị xã năm 2026",
        executors=(
            "Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân thị xã",
            "Trưởng phòng Nội vụ",
            "Thủ trưởng các cơ quan, đơn vị có liên quan và các tập thể, cá nhân có tên "
            "tại Điều 1",
        ),
        recipients=("Như Điều 3", "CT, các PCT UBND thị xã", "Lưu: VT, NV"),
        signer_name="Lê Văn Hẳn",
        signer_is_vice=vice,
        awardees=tuple(awardees),
    )


def nfd(doc: DecisionDocument) -> DecisionDocument:
    """The same document with every string decomposed (NFD), as some keyboards type it."""
    def conv(v):
        if isinstance(v, str):
            return unicodedata.normalize("NFD", v)
        if isinstance(v, tuple):
            return tuple(conv(x) for x in v)
        if isinstance(v, DecisionAwardee):
            return replace(v, **{f: conv(getattr(v, f)) for f in ("name", "description",
                                                                   "award_name")})
        return v
    return DecisionDocument(**{k: conv(v) for k, v in vars(doc).items()})


def norm(text: str) -> str:
    """NFC with runs of whitespace collapsed: extraction may break lines anywhere."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def page_texts(pdf: bytes) -> list[str]:
    return [norm(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def top_margin_texts(pdf: bytes) -> list[str]:
    """Text drawn in the top margin (above the 20 mm margin line) of each page."""
    result = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        height = float(page.mediabox.height)
        limit = height - 20 / 25.4 * 72  # y of the top margin edge, PDF y grows upwards
        parts: list[str] = []

        def visit(text, cm, tm, font_dict, font_size, parts=parts, limit=limit):
            y = tm[5] * cm[3] + cm[5]
            if text.strip() and y > limit:
                parts.append(text.strip())

        page.extract_text(visitor_text=visit)
        result.append(" ".join(parts))
    return result


def pdf_fonts(pdf: bytes) -> list[tuple[str, TTFont, dict]]:
    """(BaseFont, embedded font, descendant font dict) for every font used."""
    fonts = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            data = descendant["/FontDescriptor"]["/FontFile2"].get_object().get_data()
            fonts[str(font["/BaseFont"])] = (TTFont(io.BytesIO(data)), descendant)
    return [(name, ttf, desc) for name, (ttf, desc) in fonts.items()]


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def vice_pdf() -> bytes:
    return render_decision_pdf(make_doc(number=5, vice=True))


@pytest.fixture(scope="module")
def chair_pdf() -> bytes:
    return render_decision_pdf(make_doc(number=15, vice=False, households=1))


@pytest.fixture(scope="module")
def long_pdf() -> bytes:
    return render_decision_pdf(make_doc(collectives=10, individuals=40))


# --------------------------------------------------------------------------- content


def test_number_and_date_lines(vice_pdf, chair_pdf):
    first = page_texts(vice_pdf)[0]
    assert "Số: 05/QĐ-UBND" in first
    assert "Duyên Hải, ngày 05 tháng 01 năm 2026" in first
    assert "Số: 15/QĐ-UBND" in page_texts(chair_pdf)[0]


def test_header_and_title_blocks(vice_pdf):
    first = page_texts(vice_pdf)[0]
    for text in (
        "ỦY BAN NHÂN DÂN THỊ XÃ DUYÊN HẢI",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "QUYẾT ĐỊNH Về việc khen thưởng thành tích xuất sắc",
        "CHỦ TỊCH ỦY BAN NHÂN DÂN THỊ XÃ DUYÊN HẢI",
        "QUYẾT ĐỊNH:",
    ):
        assert text in first, text


def test_legal_bases_and_articles(vice_pdf):
    text = " ".join(page_texts(vice_pdf))
    # Each basis ends with ";" and the last line (the proposer) with ".".
    assert "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;" in text
    assert "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;" in text
    assert "Theo đề nghị của Trưởng phòng Nội vụ thị xã." in text
    assert ("Điều 1. Tặng Giấy khen của Chủ tịch Ủy ban nhân dân thị xã cho 2 tập thể và "
            "3 cá nhân (có danh sách kèm theo) đã có thành tích xuất sắc") in text
    # Total: 2 × 1.755.000 + 3 × 877.500 = 6.142.500 đồng.
    assert "tổng số tiền thưởng là 6.142.500 đồng, trích từ Quỹ Thi đua" in text
    assert ("Điều 2. Mỗi tập thể, cá nhân có tên tại Điều 1 được thưởng theo mức ghi trong "
            "danh sách kèm theo") in text
    # Decree 30's model: the entry into force opens the last article, which ends with "./.".
    assert ("Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng") in text
    assert "chịu trách nhiệm thi hành Quyết định này./." in text


def test_recipients(vice_pdf):
    text = " ".join(page_texts(vice_pdf))
    assert "Nơi nhận: - Như Điều 3; - CT, các PCT UBND thị xã; - Lưu: VT, NV." in text


def test_vice_chairman_signs(vice_pdf):
    text = " ".join(page_texts(vice_pdf))
    assert "KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in text
    assert "Lê Văn Hẳn" in text


def test_chairman_signs(chair_pdf):
    text = " ".join(page_texts(chair_pdf))
    assert "KT. CHỦ TỊCH" not in text
    assert "PHÓ CHỦ TỊCH" not in text
    # The signature title sits between the recipients and the signer's name.
    assert re.search(r"Lưu: VT, NV\. CHỦ TỊCH Lê Văn Hẳn", text), text


def test_household_counted_with_collectives(chair_pdf):
    text = " ".join(page_texts(chair_pdf))
    assert "cho 2 tập thể, 1 hộ gia đình và 3 cá nhân (có danh sách kèm theo)" in text
    assert "Mỗi tập thể, hộ gia đình, cá nhân có tên tại Điều 1 được thưởng" in text
    assert ("DANH SÁCH TẬP THỂ, HỘ GIA ĐÌNH VÀ CÁ NHÂN ĐƯỢC TẶNG GIẤY KHEN CỦA CHỦ TỊCH ỦY "
            "BAN NHÂN DÂN THỊ XÃ") in text


def test_annex_names_amounts_and_total(vice_pdf):
    pages = page_texts(vice_pdf)
    annex = pages[-1]
    assert ("DANH SÁCH TẬP THỂ VÀ CÁ NHÂN ĐƯỢC TẶNG GIẤY KHEN CỦA CHỦ TỊCH ỦY BAN NHÂN DÂN "
            "THỊ XÃ") in annex
    # One award for all: named in the title, not repeated in a column on every row.
    assert "Hình thức khen thưởng" not in annex
    assert ("(Kèm theo Quyết định số 05/QĐ-UBND ngày 05/01/2026 của Chủ tịch Ủy ban nhân "
            "dân thị xã Duyên Hải)") in annex
    assert "Bà Nguyễn Thị Ánh Tuyết" in annex
    assert "Ông Trần Văn Hùng 1" in annex
    assert "Trường Long Hòa" in annex
    assert "1.755.000" in annex
    assert "877.500" in annex
    assert "Tổng cộng 6.142.500" in annex
    # Collectives are listed (and numbered) before individuals.
    assert annex.index("I Tập thể 1 Trường Trung học") < annex.index("II Cá nhân 1 Bà Nguyễn")


def test_a_title_is_recognised_not_conferred():
    doc = replace(make_doc(collectives=0), award_is_title=True, award_form="Lao động tiên tiến",
                  subject="Về việc công nhận danh hiệu “Lao động tiên tiến” năm 2025",
                  achievement="")
    text = " ".join(page_texts(render_decision_pdf(doc)))
    assert ("Điều 1. Công nhận danh hiệu “Lao động tiên tiến” cho 3 cá nhân (có danh sách "
            "kèm theo).") in text
    assert "Tặng" not in text
    assert "DANH SÁCH CÁ NHÂN ĐƯỢC CÔNG NHẬN DANH HIỆU “LAO ĐỘNG TIÊN TIẾN”" in text


def test_mixed_awards_get_their_own_column():
    doc = make_doc(collectives=1, individuals=1)
    other = replace(doc.awardees[0], award_name="Bằng khen")
    doc = replace(doc, awardees=(other,) + doc.awardees[1:])
    annex = page_texts(render_decision_pdf(doc))[-1]
    assert "DANH SÁCH TẬP THỂ VÀ CÁ NHÂN ĐƯỢC KHEN THƯỞNG" in annex
    # The column holds titles as well as forms of commendation; the others keep their names.
    assert ("STT Họ và tên / Tên tập thể Chức vụ, đơn vị hoặc địa chỉ Danh hiệu, hình thức "
            "khen thưởng Số tiền (đồng)") in annex
    assert "Bằng khen" in annex


@pytest.mark.parametrize(("name", "lines"), [
    ("Ủy ban nhân dân thị xã Duyên Hải", ["ỦY BAN NHÂN DÂN", "THỊ XÃ DUYÊN HẢI"]),
    ("Ủy ban nhân dân tỉnh Trà Vinh", ["ỦY BAN NHÂN DÂN", "TỈNH TRÀ VINH"]),
    ("Ủy ban nhân dân xã Long Hữu", ["ỦY BAN NHÂN DÂN", "XÃ LONG HỮU"]),
    ("Hội đồng Thi đua - Khen thưởng", ["HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG"]),
])
def test_header_breaks_a_body_name_before_its_level(name, lines):
    ctx = decision_context(replace(make_doc(), issuing_body=name))
    assert [line.replace(NBSP, " ") for line in ctx["issuing_body"]] == lines


def test_a_peoples_committee_prints_no_parent_line(vice_pdf):
    """Decree 30: a People's Committee's header is its own name only."""
    first = page_texts(vice_pdf)[0]
    assert first.startswith("ỦY BAN NHÂN DÂN THỊ XÃ DUYÊN HẢI")
    assert "TRÀ VINH" not in first
    assert decision_context(make_doc())["parent_body"] is None


def test_a_header_parent_is_printed_in_capitals_on_one_line_never_broken():
    doc = replace(make_doc(collectives=0, individuals=1), parent_body="UBND tỉnh  Trà Vinh")
    assert decision_context(doc)["parent_body"] == "UBND TỈNH TRÀ VINH"
    assert '<div class="parent-body one-line">UBND TỈNH TRÀ VINH</div>' in \
        render_decision_html(doc)
    lines = PdfReader(io.BytesIO(render_decision_pdf(doc))).pages[0].extract_text().splitlines()
    assert "UBND TỈNH TRÀ VINH" in [norm(line) for line in lines]



#: parent body as entered → its line as printed, and whether it keeps to one line
PARENT_LINES = [
    ("UBND tỉnh Trà Vinh", "UBND TỈNH TRÀ VINH", True),
    ("Sở Nội vụ tỉnh Trà Vinh", "SỞ NỘI VỤ TỈNH TRÀ VINH", True),
    # Too wide for the column beside the national motto in this font: Decree 30's
    # abbreviation of the common phrase.
    ("Ủy ban nhân dân tỉnh Trà Vinh", "UBND TỈNH TRÀ VINH", True),
    ("Ủy ban nhân dân thành phố Hồ Chí Minh", "UBND THÀNH PHỐ HỒ CHÍ MINH", True),
    ("Hội đồng nhân dân tỉnh Trà Vinh", "HĐND TỈNH TRÀ VINH", True),
    # Too long even abbreviated (the admin page refuses it): wrapped, never over the motto.
    ("Sở Giáo dục và Đào tạo tỉnh Bà Rịa - Vũng Tàu",
     "SỞ GIÁO DỤC VÀ ĐÀO TẠO TỈNH BÀ RỊA - VŨNG TÀU", False),
]


@pytest.mark.parametrize(("entered", "printed", "one_line"), PARENT_LINES)
def test_a_parent_line_is_abbreviated_where_it_would_crowd_the_motto(entered, printed,
                                                                     one_line):
    assert parent_line(entered) == (printed, one_line)
    doc = replace(make_doc(collectives=0, individuals=1), parent_body=entered)
    first_lines = [norm(line) for line in
                   PdfReader(io.BytesIO(render_decision_pdf(doc))).pages[0].extract_text()
                   .splitlines()[:3]]
    assert (printed in first_lines) == one_line


def test_article_3_never_prints_a_sentence_without_its_subject():
    doc = replace(make_doc(collectives=0, individuals=1), executors=("", "  "))
    text = " ".join(page_texts(render_decision_pdf(doc)))
    assert "Điều 3. Quyết định này có hiệu lực kể từ ngày ký./." in text
    assert "chịu trách nhiệm" not in text


def test_printed_text_keeps_spans_of_years_and_uy_ban_together():
    doc = replace(
        make_doc(collectives=0, individuals=1),
        subject="Về việc khen thưởng thành tích giai đoạn 2021 - 2025 của Ủy ban nhân dân",
        executors=("Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân thị xã",),
        recipients=("CT, các PCT ủy ban nhân dân thị xã", "Lưu: VT, NV"))
    ctx = decision_context(doc)
    assert ctx["subject"] == (f"Về việc khen thưởng thành tích giai đoạn 2021{NBSP}-{WJ}{NBSP}2025 "
                              f"của Ủy{NBSP}ban nhân dân")
    assert ctx["authority"].startswith(f"CHỦ TỊCH ỦY{NBSP}BAN ")
    assert ctx["executors"] == f"Chánh Văn phòng Hội đồng nhân dân và Ủy{NBSP}ban nhân dân thị xã"
    assert ctx["recipients"][0] == f"CT, các PCT ủy{NBSP}ban nhân dân thị xã;"
    assert ctx["annex_reference"].endswith(
        f"của Chủ tịch Ủy{NBSP}ban nhân dân thị xã Duyên{NBSP}Hải)")
    assert doc.subject.count(NBSP) == 0  # the document's values (as stored) are untouched


def _broken_pairs(pdf: bytes) -> set[str]:
    """Which of the pairs to keep together are split by the end of a line."""
    lines = [norm(line) for line in
             PdfReader(io.BytesIO(pdf)).pages[0].extract_text().splitlines() if line.strip()]
    found = set()
    for line, following in zip(lines, lines[1:], strict=False):
        if re.search(r"\b2021( -)?$", line) and re.match(r"^(- )?2025\b", following):
            found.add("2021 - 2025")
        if re.search(r"\b(Ủy|ỦY)$", line) and re.match(r"^(ban|BAN)\b", following):
            found.add("Ủy ban")
    return found


@pytest.mark.slow
def test_spans_of_years_and_uy_ban_never_break_across_lines(monkeypatch):
    """The subject, with the pair at every place around the end of its first line: never
    split, while the same texts with ordinary spaces are (the control)."""
    def docs():
        for pad in range(0, 36, 3):
            for pair in ("2021 - 2025", "Ủy ban"):
                yield replace(make_doc(collectives=0, individuals=1),
                              subject=f"Về việc khen thưởng {'x' * pad} {pair} {pair} {pair}")

    assert set().union(*(_broken_pairs(render_decision_pdf(d)) for d in docs())) == set()
    monkeypatch.setattr(R, "_keep_together", lambda text, place=None: text)
    assert set().union(*(_broken_pairs(render_decision_pdf(d)) for d in docs())) == {
        "2021 - 2025", "Ủy ban"}


def test_a_year_after_nam_and_the_places_name_are_kept_together():
    doc = replace(make_doc(collectives=0, individuals=1),
                  subject="Về việc công nhận danh hiệu “Lao động tiên tiến” năm 2025")
    ctx = decision_context(doc)
    assert ctx["subject"].endswith(f"” năm{NBSP}2025")
    assert ctx["issuing_body"][-1] == f"THỊ XÃ DUYÊN{NBSP}HẢI"
    assert ctx["annex_reference"].endswith(f"thị xã Duyên{NBSP}Hải)")
    assert f"năm{NBSP}2022" in ctx["legal_bases"][1]
    assert "năm học 2024" in ctx["subject"] + decision_context(make_doc())["subject"]


def _lines(pdf: bytes, page: int) -> list[str]:
    return [norm(line) for line in
            PdfReader(io.BytesIO(pdf)).pages[page].extract_text().splitlines() if line.strip()]


@pytest.mark.parametrize("title", ["Lao động tiên tiến", "Chiến sĩ thi đua cơ sở",
                                   "Tập thể lao động tiên tiến"])
def test_a_centred_title_breaks_before_a_quoted_name_not_inside_it(title):
    """Each of these broke inside its name ("“LAO / ĐỘNG TIÊN TIẾN”") in the annex title or
    the subject."""
    individuals = make_doc(collectives=0, individuals=2).awardees
    doc = replace(make_doc(collectives=0, individuals=2), award_is_title=True,
                  award_form=title, award_period="năm 2025",
                  subject=f"Về việc công nhận danh hiệu “{title}” năm 2025",
                  awardees=tuple(replace(a, award_name=title) for a in individuals))
    pdf = render_decision_pdf(doc)
    assert any(f"“{title}”" in line for line in _lines(pdf, 0))
    assert any(f"“{title.upper()}” NĂM 2025" in line for line in _lines(pdf, -1))


def test_a_quoted_name_longer_than_a_line_breaks_as_any_text():
    motto = "“Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn minh, thị xã giàu mạnh”"
    ctx = decision_context(replace(make_doc(), subject=f"Về việc khen thưởng phong trào {motto}"))
    assert ctx["subject"].endswith(f"phong trào {motto}")


#: a legal basis of two lines, repeated: with 7 to 9 of them the signature row came alone at
#: the top of page 2, Article 3 ending at the foot of page 1
LONG_BASIS = ("Căn cứ Nghị định số 152/2025/NĐ-CP ngày 30 tháng 6 năm 2025 của Chính phủ quy "
              "định chi tiết một số điều của Luật Thi đua, khen thưởng")


@pytest.mark.slow
def test_the_signature_never_begins_a_page_without_the_end_of_the_text_it_signs():
    for count in range(1, 13):
        doc = replace(make_doc(collectives=0, individuals=1),
                      legal_bases=(LONG_BASIS,) * count)
        pages = page_texts(render_decision_pdf(doc))
        signed = next(p for p in pages if "Nơi nhận:" in p)
        above = signed.split("Nơi nhận:")[0]
        assert "chịu trách nhiệm thi hành Quyết định này./." in above, count


@pytest.mark.slow
@pytest.mark.parametrize("individuals", [39, 60, 81])
def test_the_total_never_stands_alone_on_the_annexs_last_page(individuals):
    """These counts fill a page with rows exactly: the total used to go over alone."""
    pages = page_texts(render_decision_pdf(make_doc(collectives=0, individuals=individuals)))
    assert "Tổng cộng" in pages[-1]
    assert f"Ông Trần Văn Hùng {individuals - 1}" in pages[-1]


def test_annex_on_new_page(vice_pdf):
    pages = page_texts(vice_pdf)
    assert len(pages) >= 2
    assert "DANH SÁCH" not in " ".join(pages[:-1])
    assert "QUYẾT ĐỊNH:" not in pages[-1]


def test_multipage_annex(long_pdf):
    pages = page_texts(long_pdf)
    assert len(pages) >= 3
    annex = [i for i, p in enumerate(pages) if "Họ và tên / Tên tập thể" in p]
    # The annex spans several pages and the table header is repeated on each of them.
    assert len(annex) >= 2
    assert annex == list(range(annex[0], len(pages)))
    assert "Tổng cộng 52.650.000" in pages[-1]  # 10 × 1.755.000 + 40 × 877.500
    assert all("Tổng cộng" not in p for p in pages[:-1])
    assert "40 Ông Trần Văn Hùng 39" in pages[-1]


def test_page_numbers_in_top_margin_except_first_and_annex_on_its_own(long_pdf):
    """Decree 30: page numbers from page 2; an annex's pages are numbered on their own."""
    tops = top_margin_texts(long_pdf)
    pages = page_texts(long_pdf)
    first_annex = next(i for i, p in enumerate(pages) if "DANH SÁCH" in p)
    body, annex = tops[:first_annex], tops[first_annex:]
    assert body == [""] + [str(n) for n in range(2, len(body) + 1)]
    assert len(annex) >= 3
    assert annex == [""] + [str(n) for n in range(2, len(annex) + 1)]


def test_nfd_input_renders_like_nfc():
    doc = make_doc()
    decomposed = nfd(doc)
    assert decomposed.awardees[0].name != doc.awardees[0].name  # really decomposed
    assert render_decision_html(decomposed) == render_decision_html(doc)
    assert page_texts(render_decision_pdf(decomposed)) == page_texts(render_decision_pdf(doc))


def test_user_text_is_escaped():
    doc = make_doc()
    evil = replace(doc.awardees[0], name='<img src="file:///etc/passwd"> & <b>x</b>')
    doc = replace(doc, awardees=(evil,) + doc.awardees[1:])
    assert "&lt;img src=" in render_decision_html(doc)
    text = " ".join(page_texts(render_decision_pdf(doc)))
    # The narrow name column wraps the string (at "/"), hence the comparison without spaces.
    assert '<imgsrc="file:///etc/passwd">&<b>x</b>' in text.replace(" ", "")


def test_unknown_kind_is_rejected():
    doc = make_doc()
    bad = replace(doc.awardees[0], kind="company")
    with pytest.raises(ValueError, match="company"):
        decision_context(replace(doc, awardees=(bad,)))


def test_context_punctuation_and_prefixes():
    doc = replace(make_doc(), proposer="Trưởng phòng Nội vụ", achievement="đã có thành tích tốt.")
    ctx = decision_context(doc)
    assert ctx["legal_bases"][-1] == "Theo đề nghị của Trưởng phòng Nội vụ."
    assert all(b.endswith(";") for b in ctx["legal_bases"][:-1])
    assert ctx["achievement"] == "đã có thành tích tốt"
    assert ctx["recipients"][-1] == "Lưu: VT, NV."
    assert ctx["authority"] == f"CHỦ TỊCH ỦY{NBSP}BAN NHÂN DÂN THỊ XÃ DUYÊN{NBSP}HẢI"


# --------------------------------------------------------------------------- fonts


def test_only_noto_serif_is_embedded(vice_pdf):
    fonts = pdf_fonts(vice_pdf)
    assert len(fonts) == 4  # regular, bold, italic, bold italic
    for base_font, ttf, _ in fonts:
        assert "Noto-Serif" in base_font
        assert ttf["name"].getDebugName(1) == "Noto Serif"
    weights = sorted(ttf["OS/2"].usWeightClass for _, ttf, _ in fonts)
    assert weights == [400, 400, 700, 700]


@pytest.mark.parametrize("static", [True, False], ids=["static-instances", "variable-files"])
def test_bold_is_laid_out_with_bold_metrics(static, monkeypatch):
    """Bold text must be shaped with bold advances and embed matching glyphs.

    With a variable font declared with ``font-weight: 700``, WeasyPrint 70 lays bold text
    out with regular widths but embeds bold glyphs (overlapping letters); this guards
    against that, for both font set-ups of the renderer.
    """
    monkeypatch.setattr(R, "USE_STATIC_FONTS", static)
    static_dir = R.prepare_fonts() if static else None
    if static:
        assert static_dir is not None, "static font instances could not be built"
    faces = "".join(
        f'@font-face {{ font-family: T; src: url("{f["url"]}"); font-style: {f["style"]};'
        + (f' font-weight: {f["weight"]};' if f["weight"] else "") + " }"
        for f in R._font_faces(static_dir)
    )
    html = (f"<style>{faces} body {{ font-family: T }} span {{ display: inline-block }}</style>"
            "<p><span>CỘNG HÒA Hạnh phúc</span></p><p><b><span>CỘNG HÒA Hạnh phúc</span></b></p>")
    allowed = DEFAULT_ALLOWED_DIRS + ((static_dir,) if static_dir else ())
    document = weasyprint.HTML(string=html, url_fetcher=SafeURLFetcher(allowed)).render(
        font_config=FontConfiguration())

    def spans(box, found):
        # The outermost box of each <span> (its inline-block), keyed by element.
        if getattr(box, "element_tag", None) == "span":
            found.setdefault(box.element, box.width)
        for child in getattr(box, "children", ()):
            spans(child, found)
        return found

    regular, bold = spans(document.pages[0]._page_box, {}).values()
    assert bold > regular * 1.03

    # Widths written in the PDF equal the advances of the embedded glyphs.
    for base_font, ttf, descendant in pdf_fonts(document.write_pdf()):
        order, widths = ttf.getGlyphOrder(), descendant["/W"]
        scale = 1000 / ttf["head"].unitsPerEm
        for i in range(0, len(widths), 2):
            for k, width in enumerate(widths[i + 1]):
                advance = ttf["hmtx"][order[widths[i] + k]][0] * scale
                assert abs(advance - width) <= 1, base_font


def test_falls_back_to_variable_fonts_without_cache_dir(monkeypatch):
    """No writable, trusted cache folder: the decision still renders, with the variable fonts."""
    monkeypatch.setattr(R, "_static_dir", None)
    monkeypatch.setattr(R, "_static_failed", False)
    monkeypatch.setattr(R, "_usable_cache_dir", lambda directory: False)
    assert R.prepare_fonts() is None
    pdf = render_decision_pdf(make_doc())
    assert "Số: 05/QĐ-UBND" in page_texts(pdf)[0]
    assert {ttf["OS/2"].usWeightClass for _, ttf, _ in pdf_fonts(pdf)} == {400, 700}


# --------------------------------------------------------------------------- URL safety


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:9/evil.css",
    "https://example.com/font.ttf",
    "ftp://example.com/x",
    "file:///etc/passwd",
    "file://localhost/etc/passwd",
    "file://otherhost/share/x.css",
    f"{(R.TEMPLATES_DIR / 'documents').as_uri()}/../../../../../etc/passwd",
    f"{(R.TEMPLATES_DIR / 'documents').as_uri()}/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    f"{(R.TEMPLATES_DIR / 'documents').as_uri()}/missing.css",
    "javascript:alert(1)",
    "/etc/passwd",
])
def test_fetcher_refuses(url):
    with pytest.raises(UnsafeURLError):
        safe_url_fetcher(url)


def test_fetcher_serves_allowed_files_and_data():
    response = safe_url_fetcher(CSS_PATH.as_uri())
    assert response.read() == CSS_PATH.read_bytes()
    assert response.content_type == "text/css"
    response = safe_url_fetcher(R._font_faces(None)[0]["url"])
    assert response.read(4) == b"\x00\x01\x00\x00"  # TrueType
    assert safe_url_fetcher("data:text/plain,ok").read() == b"ok"


def test_fetcher_refuses_symlink_escaping_allowed_dir(tmp_path: Path):
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    (allowed / "link.txt").symlink_to(secret)
    (allowed / "ok.txt").write_text("ok")
    assert safe_url_fetcher((allowed / "ok.txt").as_uri(), [allowed]).read() == b"ok"
    with pytest.raises(UnsafeURLError):
        safe_url_fetcher((allowed / "link.txt").as_uri(), [allowed])


@pytest.mark.parametrize("snippet", [
    '<img src="file:///etc/passwd">',
    '<link rel="stylesheet" href="http://127.0.0.1:9/evil.css">',
    "<style>@import url(file:///etc/passwd);</style>",
    '<div style="background: url(https://example.com/track.png)">x</div>',
    '<style>@font-face { font-family: X; src: url(file:///etc/passwd) }'
    " p { font-family: X }</style><p>x</p>",
])
def test_template_level_loads_are_refused(snippet):
    """A document that references an outside resource does not render at all."""
    html = f"<html><body>{snippet}</body></html>"
    with pytest.raises(FatalURLFetchingError) as info:
        weasyprint.HTML(string=html, url_fetcher=SafeURLFetcher()).render(
            font_config=FontConfiguration()).write_pdf()
    assert isinstance(info.value.__cause__, UnsafeURLError)


def test_renderer_turns_refusals_into_render_error(monkeypatch):
    env = Environment(autoescape=True, loader=DictLoader({
        R.DECISION_TEMPLATE: '<html><body><img src="file:///etc/passwd">{{ number }}</body></html>',
    }))
    monkeypatch.setattr(R, "_env", env)
    with pytest.raises(DecisionRenderError) as info:
        render_decision_pdf(make_doc())
    assert isinstance(info.value.__cause__.__cause__, UnsafeURLError)


@pytest.mark.parametrize(("kinds", "header"), [
    ({"individuals": 2, "collectives": 0}, "STT Họ và tên Chức vụ, đơn vị hoặc địa chỉ Số"),
    ({"individuals": 0, "collectives": 2}, "STT Tên tập thể Đơn vị hoặc địa chỉ Số"),
    ({"individuals": 0, "collectives": 0, "households": 2}, "STT Tên hộ gia đình Địa chỉ Số"),
    ({"individuals": 0, "collectives": 1, "households": 1},
     "STT Tên tập thể / Tên hộ gia đình Đơn vị hoặc địa chỉ Số"),
    ({"individuals": 1, "collectives": 1, "households": 1},
     "STT Họ và tên / Tên tập thể / Tên hộ gia đình Chức vụ, đơn vị hoặc địa chỉ Số"),
], ids=["people", "collectives", "households", "collectives and households", "all three"])
def test_the_name_and_next_columns_say_what_they_hold(kinds, header):
    """A collective or a household has no position: the column says what it holds."""
    annex = page_texts(render_decision_pdf(make_doc(**kinds)))[-1]
    assert header in " ".join(annex.split())


#: (collectives, households, individuals) → whom Article 3 charges, with the decision's own
#: kinds of awardee in the executors' formula "các tập thể, cá nhân có tên tại Điều 1".
NAMED_IN_ARTICLE_1 = [
    ((1, 0, 1), "các tập thể, cá nhân có tên tại Điều 1"),
    ((0, 2, 0), "các hộ gia đình có tên tại Điều 1"),
    ((0, 0, 3), "các cá nhân có tên tại Điều 1"),
    ((1, 1, 1), "các tập thể, hộ gia đình, cá nhân có tên tại Điều 1"),
    ((0, 0, 1), "cá nhân có tên tại Điều 1"),
]


@pytest.mark.parametrize(("kinds", "named"), NAMED_IN_ARTICLE_1,
                         ids=["both", "households", "individuals", "all three", "one person"])
def test_article_3_names_the_kinds_of_awardee_article_1_has(kinds, named):
    collectives, households, individuals = kinds
    doc = make_doc(collectives=collectives, households=households, individuals=individuals)
    text = " ".join(page_texts(render_decision_pdf(doc)))
    assert (f"Thủ trưởng các cơ quan, đơn vị có liên quan và {named} chịu trách nhiệm thi hành "
            f"Quyết định này./.") in text
    # Article 2 says the same of them: of each, or of the one.
    whom = named.removesuffix(" có tên tại Điều 1")
    whom = f"Mỗi {whom.removeprefix('các ')}" if whom.startswith("các ") else whom.capitalize()
    assert f"Điều 2. {whom} có tên tại Điều 1 được thưởng" in text


def test_executors_written_otherwise_are_printed_as_written():
    doc = replace(make_doc(collectives=0, households=2, individuals=0),
                  executors=("Chủ tịch Ủy ban nhân dân các xã, phường",
                             "Các hộ có tên tại Điều 1"))
    assert decision_context(doc)["executors"] == (
        f"Chủ tịch Ủy{NBSP}ban nhân dân các xã, phường, Các hộ có tên tại Điều 1")


# --------------------------------------------------------------------------- render set-up


@pytest.mark.parametrize("enabled", [True, False], ids=["collector on", "collector off"])
def test_the_render_leaves_the_garbage_collector_as_it_found_it(enabled, monkeypatch):
    """The collector is paused for the render only, also when the render fails."""
    paused = []

    def failing(*_args: object) -> bytes:
        paused.append(not gc.isenabled())
        raise DecisionRenderError("refused")

    was = gc.isenabled()
    try:
        if not enabled:
            gc.disable()
        assert page_texts(render_decision_pdf(make_doc(individuals=1, collectives=0)))
        assert gc.isenabled() is enabled
        monkeypatch.setattr(R, "_weasyprint_pdf", failing)
        with pytest.raises(DecisionRenderError):
            render_decision_pdf(make_doc())
        assert paused == [True]
        assert gc.isenabled() is enabled
    finally:
        if was:
            gc.enable()


def test_the_render_is_called_from_a_frame_that_starts_a_stack_chunk_of_its_own():
    """See render._STACK_ROOM_SLOTS: the frame reserves 64 KiB that its callees never use."""
    code = R._render_in_own_stack_chunk.__code__
    assert code.co_stacksize >= R._STACK_ROOM_SLOTS
