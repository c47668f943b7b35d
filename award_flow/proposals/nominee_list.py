"""The list of nominees as a spreadsheet (danh sách): the blank form a unit fills in, and
reading a filled one into nominees.

A unit proposing a title for a school's staff or a commune's households has dozens or
hundreds of names, already in Excel; typing them one by one through the nominee form is
where a clerk's afternoon goes. The form (`blank_list`) has one column per field of the
nominee form, for the award's kind of nominee, with the genders and priority groups to
choose from; `read_list` turns a filled one into `NomineeData`, or says which cells of
which rows are wrong. The operation (`operations.import_nominees`) then adds them all or
none, with the same checks as one nominee typed in.

Columns are found by their heading, whatever their order, so a unit's own sheet with the
same headings works too. A heading that is not one of ours is refused, not skipped: a
column "Chức danh" dropped without a word would be data lost.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from award_flow.catalogue.models import NomineeKind
from award_flow.core.errors import ValidationError
from award_flow.core.storage import detect_kind
from award_flow.core.text import fold, nfc
from award_flow.proposals.models import (
    NAME_LABELS,
    PLACE_LABELS,
    PRIORITY_GROUPS_BY_KIND,
    Gender,
    PriorityGroup,
)

#: A filled list is an XLSX of at most the attachment size; unpacked, its XML may be larger
#: than that, but not this much (a "zip bomb" is refused before it is read).
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
#: The cells a sheet may hold per row a list may have: openpyxl parses every cell the file
#: holds, filled or not, at some microseconds each, so a file of a few MB full of empty
#: cells would keep a request busy for a minute. A list's columns, and a template formatted
#: well beyond them, fit many times over.
MAX_CELLS_PER_ROW = 64
#: A cell element of a sheet's XML ("<c r=…>", "<c/>", or with a prefix, "<x:c …>").
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
#: Errors said at once: enough to fix a sheet in one go, not a wall of text.
MAX_REPORTED = 20
#: The blank list's hidden sheet of drop-down choices (the list itself is the first sheet).
CHOICES_SHEET = "Lựa chọn"


@dataclass(frozen=True)
class Column:
    field: str
    #: The heading printed in the blank list, in Vietnamese (a form filed with the
    #: authority, whatever the page's language).
    heading: str
    width: int
    #: Other headings read as this column (folded, see core.text.fold).
    also: tuple[str, ...] = ()


def _vi_text(label: object) -> str:
    """A lazy label's text in Vietnamese, whatever the page's language (see `_vi`). Read at
    import, outside any request, it is the message id: the Vietnamese source text."""
    with force_locale("vi"):
        return str(label)


_NUMBER = Column("no", "STT", 6, ("tt", "so tt", "so thu tu"))
#: The name's and the place's headings are the nominee form's labels (models.NAME_LABELS,
#: PLACE_LABELS).
_NAME_WIDTHS = {NomineeKind.INDIVIDUAL: 28, NomineeKind.COLLECTIVE: 40,
                NomineeKind.HOUSEHOLD: 32}
_NAMES = {kind: Column("name", _vi_text(NAME_LABELS[kind]), width)
          for kind, width in _NAME_WIDTHS.items()}
_GENDER = Column("gender", "Giới tính", 10)
_POSITION = Column("position", "Chức vụ", 24, ("chuc danh",))
#: Any kind's place heading is read as the place, so a list downloaded before the headings
#: differed by kind still reads.
_PLACE_READ_AS = ("don vi", "dia chi", "don vi cong tac", "don vi, dia chi",
                  "don vi cong tac hoac dia chi", "don vi hoac dia chi")
_PLACES = {kind: Column("unit_or_address", _vi_text(label), 40, _PLACE_READ_AS)
           for kind, label in PLACE_LABELS.items()}
_PRIORITY = Column("priority_group", "Nhóm ưu tiên", 30)
_SUMMARY = Column("achievement_summary", "Tóm tắt thành tích", 60)

#: Every name heading is read as the name, whatever the award's kind: the operation says
#: when the kind does not fit.
_NAME_HEADINGS = tuple(fold(c.heading) for c in _NAMES.values()) + ("ho ten", "ten")


def columns_for(kind: NomineeKind) -> list[Column]:
    """The blank list's columns for an award's kind of nominee (as the nominee form: a
    collective or a household has no gender and no position)."""
    people = [_GENDER, _POSITION] if kind == NomineeKind.INDIVIDUAL else []
    return [_NUMBER, _NAMES[kind], *people, _PLACES[kind], _PRIORITY, _SUMMARY]


def _vi(choice: Gender | PriorityGroup | NomineeKind) -> str:
    """A choice's label in Vietnamese, whatever the page's language: the list is a form
    filed with the authority, read back in any language. (`label` gives the text in the
    language in force where it is read, so it is read in here.)"""
    with force_locale("vi"):
        return choice.label


@functools.cache
def _group_labels(kind: NomineeKind) -> dict[str, PriorityGroup]:
    """Folded Vietnamese label → priority group, for the groups `kind` may be in."""
    return {fold(_vi(group)): group for group in PRIORITY_GROUPS_BY_KIND[kind]}


@functools.cache
def _genders() -> dict[str, Gender]:
    """Folded Vietnamese label ("nam", "nu") or value ("male", "female") → gender."""
    return {key: gender for gender in Gender for key in (fold(_vi(gender)), gender.value)}


def blank_list_name(kind: NomineeKind) -> str:
    """The blank list's file name: "danh-sach-ca-nhan.xlsx"."""
    return f"danh-sach-{fold(_vi(kind)).replace(' ', '-')}.xlsx"


