"""Vietnamese text: NFC everywhere, diacritic-blind search, official dates and amounts."""

from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal

import pytest

from award_flow.core.formatting import (
    document_number,
    vn_date,
    vn_file_size,
    vn_money,
    vn_place_date,
    vn_short_date,
)
from award_flow.core.text import ascii_letters, fold, mid_sentence, nfc


@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 1, 5), "ngày 05 tháng 01 năm 2026"),
    (date(2026, 2, 28), "ngày 28 tháng 02 năm 2026"),
    (date(2026, 3, 9), "ngày 09 tháng 3 năm 2026"),
    (date(2025, 12, 31), "ngày 31 tháng 12 năm 2025"),
])
def test_dates_follow_decree_30(day, expected):
    assert vn_date(day) == expected


@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 1, 5), "05/01/2026"),
    (date(2026, 2, 28), "28/02/2026"),
    (date(2026, 3, 9), "09/3/2026"),
    (date(2025, 12, 31), "31/12/2025"),
])
def test_short_dates_pad_as_the_date_line_does(day, expected):
    assert vn_short_date(day) == expected


def test_place_and_date_line():
    assert vn_place_date("Duyên Hải", date(2026, 1, 5)) == "Duyên Hải, ngày 05 tháng 01 năm 2026"


@pytest.mark.parametrize(("amount", "expected"), [
    (1755000, "1.755.000 đồng"), (Decimal("702000"), "702.000 đồng"), (0, "0 đồng"),
    (1234567890, "1.234.567.890 đồng"),
])
def test_money_groups_thousands_with_dots(amount, expected):
    assert vn_money(amount) == expected


@pytest.mark.parametrize(("size", "expected"), [
    (10 * 1024 * 1024, "10 MB"),
    (1024 * 1024, "1 MB"),
    (1536 * 1024, "1,5 MB"),        # a decimal comma
    (1099956, "1 MB"),              # 1,049 MB: one decimal, and no trailing ",0"
    (1024, "1 KB"),
    (512 * 1024, "512 KB"),
    (1024 * 1024 - 1, "1 MB"),      # rounds to the next unit: not "1024 KB"
    (1024 * 1024 - 60 * 1024, "964 KB"),
    (1023, "1 KB"),                 # likewise, not "1023 byte"
    (900, "900 byte"),
])
def test_file_sizes_are_written_in_the_largest_unit_with_a_decimal_comma(size, expected):
    assert vn_file_size(size) == expected


@pytest.mark.parametrize(("number", "expected"), [(5, "05/QĐ-UBND"), (15, "15/QĐ-UBND")])
def test_document_numbers_under_ten_take_a_zero(number, expected):
    assert document_number(number, "QĐ-UBND") == expected


@pytest.mark.parametrize(("text", "folded"), [
    ("Nguyễn Văn A", "nguyen van a"),
    ("Đặng Quốc Khánh", "dang quoc khanh"),
    ("TRƯỜNG LONG HÒA", "truong long hoa"),
    ("  Thạch   Thị  Sa Rây ", "thach thi sa ray"),
    ("trưởng đoàn Lê Văn Đạt", "truong doan le van dat"),  # "đ" typed in lower case
])
def test_fold_ignores_case_and_diacritics(text, folded):
    assert fold(text) == folded
    assert fold(unicodedata.normalize("NFD", text)) == folded


def test_nfc_recomposes_decomposed_input():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Ánh")
    assert decomposed != "Nguyễn Thị Ánh"
    assert nfc(decomposed) == "Nguyễn Thị Ánh"
    assert nfc(None) is None


@pytest.mark.parametrize(("typed", "stored"), [
    ("Nguyễn\x00 Văn A", "Nguyễn Văn A"),        # NUL: PostgreSQL refuses it in text
    ("\u200b", ""),                               # a zero-width space is no name
    ("\ufeffTrần Thị B\u200d", "Trần Thị B"),     # byte-order mark, zero-width joiner
    ("Lê\u202e Văn C", "Lê Văn C"),              # a bidi override would print it reversed
    ("Hồ\u00adsơ", "Hồsơ"),                       # soft hyphen
    ("dòng 1\r\ndòng 2\tcột", "dòng 1\r\ndòng 2\tcột"),  # a textarea keeps its lines
    ("Kim Sô\u00a0Phia", "Kim Sô\u00a0Phia"),     # a no-break space is visible
])
def test_nfc_drops_control_and_invisible_characters(typed, stored):
    assert nfc(typed) == stored


#: A phrase as typed → as it reads inside a sentence (Article 1, the subject line).
MID_SENTENCE = [
    ("Thành tích xuất sắc", "thành tích xuất sắc"),
    ("Đã hoàn thành xuất sắc nhiệm vụ", "đã hoàn thành xuất sắc nhiệm vụ"),
    ("thành tích xuất sắc", "thành tích xuất sắc"),
    ("UBND xã ghi nhận", "UBND xã ghi nhận"),  # an abbreviation
    ("UBND xã", "UBND xã"),
    ("Hoàn thành xuất sắc", "hoàn thành xuất sắc"),
    ("Đã có nhiều thành tích", "đã có nhiều thành tích"),
    ("Tích cực", "tích cực"),  # one word: lowered
    ("Hội Nông dân xã đạt danh hiệu", "Hội Nông dân xã đạt danh hiệu"),  # a proper name
    ("Trường Tiểu học Long Toàn", "Trường Tiểu học Long Toàn"),
    ("Nguyễn Văn A", "Nguyễn Văn A"),
    ("A", "A"),  # one letter: nothing to tell
    ("", ""),
]


@pytest.mark.parametrize(("typed", "inside"), MID_SENTENCE)
def test_a_phrase_inside_a_sentence_starts_in_lower_case(typed, inside):
    assert mid_sentence(typed) == inside


@pytest.mark.parametrize(("text", "ascii"), [
    ("Đỗ Thị Hằng", "Do Thi Hang"),  # case kept, "Đ" a "D"
    ("Biên bản họp Hội đồng.pdf", "Bien ban hop Hoi dong.pdf"),
    (unicodedata.normalize("NFD", "Tờ trình số 2.docx"), "To trinh so 2.docx"),
    ("Báo cáo – 2025 ✓.xlsx", "Bao cao  2025 .xlsx"),  # no ASCII letter: dropped
])
def test_ascii_letters_keep_the_words_readable(text, ascii):
    assert ascii_letters(text) == ascii
