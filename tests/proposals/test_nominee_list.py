"""The list of nominees as a spreadsheet: the blank list a unit downloads, and a filled one
added all at once, with the checks of one nominee typed in, or not at all."""

from __future__ import annotations

import io
import re
import sqlite3
import time
import unicodedata
import zipfile
from collections import Counter

import pytest
from flask import current_app
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import select, text, update
from sqlalchemy.exc import OperationalError

from award_flow.catalogue.models import NomineeKind
from award_flow.core.errors import ValidationError
from award_flow.extensions import db
from award_flow.proposals import nominee_list
from award_flow.proposals import operations as ops
from award_flow.proposals.models import (
    ACHIEVEMENT_SUMMARY_MAX_LENGTH,
    Gender,
    Nominee,
    PriorityGroup,
    Proposal,
)
from award_flow.proposals.models import ProposalState as S
from tests.factories import PDF_BYTES, make_proposal
from tests.web_helpers import (
    EDITING_CLOSED,
    FORBIDDEN,
    csrf_token,
    db_snapshot,
    flashes,
    history,
    page_form,
    refusal_of,
)

PEOPLE_HEADINGS = ["STT", "Họ và tên", "Giới tính", "Chức vụ", "Đơn vị công tác hoặc địa chỉ",
                   "Nhóm ưu tiên", "Tóm tắt thành tích"]


def workbook(rows: list[list[object]]) -> bytes:
    """An XLSX of one sheet holding `rows`."""
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def people(*rows: list[object]) -> bytes:
    return workbook([PEOPLE_HEADINGS, *rows])


def import_list(actor, proposal, data: bytes) -> int:  # noqa: ANN001
    """Read a list and add its rows, as the view does (reading before it locks the
    proposal)."""
    rows = nominee_list.read_rows(data, proposal.award_type.subject,
                                  current_app.config["NOMINEE_LIST_MAX_ROWS"])
    return ops.import_nominees(actor, proposal, "ds.xlsx", rows)


def names(proposal) -> list[tuple]:  # noqa: ANN001
    return [(n.name, n.gender, n.position, n.unit_or_address, n.priority_group,
             n.achievement_summary) for n in db.session.scalars(
                 select(Nominee).where(Nominee.proposal_id == proposal.id).order_by(Nominee.id))]


@pytest.fixture
def draft(world):  # noqa: ANN001, ANN201
    proposal = make_proposal(world, award="LDTT", nominees=())
    db.session.commit()
    return proposal


# --- the blank list --------------------------------------------------------------------

#: The award's kind of nominee → the headings of its blank list (as the nominee form: no
#: gender and no position for a collective or a household).
HEADINGS = {
    NomineeKind.INDIVIDUAL: PEOPLE_HEADINGS,
    NomineeKind.COLLECTIVE: ["STT", "Tên tập thể", "Đơn vị hoặc địa chỉ",
                             "Nhóm ưu tiên", "Tóm tắt thành tích"],
    NomineeKind.HOUSEHOLD: ["STT", "Tên hộ gia đình (chủ hộ)", "Địa chỉ",
                            "Nhóm ưu tiên", "Tóm tắt thành tích"],
}


#: The award's kind of nominee → the drop-down choices of its blank list, one list a column
GROUPS = {
    NomineeKind.INDIVIDUAL: ["Nông dân", "Công nhân", "Chiến sĩ lực lượng vũ trang",
                             "Người trực tiếp lao động, công tác khác",
                             "Không thuộc nhóm ưu tiên"],
    NomineeKind.COLLECTIVE: ["Tập thể nhỏ", "Không thuộc nhóm ưu tiên"],
    NomineeKind.HOUSEHOLD: ["Nông dân", "Công nhân", "Người trực tiếp lao động, công tác khác",
                            "Không thuộc nhóm ưu tiên"],
}


def drop_downs(data: bytes) -> dict[str, list[str]]:
    """The list sheet's drop-downs: the cells they apply to → the choices they offer, read
    from the cells their rule points at (as Excel does)."""
    book = load_workbook(io.BytesIO(data))
    found = {}
    for rule in book.worksheets[0].data_validations.dataValidation:
        sheet, cells = rule.formula1.rsplit("!", 1)
        source = book[sheet.strip("'")]
        found[str(rule.sqref)] = [c.value for row in source[cells.replace("$", "")]
                                  for c in row]
    return found


