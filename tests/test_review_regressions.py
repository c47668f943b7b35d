"""Regressions from the review of stop 16: a misplaced account can be locked, and the nominee
list's cell budget counts a sheet wherever the workbook stores it."""
from __future__ import annotations

import io
import time
import zipfile

import pytest
from openpyxl import Workbook
from sqlalchemy import update

from award_flow.auth.models import User
from award_flow.auth.roles import Role
from award_flow.catalogue.models import NomineeKind
from award_flow.core.errors import ValidationError
from award_flow.extensions import db
from award_flow.org.operations import save_user
from award_flow.proposals import nominee_list
from tests.web_helpers import field_errors, page_form

PEOPLE_HEADINGS = ["STT", "Họ và tên", "Giới tính", "Chức vụ", "Đơn vị công tác hoặc địa chỉ",
                   "Nhóm ưu tiên", "Tóm tắt thành tích"]


def test_a_misplaced_vice_chairman_from_before_the_rule_can_be_locked(world):
    """Locking (deactivating) an account is the way to fix a legacy row: it must not be
    refused because the role no longer fits the unit."""
    legacy = world.head_a  # in a commune
    db.session.execute(update(User).where(User.id == legacy.id).values(role=Role.VICE_CHAIRMAN))
    db.session.commit()
    db.session.refresh(legacy)
    save_user(world.admin, username=legacy.username, full_name=legacy.full_name,
              role=legacy.role, unit=legacy.unit, password=None, active=False, user=legacy)
    db.session.commit()
    assert legacy.active is False


def test_locking_a_misplaced_chairman_through_the_page(client, world, login):
    """Two active chairmen, one in a commune (data from before the rule): the admin locks the
    misplaced one through the account page."""
    legacy = world.head_a
    db.session.execute(update(User).where(User.id == legacy.id).values(role=Role.CHAIRMAN))
    db.session.commit()
    login(world.admin)
    form = page_form(client, f"/admin/users/{legacy.id}/edit")
    data = form.data()
    data.pop("active", None)
    response = client.post(f"/admin/users/{legacy.id}/edit", data=data)
    assert response.status_code == 302, field_errors(response.text)


def _moved_sheet(rows, extra_xml: str, new_path: str) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buf = io.BytesIO()
    book.save(buf)
    source, out = zipfile.ZipFile(io.BytesIO(buf.getvalue())), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry)
            name = entry.filename
            if name == "xl/worksheets/sheet1.xml":
                content = content.replace(b"</sheetData>", extra_xml.encode() + b"</sheetData>")
                name = new_path
            elif name in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
                content = content.replace(b"worksheets/sheet1.xml",
                                          new_path.removeprefix("xl/").encode())
            target.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize("new_path", ["xl/worksheets/sheet1.XML", "xl/sheets/sheet1.xml"])
def test_the_cell_budget_counts_a_sheet_stored_elsewhere(new_path):
    rows = [PEOPLE_HEADINGS, [1, "Nguyễn Văn Út", "Nam", "", "", "", ""]]
    many = '<row r="3">' + "<c/>" * 200_000 + "</row>"
    data = _moved_sheet(rows, many, new_path)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert new_path in archive.namelist()
    started = time.monotonic()
    # 200,000 cells, far beyond (10 + 1) × 64: should be refused before parsing
    with pytest.raises(ValidationError, match="quá nhiều ô"):
        nominee_list.read_rows(data, NomineeKind.INDIVIDUAL, 10)
    print("took", time.monotonic() - started)