def blank_list(kind: NomineeKind) -> bytes:
    """An empty list for nominees of `kind`, as XLSX bytes: the headings, and the genders
    and priority groups as drop-down choices."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách"
    columns = columns_for(kind)
    sheet.append([c.heading for c in columns])
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[cell.column_letter].width = column.width
    sheet.freeze_panes = "A2"
    choices = {"gender": [_vi(g) for g in (Gender.MALE, Gender.FEMALE)],
               "priority_group": [_vi(g) for g in PRIORITY_GROUPS_BY_KIND[kind]]}
    # The choices are cells of a hidden sheet, not a quoted list in the rule: Excel splits
    # a quoted list at its commas, and "Người trực tiếp lao động, công tác khác" has one.
    lists = workbook.create_sheet(CHOICES_SHEET)
    lists.sheet_state = "hidden"
    for index, column in enumerate(columns, start=1):
        if column.field in choices:
            labels = choices[column.field]
            source = get_column_letter(len(sheet.data_validations.dataValidation) + 1)
            for row, label in enumerate(labels, start=1):
                lists[f"{source}{row}"] = label
            rule = DataValidation(type="list", allow_blank=True, formula1=(
                f"'{CHOICES_SHEET}'!${source}$1:${source}${len(labels)}"))
            letter = get_column_letter(index)
            rule.add(f"{letter}2:{letter}5000")
            sheet.add_data_validation(rule)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class ListRow:
    """One filled row: its number in the sheet (as Excel shows it) and its cells by field."""

    line: int
    values: dict[str, str]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value)) or ""


_UNREADABLE = _l("Không đọc được tệp Excel này. Hãy lưu lại danh sách từ mẫu tải về rồi thử "
                 "lại.")


def _cell_count(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, stop_after: int) -> int:
    """The cell elements of a sheet's XML, counted as it unpacks (up to `stop_after`)."""
    count, tail = 0, b""
    with archive.open(entry) as stream:
        while chunk := stream.read(1 << 20):
            text = tail + chunk
            # A tag cut between two chunks is found in the next one, which begins with the
            # last bytes of this one: here, only the tags that begin before those count.
            cut = max(0, len(text) - 64)
            count += sum(1 for found in _CELL.finditer(text) if found.start() < cut)
            tail = text[cut:]
            if count > stop_after:
                return count
    return count + len(_CELL.findall(tail))