@pytest.mark.parametrize("kind", list(NomineeKind))
def test_the_blank_list_has_the_columns_of_the_nominee_form(app, kind):
    with app.test_request_context():
        data = nominee_list.blank_list(kind)
    book = load_workbook(io.BytesIO(data))
    assert [c.value for c in book.worksheets[0][1]] == HEADINGS[kind]
    assert [s.sheet_state for s in book.worksheets] == ["visible", "hidden"]
    # Each choice whole, commas and all (a quoted list in the rule is split at its commas).
    expected = {"F2:F5000": GROUPS[kind], "C2:C5000": ["Nam", "Nữ"]} \
        if kind == NomineeKind.INDIVIDUAL else {"D2:D5000": GROUPS[kind]}
    assert drop_downs(data) == expected


def test_in_english_the_blank_list_is_the_vietnamese_one_and_reads_back(client, world,
                                                                       login, draft):
    """The list is a form filed with the authority: its headings, choices and name are
    Vietnamese whatever the page's language, and a sheet filled in Vietnamese is read the
    same after an English page as before it (nothing of one language is kept for the next)."""
    from tests.test_accessibility import in_english

    nominee_list._genders.cache_clear()
    nominee_list._group_labels.cache_clear()
    login(world.officer_a)
    in_english(client, f"/proposals/{draft.id}")
    blank = client.get(f"/proposals/{draft.id}/nominees/list.xlsx")
    assert 'filename=danh-sach-ca-nhan.xlsx' in blank.headers["Content-Disposition"]
    assert drop_downs(blank.data) == {"F2:F5000": GROUPS[NomineeKind.INDIVIDUAL],
                                      "C2:C5000": ["Nam", "Nữ"]}
    book = load_workbook(io.BytesIO(blank.data))
    book.worksheets[0].append([1, "Nguyễn Thị Út", "Nữ", "Công nhân", "Ấp Cây Da",
                               "Người trực tiếp lao động, công tác khác", ""])
    filled = io.BytesIO()
    book.save(filled)
    form = page_form(client, f"/proposals/{draft.id}", f"/proposals/{draft.id}/nominees/list")

    response = client.post(form.action, data=form.data(
        **{"list-file": (io.BytesIO(filled.getvalue()), "danh-sach.xlsx")}))

    assert response.status_code == 302
    assert names(draft) == [("Nguyễn Thị Út", Gender.FEMALE, "Công nhân", "Ấp Cây Da",
                             PriorityGroup.DIRECT_WORKER, "")]


def test_the_officer_downloads_the_blank_list_and_sends_it_back_filled(client, world, login,
                                                                      draft):
    login(world.officer_a)
    blank = client.get(f"/proposals/{draft.id}/nominees/list.xlsx")
    assert blank.status_code == 200
    assert blank.mimetype == ("application/vnd.openxmlformats-officedocument."
                              "spreadsheetml.sheet")
    assert blank.headers["Cache-Control"] == "private, no-store"
    assert 'filename=danh-sach-ca-nhan.xlsx' in blank.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(blank.data))
    book.active.append([1, "Nguyễn Văn Út", "Nam", "Nông dân", "Ấp Cây Da", "Nông dân",
                        "Sản xuất giỏi"])
    book.active.append([2, "Trần Thị Bích Ngọc", "Nữ", "Công chức", "UBND xã Long Hữu", "",
                        ""])
    filled = io.BytesIO()
    book.save(filled)

    form = page_form(client, f"/proposals/{draft.id}", f"/proposals/{draft.id}/nominees/list")
    response = client.post(form.action, data=form.data(
        **{"list-file": (io.BytesIO(filled.getvalue()), "danh-sach.xlsx")}))

    assert response.status_code == 302
    assert response.headers["Location"].endswith("#nominees")
    page = client.get(response.headers["Location"]).text
    assert ("success", "Đã thêm 2 trường hợp từ danh sách.") in flashes(page)
    assert names(draft) == [
        ("Nguyễn Văn Út", Gender.MALE, "Nông dân", "Ấp Cây Da", PriorityGroup.FARMER,
         "Sản xuất giỏi"),
        ("Trần Thị Bích Ngọc", Gender.FEMALE, "Công chức", "UBND xã Long Hữu",
         PriorityGroup.NONE, "")]
    db.session.refresh(draft)
    assert (draft.nominee_count, draft.priority_count) == (2, 1)
    entry = history(page)[-1]
    assert (entry.label, entry.comment) == ("Nhập danh sách từ tệp Excel",
                                            "danh-sach.xlsx: 2 trường hợp")


# --- reading a filled list: what is read, and what is refused ---------------------------


def test_cells_are_read_as_people_write_them(world, draft):
    added = import_list(world.officer_a, draft, workbook([
        # Another order, a heading with a star, "TT", and no summary column.
        ["TT", "Nhóm ưu tiên", "Họ và tên *", "giới tính", "Chức danh", "Địa chỉ"],
        [1, "cong nhan", unicodedata.normalize("NFD", "Thạch Thị Ánh"), "NỮ", "Công nhân",
         "Nhà máy chế biến thủy sản"],
        [None, None, None, None, None, None],  # an empty row
        [3],  # a row with its number only
        [4, "Chiến sĩ lực lượng vũ trang", "  Lâm Văn Đức ", "nam", 2023, None],
    ]))
    db.session.commit()
    assert added == 2
    assert names(draft) == [
        ("Thạch Thị Ánh", Gender.FEMALE, "Công nhân", "Nhà máy chế biến thủy sản",
         PriorityGroup.WORKER, ""),
        ("Lâm Văn Đức", Gender.MALE, "2023", "", PriorityGroup.SOLDIER, "")]
    assert unicodedata.is_normalized("NFC", names(draft)[0][0])


#: A list → the refusal (nothing is added). Line numbers are the sheet's, as Excel shows them.
REFUSED = [
    (people([1, "Nguyễn Văn Út", "", "Nông dân", "", "", ""],
            [2, "Trần Thị Bích Ngọc", "Nữ", "", "", "Bộ đội", ""]),
     "Chưa thêm ai: 2 dòng của danh sách cần sửa.\nDòng 2: Cần chọn giới tính của người được "
     "đề nghị.\nDòng 3: nhóm ưu tiên “Bộ đội” không có trong danh mục: “Nông dân”, “Công "
     "nhân”, “Chiến sĩ lực lượng vũ trang”, “Người trực tiếp lao động, công tác khác”, "
     "“Không thuộc nhóm ưu tiên”."),
    (people([1, "Nguyễn Văn Út", "Nam", "", "", "", ""],
            [2, "nguyen van ut", "Nam", "", "", "", ""]),
     "Chưa thêm ai: 1 dòng của danh sách cần sửa.\nDòng 3: “Nguyễn Văn Út” đã có trong tờ "
     "trình này; mỗi trường hợp chỉ được đề nghị một lần. Nếu là người khác cùng họ tên, hãy "
     "ghi chức vụ hoặc đơn vị, địa chỉ để phân biệt."),
    (people([1, "Nguyễn Văn Út", "Ông", "", "", "", ""]),
     "Chưa thêm ai: 1 dòng của danh sách cần sửa.\nDòng 2: giới tính ghi “Ông”: hãy ghi Nam "
     "hoặc Nữ."),
    (people([1, "Nguyễn Văn " + "Út" * 100, "Nam", "", "", "", ""]),
     "Chưa thêm ai: 1 dòng của danh sách cần sửa.\nDòng 2: Họ và tên dài quá 200 ký tự."),
    # The nominee form's limit (models.ACHIEVEMENT_SUMMARY_MAX_LENGTH), as if typed in.
    (people([1, "Nguyễn Văn Út", "Nam", "", "", "", "Sản xuất giỏi. " * 300]),
     "Chưa thêm ai: 1 dòng của danh sách cần sửa.\nDòng 2: Tóm tắt thành tích dài quá 4000 "
     "ký tự."),
    # What the annex prints, in its font only: an emoji would be an empty box.
    (people([1, "Nguyễn Văn Út 🌾", "Nam", "", "Ấp Giồng Giếng", "", ""]),
     "Chưa thêm ai: 1 dòng của danh sách cần sửa.\nDòng 2: Họ và tên có ký tự mà quyết định "
     "không in được: “🌾”. Hãy xóa hoặc thay ký tự đó."),
    (workbook([["Họ và tên", "Ngày sinh"], ["Nguyễn Văn Út", "1980"]]),
     "Không dùng được cột “Ngày sinh” (cột B): các cột của danh sách là “STT”, “Họ và tên”, "
     "“Giới tính”, “Chức vụ”, “Đơn vị công tác hoặc địa chỉ”, “Nhóm ưu tiên”, “Tóm tắt thành "
     "tích”."),
    (workbook([["Họ và tên", "Giới tính", "Chức vụ"], ["Nguyễn Văn Út", "Nam", "", "x"]]),
     "Dòng 2 có nội dung ở cột D, cột không có tiêu đề: hãy ghi vào đúng cột của danh sách."),
    (workbook([["STT", "Giới tính"], [1, "Nam"]]), "Danh sách không có cột “Họ và tên”."),
    (workbook([PEOPLE_HEADINGS]),
     "Danh sách chưa có ai: hãy ghi mỗi người (tập thể, hộ) một dòng, dưới dòng tiêu đề."),
    (PDF_BYTES, "Danh sách phải là tệp Excel (.xlsx), lưu từ mẫu tải về."),
]