def _open(data: bytes, max_rows: int):  # noqa: ANN202 - an openpyxl read-only workbook
    if detect_kind(data[:8], io.BytesIO(data)) != "xlsx":
        raise ValidationError(_("Danh sách phải là tệp Excel (.xlsx), lưu từ mẫu tải về."))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if sum(entry.file_size for entry in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise ValidationError(_("Tệp Excel này quá lớn để đọc."))
        budget = (max_rows + 1) * MAX_CELLS_PER_ROW
        cells = 0
        # Every entry: the workbook's rels may put a sheet under any name.
        for entry in archive.infolist():
            cells += _cell_count(archive, entry, budget - cells)
            if cells > budget:
                break
        if cells > budget:
            raise ValidationError(_("Tệp Excel này có quá nhiều ô (kể cả ô trống đã định "
                                    "dạng) để đọc: hãy chép danh sách sang mẫu tải về rồi "
                                    "gửi lại."))
    try:
        # Read-only streams the sheet; openpyxl parses its XML with defusedxml.
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - whatever openpyxl finds wrong, the file is
        raise ValidationError(str(_UNREADABLE)) from exc


def _headings(cells: dict[int, str], columns: list[Column]) -> dict[int, str]:
    """Column index → field, from the heading row's filled cells; refuses a heading that is
    not ours."""
    fields: dict[int, str] = {}
    for index, heading in cells.items():
        key = fold(heading).rstrip(" *:")
        if not key:
            continue
        field = next((c.field for c in columns if key == fold(c.heading) or key in c.also),
                     None)
        if field is None and key in _NAME_HEADINGS:
            field = "name"
        if field is None or field in fields.values():
            known = ", ".join(f"“{c.heading}”" for c in columns)
            raise ValidationError(_("Không dùng được cột “%(heading)s” (cột %(col)s): các cột "
                                    "của danh sách là %(known)s.", heading=heading,
                                    col=_column_letter(index), known=known))
        fields[index] = field
    if "name" not in fields.values():
        raise ValidationError(_("Danh sách không có cột “%(heading)s”.",
                                heading=next(c.heading for c in columns if c.field == "name")))
    return fields


def _column_letter(index: int) -> str:
    """"A" for the first column (index 0), as Excel names it."""
    return get_column_letter(index + 1)


def read_rows(data: bytes, kind: NomineeKind, max_rows: int) -> list[ListRow]:
    """The filled rows of a list (empty rows skipped), by field; refuses a file that is not
    a list, or one longer than `max_rows` (empty rows included, see `_rows`). Reads no
    database: the view calls it before it locks the proposal."""
    workbook = _open(data, max_rows)
    try:
        rows = _rows(workbook.worksheets[0], kind, max_rows)
    except ValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 - the sheet is parsed as it is read
        raise ValidationError(str(_UNREADABLE)) from exc
    finally:
        workbook.close()
    if not rows:
        raise ValidationError(_("Danh sách chưa có ai: hãy ghi mỗi người (tập thể, hộ) một "
                                "dòng, dưới dòng tiêu đề."))
    return rows


def _filled(cells: tuple) -> dict[int, str]:
    """Column index → text of a row's cells that hold something, in column order. A row is
    as long as its last cell, which may be column XFD (16,384): its empty cells (None) are
    passed over, and only the others cleaned."""
    if cells.count(None) == len(cells):  # at C speed, however long the row
        return {}
    return {index: text for index, value in enumerate(cells)
            if value is not None and (text := _text(value))}


def _rows(sheet, kind: NomineeKind, max_rows: int) -> list[ListRow]:  # noqa: ANN001
    columns = columns_for(kind)
    # The read-only reader pads every row to the dimension the file declares, and yields
    # each row missing up to it: a file of 5 KB declaring "A1:XFD1048576" is a million rows
    # of 16,384 cells, read for a quarter of an hour. Undeclared, a row is as long as its
    # last cell and a missing row is empty; and every line read counts, empty or not, so
    # the reading stops `max_rows` lines below the headings whatever the file says.
    sheet.reset_dimensions()
    fields: dict[int, str] | None = None
    heading_line = 0
    rows: list[ListRow] = []
    for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
        filled = _filled(cells)
        values = {} if fields is None else {field: filled.get(index, "")
                                            for index, field in fields.items()}
        values.pop("no", None)
        if line - heading_line > max_rows:
            if any(values.values()):
                raise ValidationError(_("Danh sách dài quá %(n)s dòng: hãy chia thành nhiều "
                                        "tờ trình.", n=max_rows))
            raise ValidationError(_("Danh sách có quá %(n)s dòng, kể cả dòng trống: hãy xóa "
                                    "những dòng trống thừa (thường ở cuối bảng) rồi gửi lại.",
                                    n=max_rows))
        if not filled:
            continue
        if fields is None:  # the first row with anything in it: the headings
            fields = _headings(filled, columns)
            heading_line = line
            continue
        stray = next((index for index in filled if index not in fields), None)
        if stray is not None:
            raise ValidationError(_("Dòng %(line)s có nội dung ở cột %(col)s, cột không có tiêu "
                                    "đề: hãy ghi vào đúng cột của danh sách.", line=line,
                                    col=_column_letter(stray)))
        if not any(values.values()):
            continue  # a row with only its number
        rows.append(ListRow(line=line, values=values))
    return rows


def choices_of(row: ListRow, kind: NomineeKind) -> tuple[Gender | None, PriorityGroup]:
    """The row's gender and priority group, from their Vietnamese labels (or "male" /
    "female"); raises ValidationError for a value that is neither."""
    gender_text = fold(row.values.get("gender", ""))
    gender = _genders().get(gender_text) if gender_text else None
    if gender_text and gender is None:
        raise ValidationError(_("giới tính ghi “%(value)s”: hãy ghi Nam hoặc Nữ.",
                                value=row.values["gender"]))
    group_text = fold(row.values.get("priority_group", ""))
    groups = _group_labels(kind)
    group = groups.get(group_text, PriorityGroup.NONE) if group_text else PriorityGroup.NONE
    if group_text and group_text not in groups:
        raise ValidationError(_("nhóm ưu tiên “%(value)s” không có trong danh mục: %(groups)s.",
                                value=row.values["priority_group"],
                                groups=", ".join(f"“{_vi(g)}”"
                                                 for g in PRIORITY_GROUPS_BY_KIND[kind])))
    return gender, group