@pytest.mark.parametrize(("data", "refusal"), REFUSED,
                         ids=["gender and group", "twice", "unknown gender", "too long",
                              "summary too long", "unprintable", "unknown column",
                              "cell without heading", "no name column", "empty",
                              "not a spreadsheet"])
def test_a_list_with_something_to_fix_adds_nobody(world, draft, data, refusal):
    before = db_snapshot()
    with pytest.raises(ValidationError) as refused:
        import_list(world.officer_a, draft, data)
    db.session.rollback()
    assert refused.value.message == refusal
    assert db_snapshot() == before


def test_a_summary_as_long_as_the_form_takes_is_added_whole(world, draft):
    summary = "Sản xuất giỏi, " + "x" * (ACHIEVEMENT_SUMMARY_MAX_LENGTH - 15)
    assert len(summary) == ACHIEVEMENT_SUMMARY_MAX_LENGTH
    import_list(world.officer_a, draft,
                        people([1, "Nguyễn Văn Út", "Nam", "", "", "", summary]))
    assert names(draft)[0][5] == summary


def test_the_list_checks_against_the_nominees_already_there(world):
    proposal = make_proposal(world, award="LDTT")  # Nguyễn Văn Út, a farmer of Ấp Cây Da
    db.session.commit()
    with pytest.raises(ValidationError, match="Dòng 2: “Nguyễn Văn Út” đã có"):
        import_list(world.officer_a, proposal,
                            people([1, "Nguyễn Văn Út", "Nam", "", "Ấp Cây Da", "", ""]))
    db.session.rollback()
    # A namesake told apart by his unit is another person.
    import_list(world.officer_a, proposal,
                        people([1, "Nguyễn Văn Út", "Nam", "", "Ấp Giồng Giếng", "", ""]))
    assert proposal.nominee_count == 3


def test_a_collectives_list_has_no_gender_and_small_collectives_come_first(world):
    proposal = make_proposal(world, award="GK_TT", nominees=())
    # The place headed as a person's (as blank lists were before their headings differed by
    # kind) is read all the same.
    import_list(world.officer_a, proposal, workbook([
        ["Tên tập thể", "Đơn vị công tác hoặc địa chỉ", "Nhóm ưu tiên"],
        ["Tổ tự quản ấp Cây Da", "xã Long Hữu", "Tập thể nhỏ"]]))
    assert names(proposal) == [("Tổ tự quản ấp Cây Da", None, "", "xã Long Hữu",
                                PriorityGroup.SMALL_COLLECTIVE, "")]
    with pytest.raises(ValidationError, match="Không dùng được cột “Giới tính”"):
        import_list(world.officer_a, proposal, workbook([
            ["Tên tập thể", "Giới tính"], ["Chi đoàn ấp Cây Da", "Nam"]]))


def test_more_rows_than_allowed_are_refused_before_any_is_checked(app, world, draft,
                                                                  monkeypatch):
    monkeypatch.setitem(app.config, "NOMINEE_LIST_MAX_ROWS", 2)
    rows = [[i, f"Người thứ {i}", "Nam", "", "", "", ""] for i in range(1, 4)]
    with pytest.raises(ValidationError, match="Danh sách dài quá 2 dòng: hãy chia thành nhiều "
                                              "tờ trình."):
        import_list(world.officer_a, draft, people(*rows))


def test_a_spreadsheet_that_unpacks_too_large_is_not_read(world, draft, monkeypatch):
    monkeypatch.setattr(nominee_list, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(ValidationError, match="quá lớn để đọc"):
        import_list(world.officer_a, draft,
                            people([1, "Nguyễn Văn " + "A" * 2000, "Nam", "", "", "", ""]))


def test_a_word_file_is_not_a_list(world, draft):
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    with pytest.raises(ValidationError, match=r"phải là tệp Excel \(\.xlsx\)"):
        import_list(world.officer_a, draft, docx.getvalue())


# --- who may ---------------------------------------------------------------------------


#: (state, who) → how the blank list and a list sent are refused: None, offered; the unit's
#: own users are told on the proposal's page that it has left them; others are forbidden
WHO_MAY = [
    (S.DRAFT, "officer_a", None),
    (S.DRAFT, "head_a", None),
    (S.RETURNED, "officer_a", None),
    (S.SUBMITTED, "officer_a", EDITING_CLOSED.format(state=S.SUBMITTED.label)),
    (S.SUBMITTED, "secretariat", FORBIDDEN),
]


@pytest.mark.parametrize(("state", "who", "refused"), WHO_MAY)
def test_the_list_is_offered_while_the_unit_may_edit(client, world, login, state, who,
                                                     refused):
    proposal = make_proposal(world, state=state)
    db.session.commit()
    login(getattr(world, who))
    page = client.get(f"/proposals/{proposal.id}").text
    assert ("Nhập danh sách từ tệp Excel" in page) is (refused is None)
    blank = client.get(f"/proposals/{proposal.id}/nominees/list.xlsx")
    assert blank.status_code == 200 if refused is None else \
        refusal_of(client, blank, proposal.id) == refused
    before = db_snapshot()
    response = client.post(f"/proposals/{proposal.id}/nominees/list", data={
        "list-csrf_token": csrf_token(client, "/work"),
        "list-file": (io.BytesIO(people([1, "Người lạ", "Nam", "", "", "", ""])), "ds.xlsx")})
    if refused is None:
        assert response.status_code == 302
        db.session.refresh(proposal)
        assert proposal.nominee_count == 3
    else:
        assert refusal_of(client, response, proposal.id) == refused
        assert db_snapshot() == before


@pytest.mark.parametrize(("file", "refusal"), [
    (None, "Hãy chọn tệp danh sách."),
    ((io.BytesIO(PDF_BYTES), "ds.xlsx"), "Danh sách phải là tệp Excel (.xlsx), lưu từ mẫu tải về."),
])
def test_a_refused_list_is_said_at_the_list_left_open(client, world, login, file, refusal):
    proposal = make_proposal(world)  # with nominees: the list form is closed at first
    db.session.commit()
    login(world.officer_a)
    form = page_form(client, f"/proposals/{proposal.id}",
                     f"/proposals/{proposal.id}/nominees/list")
    assert '<details class="nominee-list">' in client.get(f"/proposals/{proposal.id}").text
    response = client.post(form.action, data=form.data(**({"list-file": file} if file else {})))
    assert response.headers["Location"].endswith("list=refused#nominees")
    page = client.get(response.headers["Location"]).text
    assert ("error", refusal) in flashes(page)
    assert '<details class="nominee-list" open>' in page


def test_a_spreadsheet_whose_sheet_is_broken_is_refused_with_a_message(world, draft):
    """A read-only workbook parses its sheet only as the rows are read."""
    good, broken = io.BytesIO(people([1, "Nguyễn Văn Út", "Nam", "", "", "", ""])), io.BytesIO()
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(broken, "w") as target:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml":
                content = content[: len(content) // 2]  # cut in the middle of a row
            target.writestr(entry, content)
    before = db_snapshot()
    with pytest.raises(ValidationError, match="Không đọc được tệp Excel này"):
        import_list(world.officer_a, draft, broken.getvalue())
    db.session.rollback()
    assert db_snapshot() == before


def test_a_long_list_of_rows_to_fix_says_the_first_twenty_one_a_line(world, draft):
    rows = [[i, f"Người thứ {i}", "", "", "", "", ""] for i in range(1, 26)]  # no gender
    with pytest.raises(ValidationError) as refused:
        import_list(world.officer_a, draft, people(*rows))
    lines = refused.value.message.split("\n")
    assert lines[0] == "Chưa thêm ai: 25 dòng của danh sách cần sửa."
    assert lines[1:21] == [f"Dòng {i + 1}: Cần chọn giới tính của người được đề nghị."
                           for i in range(1, 21)]
    assert lines[21:] == ["… và 5 dòng nữa."]


# --- read before the proposal is locked, added under the lock ---------------------------


def proposal_is_free(proposal_id: int) -> bool:
    """Whether another connection could lock the proposal now: on PostgreSQL its row, on
    SQLite the database's write lock (every POST takes it with BEGIN IMMEDIATE)."""
    if db.engine.dialect.name == "sqlite":
        probe = sqlite3.connect(db.engine.url.database, timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return True
        except sqlite3.OperationalError:
            return False
        finally:
            probe.close()
    with db.engine.connect() as connection:
        try:
            connection.execute(text("SELECT id FROM proposal WHERE id = :id FOR UPDATE NOWAIT"),
                               {"id": proposal_id})
            return True
        except OperationalError:
            return False
        finally:
            connection.rollback()


def test_the_list_is_read_before_the_proposal_is_locked(client, world, login, draft,
                                                         monkeypatch):
    read_rows, free, proposal_id = nominee_list.read_rows, [], draft.id

    def reading_rows(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        free.append(proposal_is_free(proposal_id))
        return read_rows(*args, **kwargs)

    monkeypatch.setattr(nominee_list, "read_rows", reading_rows)
    login(world.officer_a)
    form = page_form(client, f"/proposals/{draft.id}", f"/proposals/{draft.id}/nominees/list")
    response = client.post(form.action, data=form.data(**{"list-file": (io.BytesIO(people(
        [1, "Nguyễn Văn Út", "Nam", "", "", "", ""])), "danh-sach.xlsx")}))

    assert response.headers["Location"].endswith("#nominees")
    assert free == [True]
    assert [n[0] for n in names(draft)] == ["Nguyễn Văn Út"]


def test_a_list_read_for_an_award_changed_meanwhile_is_read_again_for_the_new_one(
        client, world, login, draft, monkeypatch):
    """The rows are read for the award's kind of nominee before the proposal is locked; if
    the award changes meanwhile (to one for collectives), they are read again under the
    lock, for its columns."""
    read_rows = nominee_list.read_rows

    def award_changed_meanwhile(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        rows = read_rows(*args, **kwargs)
        if not db.session.get(Proposal, draft.id).award_type.subject.value == "collective":
            db.session.execute(update(Proposal).where(Proposal.id == draft.id).values(
                award_type_id=world.awards["GK_TT"].id))
            db.session.commit()
        return rows

    monkeypatch.setattr(nominee_list, "read_rows", award_changed_meanwhile)
    login(world.officer_a)
    form = page_form(client, f"/proposals/{draft.id}", f"/proposals/{draft.id}/nominees/list")
    response = client.post(form.action, data=form.data(**{"list-file": (io.BytesIO(people(
        [1, "Nguyễn Văn Út", "Nam", "", "", "", ""])), "danh-sach.xlsx")}))

    page = client.get(response.headers["Location"]).text
    assert any(category == "error" and message.startswith("Không dùng được cột “Giới tính”")
               for category, message in flashes(page))
    assert names(draft) == []


# --- a sheet larger than it looks: reading stops a list's length below the headings ------


def declaring(rows: list[list[object]], last_cell: str, beyond: str = "") -> bytes:
    """A list of `rows` whose sheet declares that it reaches `last_cell` (openpyxl writes the
    true extent), followed by the sheet's XML `beyond` (rows the file holds after the list)."""
    source, out = zipfile.ZipFile(io.BytesIO(workbook(rows))), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml":
                content, found = re.subn(rb'<dimension ref="[^"]*"\s*/>',
                                         f'<dimension ref="A1:{last_cell}"/>'.encode(), content)
                assert found == 1
                content = content.replace(b"</sheetData>", f"{beyond}</sheetData>".encode())
            target.writestr(entry, content)
    return out.getvalue()


#: The last cell of the largest sheet Excel has: 16,384 columns and 1,048,576 rows.
LAST_CELL = "XFD1048576"


class ReadTooMuch(BaseException):
    """Not an Exception: read_rows would take it for a broken file and say so."""


@pytest.fixture
def reading(monkeypatch) -> Counter:  # noqa: ANN001
    """What reading a list costs: the sheet's lines read, the cells they hold (as openpyxl
    gives them), and the cells cleaned (`_text`). Far beyond what a list of
    NOMINEE_LIST_MAX_ROWS takes, reading is stopped (an unbounded read would take minutes)."""
    read: Counter = Counter()
    load, clean = nominee_list.load_workbook, nominee_list._text

    def counting_load(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        book = load(*args, **kwargs)
        sheet = book.worksheets[0]
        iter_rows = sheet.iter_rows

        def counting_rows(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            for cells in iter_rows(*args, **kwargs):
                read["lines"] += 1
                read["cells"] += len(cells)
                if read["lines"] > 10_000:
                    raise ReadTooMuch(f"{read['lines']} lines read")
                yield cells

        sheet.iter_rows = counting_rows
        return book

    def counting_clean(value: object) -> str:
        read["cleaned"] += 1
        if read["cleaned"] > 100_000:
            raise ReadTooMuch(f"{read['cleaned']} cells cleaned")
        return clean(value)

    monkeypatch.setattr(nominee_list, "load_workbook", counting_load)
    monkeypatch.setattr(nominee_list, "_text", counting_clean)
    return read


def blank_lines_refusal(n: int) -> str:
    return (f"Danh sách có quá {n} dòng, kể cả dòng trống: hãy xóa những dòng trống thừa "
            f"(thường ở cuối bảng) rồi gửi lại.")


def test_a_tiny_file_declaring_the_largest_sheet_is_refused_a_list_s_length_below(
        app, world, draft, reading):
    """5 KB: one person, and an empty cell in the sheet's last row. Read as the file declares
    it, that is a million rows of 16,384 cells: a quarter of an hour, the proposal locked."""
    max_rows = app.config["NOMINEE_LIST_MAX_ROWS"]
    data = declaring([PEOPLE_HEADINGS, [1, "Nguyễn Văn Út", "Nam", "", "", "", ""]],
                     LAST_CELL, '<row r="1048576"><c r="A1048576"/></row>')
    assert len(data) < 6000
    before = db_snapshot()
    started = time.monotonic()
    with pytest.raises(ValidationError) as refused:
        import_list(world.officer_a, draft, data)
    took = time.monotonic() - started
    db.session.rollback()
    assert refused.value.message == blank_lines_refusal(max_rows)
    assert db_snapshot() == before
    # Read down to one line more than a list may have below its headings, and each line
    # as long as its cells, not the 16,384 columns declared.
    assert reading["lines"] == 1 + max_rows + 1
    assert reading["cells"] <= 2 * len(PEOPLE_HEADINGS)
    assert reading["cleaned"] <= 2 * len(PEOPLE_HEADINGS)
    assert took < 5, f"{took:.1f} s"


def test_a_list_whose_sheet_declares_more_than_it_holds_reads_as_what_it_holds(
        world, draft, reading):
    data = declaring([PEOPLE_HEADINGS, [1, "Nguyễn Văn Út", "Nam", "Nông dân", "Ấp Cây Da",
                                        "Nông dân", "Sản xuất giỏi"]], LAST_CELL)
    assert import_list(world.officer_a, draft, data) == 1
    assert names(draft) == [("Nguyễn Văn Út", Gender.MALE, "Nông dân", "Ấp Cây Da",
                             PriorityGroup.FARMER, "Sản xuất giỏi")]
    assert (reading["lines"], reading["cells"]) == (2, 2 * len(PEOPLE_HEADINGS))


def test_rows_reaching_the_last_column_are_read_to_the_limit_and_their_empty_cells_passed_over(
        app, world, draft, reading, monkeypatch):
    """Each row of the file holds a cell in column XFD: openpyxl gives it as 16,384 cells,
    which are not cleaned one by one; and the lines stop at the limit."""
    monkeypatch.setitem(app.config, "NOMINEE_LIST_MAX_ROWS", 500)
    far = "".join(f'<row r="{line}"><c r="XFD{line}" s="0"/></row>' for line in range(3, 3000))
    data = declaring([PEOPLE_HEADINGS, [1, "Nguyễn Văn Út", "Nam", "", "", "", ""]],
                     LAST_CELL, far)
    started = time.monotonic()
    with pytest.raises(ValidationError, match=re.escape(blank_lines_refusal(500))):
        import_list(world.officer_a, draft, data)
    took = time.monotonic() - started
    assert reading["lines"] == 1 + 500 + 1
    assert reading["cleaned"] <= 2 * len(PEOPLE_HEADINGS)
    assert took < 5, f"{took:.1f} s"


def test_a_cell_far_right_of_the_headings_is_still_refused_not_dropped(world, draft):
    data = declaring([PEOPLE_HEADINGS, [1, "Nguyễn Văn Út", "Nam", "", "", "", ""]],
                     LAST_CELL, '<row r="3"><c r="B3" t="inlineStr"><is><t>Lê Văn Tám</t></is>'
                                '</c><c r="XFD3" t="inlineStr"><is><t>ghi chú</t></is></c></row>')
    with pytest.raises(ValidationError, match="Dòng 3 có nội dung ở cột XFD, cột không có "
                                              "tiêu đề"):
        import_list(world.officer_a, draft, data)


def test_the_officer_sending_a_tiny_file_declaring_the_largest_sheet_is_told_at_once(
        app, client, world, login, draft, reading):
    login(world.officer_a)
    form = page_form(client, f"/proposals/{draft.id}", f"/proposals/{draft.id}/nominees/list")
    before = db_snapshot()
    data = declaring([PEOPLE_HEADINGS], LAST_CELL, '<row r="1048576"><c r="A1048576"/></row>')

    response = client.post(form.action, data=form.data(
        **{"list-file": (io.BytesIO(data), "danh-sach.xlsx")}))

    assert response.headers["Location"].endswith("list=refused#nominees")
    page = client.get(response.headers["Location"]).text
    assert ("error", blank_lines_refusal(app.config["NOMINEE_LIST_MAX_ROWS"])) in flashes(page)
    assert db_snapshot() == before
    assert reading["cleaned"] <= len(PEOPLE_HEADINGS)


def test_a_file_holding_more_cells_than_a_list_takes_is_refused_before_it_is_parsed(
        app, world, draft, reading, monkeypatch):
    """Cells the file really holds, empty ones too: openpyxl parses each of them, however
    the rows are read. They are counted as the sheet unpacks, before it is parsed."""
    monkeypatch.setitem(app.config, "NOMINEE_LIST_MAX_ROWS", 10)
    budget = 11 * nominee_list.MAX_CELLS_PER_ROW
    width = (budget - 14) // 5  # the headings' and the person's 14 cells, then 5 rows
    fits = "".join(f'<row r="{line}">' + "".join(f'<c r="{get_column_letter(c)}{line}"/>'
                                                 for c in range(1, width + 1)) + "</row>"
                   for line in range(3, 8))
    rows = [PEOPLE_HEADINGS, [1, "Nguyễn Văn Út", "Nam", "", "", "", ""]]
    assert [r.values["name"] for r in nominee_list.read_rows(
        declaring(rows, "J100", fits), NomineeKind.INDIVIDUAL, 10)] == ["Nguyễn Văn Út"]

    too_many = fits + '<row r="9"><x:c r="A9"/><c r="B9"></c>' + "<c/>" * 60 + "</row>"
    before = dict(reading)
    with pytest.raises(ValidationError, match="Tệp Excel này có quá nhiều ô"):
        nominee_list.read_rows(declaring(rows, "J100", too_many), NomineeKind.INDIVIDUAL, 10)
    assert reading == before  # refused before openpyxl read a line


@pytest.mark.parametrize("cut", range(0, 70, 7))
def test_cells_are_counted_whatever_chunk_their_tag_is_cut_by(cut, monkeypatch):
    xml = b"<sheetData>" + b" " * cut + b'<row r="1"><c r="A1"/><x:c r="B1"></x:c><c>' \
        b"<v>1</v></c><cols><col min=\"1\"/></cols></row></sheetData>"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", xml * 3)
    read = io.BytesIO(out.getvalue())
    original = zipfile.ZipExtFile.read
    monkeypatch.setattr(zipfile.ZipExtFile, "read", lambda self, n=-1: original(self, 70))
    with zipfile.ZipFile(read) as archive:
        assert nominee_list._cell_count(archive, archive.infolist()[0], 1000) == 9
