"""The dossier upload: checked by content not by name, size-limited, stored under a generated
name inside UPLOAD_FOLDER, served back byte for byte under a cleaned name."""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from html import unescape
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import current_app
from sqlalchemy import func, select
from werkzeug.http import parse_options_header

from award_flow.core.audit import AuditEvent
from award_flow.extensions import db
from award_flow.proposals.models import Attachment, ProposalState
from tests.factories import PDF_BYTES, PNG_BYTES, make_proposal
from tests.web_helpers import (
    EDITING_CLOSED,
    FORBIDDEN,
    file_url,
    flashes,
    forms,
    page_form,
    refusal_of,
)

S = ProposalState

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def zip_of(*parts: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in parts:
            if name == "[Content_Types].xml":
                body = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
                        'openxmlformats.org/package/2006/content-types"/>')
            else:
                body = '<?xml version="1.0" encoding="UTF-8"?><root/>'
            archive.writestr(name, body)
    return buffer.getvalue()


DOCX_BYTES = zip_of("[Content_Types].xml", "word/document.xml")
XLSX_BYTES = zip_of("[Content_Types].xml", "xl/workbook.xml")


def multipart(fields: dict[str, str], filename: str, content: bytes) -> tuple[bytes, str]:
    """A multipart body with the file name exactly as given (quoted per RFC 7578: only `\\`
    and `"` escaped), so the server sees what a hostile client can send."""
    boundary = "----award-flow-test-boundary"
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                  f"{value}\r\n".encode())
    quoted = filename.replace("\\", "\\\\").replace('"', '\\"')
    out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="'.encode()
              + quoted.encode("utf-8") + b'"\r\nContent-Type: application/octet-stream\r\n\r\n'
              + content + b"\r\n" + f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def upload_folder() -> Path:
    root = Path(current_app.config["UPLOAD_FOLDER"])
    root.mkdir(parents=True, exist_ok=True)
    return root


def files_now() -> set[str]:
    return {p.name for p in upload_folder().iterdir()}


def attachment_count() -> int:
    return db.session.scalar(select(func.count(Attachment.id)))


def audit_count() -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)))


@pytest.fixture
def draft(world, login):
    """A draft of unit a, its officer signed in; returns (proposal, the page's upload form)."""
    proposal = make_proposal(world)
    db.session.commit()
    login(world.officer_a)
    return proposal


def upload(client, proposal, filename: str, content: bytes,  # noqa: ANN001, ANN201
           kind: str = "meeting_minutes"):
    """Send the upload form of the proposal page with this file; follow to the page."""
    html = client.get(f"/proposals/{proposal.id}").text
    found = [f for f in forms(html) if f.action == f"/proposals/{proposal.id}/attachments"]
    assert found, "the upload form is on the page"
    fields = found[0].data(kind=kind)
    body, content_type = multipart(fields, filename, content)
    response = client.post(found[0].action, data=body, content_type=content_type)
    assert response.status_code == 302
    # Back to the dossier, whose section shows what became of the file (see test_views); a
    # refused file comes back with its kind still chosen.
    assert response.headers["Location"] in (
        f"/proposals/{proposal.id}?at=dossier#dossier",
        f"/proposals/{proposal.id}?at=dossier&kind={kind}#dossier")
    return client.get(response.headers["Location"])


def new_attachment(proposal) -> Attachment:  # noqa: ANN001
    return db.session.scalar(select(Attachment).where(Attachment.proposal_id == proposal.id)
                             .order_by(Attachment.id.desc()).limit(1))


ACCEPTED = [
    ("bien-ban.pdf", PDF_BYTES, "application/pdf"),
    ("anh-chup.png", PNG_BYTES, "image/png"),
    ("anh-chup.jpg", JPEG_BYTES, "image/jpeg"),
    ("bao-cao.docx", DOCX_BYTES, DOCX_TYPE),
    ("danh-sach.xlsx", XLSX_BYTES, XLSX_TYPE),
]


@pytest.mark.parametrize(("filename", "content", "content_type"), ACCEPTED,
                         ids=[a[0] + "-" + a[2].rsplit(".", 1)[-1] for a in ACCEPTED])
def test_an_allowed_file_is_stored_and_served_back_byte_for_byte(client, draft, filename,
                                                                 content, content_type):
    before = files_now()

    page = upload(client, draft, filename, content)

    assert ("success", "Đã tải lên tệp.") in flashes(page.text)
    attachment = new_attachment(draft)
    assert attachment.original_name == filename
    assert (attachment.content_type, attachment.size) == (content_type, len(content))
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{32}", attachment.stored_name)
    assert files_now() - before == {attachment.stored_name}
    stored = upload_folder() / attachment.stored_name
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == attachment.sha256
    with client.get(file_url(attachment)) as download:
        assert download.status_code == 200
        assert download.data == content
        assert download.mimetype == content_type
        assert download.headers["X-Content-Type-Options"] == "nosniff"
        disposition, options = parse_options_header(download.headers["Content-Disposition"])
        assert (disposition, options["filename"]) == ("attachment", filename)


WRONG_TYPE = ("Tệp “to-trinh.pdf” không được nhận: chỉ nhận tệp PDF, DOCX, XLSX, JPG hoặc PNG "
              "(kiểm tra theo nội dung tệp).")
REFUSED = [
    ("html page", b"<!doctype html><html><script>alert(1)</script></html>", WRONG_TYPE),
    ("ELF executable", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120, WRONG_TYPE),
    ("Windows executable", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 120, WRONG_TYPE),
    ("GIF image", b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!", WRONG_TYPE),
    ("plain zip", zip_of("readme.txt"), WRONG_TYPE),
    ("zip with content types only", zip_of("[Content_Types].xml"), WRONG_TYPE),
    ("zip with document.xml but no content types", zip_of("word/document.xml"), WRONG_TYPE),
    ("broken zip", b"PK\x03\x04" + b"not really a zip" * 8, WRONG_TYPE),
    ("plain text", "Tờ trình số 1".encode(), WRONG_TYPE),
    ("empty file", b"", "Tệp “to-trinh.pdf” rỗng."),
]


@pytest.mark.parametrize(("content", "message"), [(c, m) for _n, c, m in REFUSED],
                         ids=[n for n, _c, _m in REFUSED])
def test_a_file_that_is_not_an_allowed_type_is_refused_whatever_its_name(client, draft, content,
                                                                          message):
    files, rows, events = files_now(), attachment_count(), audit_count()

    page = upload(client, draft, "to-trinh.pdf", content)

    assert ("error", message) in flashes(page.text)  # one sentence, naming the file
    assert files_now() == files
    assert (attachment_count(), audit_count()) == (rows, events)


def _pdf_of_size(size: int) -> bytes:
    padding = size - len(PDF_BYTES)
    assert padding > 2
    return PDF_BYTES + b"%" + b"0" * (padding - 2) + b"\n"


def test_a_file_of_exactly_the_limit_is_accepted(app, client, draft, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_ATTACHMENT_BYTES", 1024)
    content = _pdf_of_size(1024)
    page = upload(client, draft, "vua-du.pdf", content)
    assert ("success", "Đã tải lên tệp.") in flashes(page.text)
    assert new_attachment(draft).size == 1024


def test_a_file_over_the_limit_is_refused_and_leaves_nothing(app, client, draft, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_ATTACHMENT_BYTES", 1024)
    files, rows = files_now(), attachment_count()

    page = upload(client, draft, "qua-lon.pdf", _pdf_of_size(1025))

    (message,) = [m for category, m in flashes(page.text) if category == "error"]
    assert message.startswith("Tệp “qua-lon.pdf” quá lớn")
    assert files_now() == files and attachment_count() == rows


def test_the_size_refusal_names_the_real_limit(app, client, draft, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_ATTACHMENT_BYTES", 1024)
    page = upload(client, draft, "qua-lon.pdf", _pdf_of_size(2048))
    (message,) = [m for category, m in flashes(page.text) if category == "error"]
    assert message == "Tệp “qua-lon.pdf” quá lớn: tối đa 1 KB."  # not "0 MB", nor "1024 byte"


def test_a_request_larger_than_max_content_length_is_refused_before_reading(app, client, draft,
                                                                            monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)
    files, rows = files_now(), attachment_count()
    html = client.get(f"/proposals/{draft.id}").text
    (form,) = [f for f in forms(html) if f.action == f"/proposals/{draft.id}/attachments"]
    body, content_type = multipart(form.data(kind="other"), "lon.pdf", _pdf_of_size(8192))

    response = client.post(form.action, data=body, content_type=content_type)

    # Back to the proposal's dossier with the reason, not a dead-end error page.
    assert response.status_code == 302
    assert response.headers["Location"] == f"/proposals/{draft.id}?at=dossier#dossier"
    page = client.get(response.headers["Location"]).text
    assert ("error", "Tệp quá lớn: tối đa 10 MB.") in flashes(page)
    assert files_now() == files and attachment_count() == rows


# --- an upload sent by the page's own script (to show its progress) -----------------------
# It is told where to go as JSON instead of being redirected: a redirect the script followed
# would load the page, and take the message meant for the user, out of sight.

#: what is sent → (message shown on the page it is sent to, whether a file is stored)
SCRIPTED = [
    ("allowed", ("success", "Đã tải lên tệp."), True),
    ("not an allowed type", ("error", "Tệp “ho-so.pdf” không được nhận: chỉ nhận tệp PDF, DOCX, "
                                      "XLSX, JPG hoặc PNG (kiểm tra theo nội dung tệp)."), False),
    ("beyond MAX_CONTENT_LENGTH", ("error", "Tệp quá lớn: tối đa 10 MB."), False),
]


@pytest.mark.parametrize(("sent", "message", "stored"), SCRIPTED,
                         ids=[s for s, _m, _k in SCRIPTED])
def test_the_pages_script_is_told_where_to_go_and_the_message_waits_there(
        app, client, draft, monkeypatch, sent, message, stored):
    content = {"allowed": PDF_BYTES, "not an allowed type": b"MZ\x90\x00 not a pdf",
               "beyond MAX_CONTENT_LENGTH": _pdf_of_size(8192)}[sent]
    if sent == "beyond MAX_CONTENT_LENGTH":
        monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)
    files, rows = files_now(), attachment_count()
    html = client.get(f"/proposals/{draft.id}").text
    (form,) = [f for f in forms(html) if f.action == f"/proposals/{draft.id}/attachments"]
    body, content_type = multipart(form.data(kind="other"), "ho-so.pdf", content)

    response = client.post(form.action, data=body, content_type=content_type,
                           headers={"X-Upload-Progress": "1", "Accept": "application/json"})

    assert response.status_code == 200
    # A file the upload itself refuses comes back with its kind chosen; one beyond
    # MAX_CONTENT_LENGTH is refused before the form is read.
    kept = "&kind=other" if sent == "not an allowed type" else ""
    assert response.get_json() == {"location": f"/proposals/{draft.id}?at=dossier{kept}#dossier"}
    assert message in flashes(client.get(response.get_json()["location"]).text)
    assert (attachment_count() - rows, len(files_now()) - len(files)) == (
        (1, 1) if stored else (0, 0))


def test_any_other_request_too_large_gets_the_error_page(app, client, draft, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)
    form = page_form(client, f"/proposals/{draft.id}/edit")
    response = client.post(f"/proposals/{draft.id}/edit", data=form.data(achievement="x" * 8192))
    assert response.status_code == 413
    assert "Tệp quá lớn." in response.text


#: name sent by the client → name kept for display and downloads
HOSTILE_NAMES = [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("/etc/passwd.pdf", "passwd.pdf"),
    ("a\\b\\..\\c.pdf", "c.pdf"),
    ("C:\\Users\\Lan\\Tờ trình.pdf", "Tờ trình.pdf"),
    ("..\\..\\..\\windows\\win.ini.pdf", "win.ini.pdf"),
    ("x\x00y.pdf", "xy.pdf"),
    ("a\x01\x1f\x7fb\tc.pdf", "abc.pdf"),
    ("hoa-don\u202efdp.pdf", "hoa-donfdp.pdf"),  # right-to-left override
    ("x" * 1000 + ".pdf", "x" * 200),
    ("Tờ trình số 1.pdf", "Tờ trình số 1.pdf"),
    (unicodedata.normalize("NFD", "Biên bản họp.pdf"), "Biên bản họp.pdf"),
    ('bao "cao"; a=b.pdf', 'bao "cao"; a=b.pdf'),
    ("..", "tep-dinh-kem"),
    ("../", "tep-dinh-kem"),
]


@pytest.mark.parametrize(("sent", "kept"), HOSTILE_NAMES, ids=[repr(s)[:40] for s, _k in
                                                              HOSTILE_NAMES])
def test_a_hostile_file_name_is_only_shown_cleaned_and_never_used_on_disk(client, draft, sent,
                                                                          kept):
    before = files_now()
    outside = {p.name for p in upload_folder().parent.iterdir()}

    page = upload(client, draft, sent, PDF_BYTES)

    assert ("success", "Đã tải lên tệp.") in flashes(page.text)
    attachment = new_attachment(draft)
    assert attachment.original_name == kept
    assert re.fullmatch(r"[0-9a-f]{32}", attachment.stored_name)
    assert files_now() - before == {attachment.stored_name}
    assert {p.name for p in upload_folder().parent.iterdir()} == outside
    with client.get(file_url(attachment)) as download:
        header = download.headers["Content-Disposition"]
        assert download.data == PDF_BYTES
    assert not re.search(r"[\x00-\x1f\x7f]", header)
    disposition, options = parse_options_header(header)
    # The cleaned name (the content type's extension is added where it is missing).
    assert disposition == "attachment" and options["filename"] in {kept, kept + ".pdf"}
    if not kept.isascii():
        assert f"filename*=UTF-8''{quote(kept)}" in header


#: a file's name → its plain (ASCII) name, for a client that reads no other: "đ" kept as
#: "d", and a name with no letter left named as a file, not as its extension (".pdf")
PLAIN_NAMES = [
    ("Biên bản họp Hội đồng thi đua.pdf", "Bien ban hop Hoi dong thi dua.pdf"),
    ("报告.pdf", "tep-dinh-kem.pdf"),
]


@pytest.mark.parametrize(("name", "plain"), PLAIN_NAMES)
def test_a_client_that_reads_only_the_plain_name_gets_it_in_ascii_letters(client, draft, name,
                                                                          plain):
    """Browsers read filename* (UTF-8)."""
    upload(client, draft, name, PDF_BYTES)
    with client.get(file_url(new_attachment(draft))) as download:
        header = download.headers["Content-Disposition"]
        assert download.headers["Cache-Control"] == "private, no-store"
    # Quoted only where the name needs it (a space).
    assert header.replace('"', "") == f"attachment; filename={plain}; filename*=UTF-8''" + quote(
        name)


def test_the_type_is_decided_by_content_not_by_name(client, draft):
    page = upload(client, draft, "bao-cao.pdf", DOCX_BYTES)
    assert ("success", "Đã tải lên tệp.") in flashes(page.text)
    attachment = new_attachment(draft)
    assert attachment.content_type == DOCX_TYPE
    with client.get(file_url(attachment)) as download:
        assert download.mimetype == DOCX_TYPE


@pytest.mark.parametrize(("sent", "content", "extension"), [
    ("trang.html", PDF_BYTES, ".pdf"), ("bao-cao.pdf", DOCX_BYTES, ".docx"),
    ("anh.svg", PNG_BYTES, ".png")], ids=["pdf-as-html", "docx-as-pdf", "png-as-svg"])
def test_the_download_name_carries_the_extension_of_the_real_type(client, draft, sent, content,
                                                                  extension):
    upload(client, draft, sent, content)
    attachment = new_attachment(draft)
    with client.get(file_url(attachment)) as download:
        _disposition, options = parse_options_header(download.headers["Content-Disposition"])
    assert options["filename"].endswith(extension)


def test_the_page_lists_the_cleaned_name_escaped(client, draft):
    page = upload(client, draft, '../../Tờ trình <b>số 2<b> & "x".pdf', PDF_BYTES)
    attachment = new_attachment(draft)
    shown = re.search(rf'<a href="{file_url(attachment)}">(.*?)</a>', page.text).group(1)
    assert "<b>" not in shown
    assert unescape(shown) == 'Tờ trình <b>số 2<b> & "x".pdf' == attachment.original_name


#: (state, who) → the refusal: the unit's own users are told on the proposal's page
FILED = [(S.SUBMITTED, "officer_a", "closed"), (S.SUBMITTED, "head_a", "closed"),
         (S.UNDER_REVIEW, "head_a", "closed"), (S.SUBMITTED, "secretariat", FORBIDDEN),
         (S.WITHDRAWN, "officer_a", "closed")]


@pytest.mark.parametrize(("state", "who", "refused"), FILED)
def test_no_upload_once_the_proposal_is_filed(client, world, login, state, who, refused):
    proposal = make_proposal(world, state=state)
    db.session.commit()
    login(getattr(world, who))
    html = client.get(f"/proposals/{proposal.id}").text
    assert f'action="/proposals/{proposal.id}/attachments"' not in html
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    files, rows, events = files_now(), attachment_count(), audit_count()
    body, content_type = multipart({"csrf_token": token, "kind": "other"}, "muon.pdf", PDF_BYTES)

    response = client.post(f"/proposals/{proposal.id}/attachments", data=body,
                           content_type=content_type)

    assert refusal_of(client, response, proposal.id) == (
        FORBIDDEN if refused == FORBIDDEN else EDITING_CLOSED.format(state=state.label))
    assert files_now() == files
    assert (attachment_count(), audit_count()) == (rows, events)


def test_a_returned_proposal_takes_uploads_again(client, world, login):
    proposal = make_proposal(world, state=S.RETURNED)
    db.session.commit()
    login(world.officer_a)
    page = upload(client, proposal, "bo-sung.pdf", PDF_BYTES)
    assert ("success", "Đã tải lên tệp.") in flashes(page.text)


def test_an_upload_without_a_file_asks_for_one(client, draft):
    html = client.get(f"/proposals/{draft.id}").text
    (form,) = [f for f in forms(html) if f.action == f"/proposals/{draft.id}/attachments"]
    files, rows = files_now(), attachment_count()
    response = client.post(form.action, data=form.data(), follow_redirects=True)
    assert ("error", "Hãy chọn một tệp.") in flashes(response.text)
    assert files_now() == files and attachment_count() == rows


def test_a_refused_upload_comes_back_with_its_kind_chosen_an_accepted_one_without(client,
                                                                                  draft):
    def chosen_kind(html: str) -> str | None:
        (form,) = [f for f in forms(html) if f.action == f"/proposals/{draft.id}/attachments"]
        return form.data()["kind"] or None

    refused = upload(client, draft, "bien-ban.pdf", b"MZ\x90\x00 not a pdf",
                     kind="achievement_report")
    assert chosen_kind(refused.text) == "achievement_report"
    accepted = upload(client, draft, "bien-ban.pdf", PDF_BYTES, kind="achievement_report")
    assert chosen_kind(accepted.text) is None
    # Not a kind the form offers: nothing chosen, nothing broken.
    assert chosen_kind(client.get(f"/proposals/{draft.id}?at=dossier&kind=passport").text) \
        is None


def test_an_unknown_document_kind_is_refused(client, draft):
    files, rows = files_now(), attachment_count()
    page = upload(client, draft, "x.pdf", PDF_BYTES, kind="passport")
    assert [c for c, _m in flashes(page.text)] == ["error"]
    assert files_now() == files and attachment_count() == rows


def test_deleting_an_attachment_removes_its_file_after_the_commit(client, draft):
    attachment = draft.attachments[0]
    path = upload_folder() / attachment.stored_name
    assert path.is_file()
    html = client.get(f"/proposals/{draft.id}").text
    action = f"/proposals/{draft.id}/attachments/{attachment.id}/delete"
    (button,) = [f for f in forms(html) if f.action == action]

    response = client.post(button.action, data=button.data(), follow_redirects=True)

    assert ("success", "Đã xóa tệp.") in flashes(response.text)
    assert db.session.get(Attachment, attachment.id) is None
    assert not path.exists()


def test_a_filed_proposals_attachment_cannot_be_deleted(client, world, login):
    proposal = make_proposal(world, state=S.SUBMITTED)
    db.session.commit()
    attachment = proposal.attachments[0]
    login(world.head_a)
    html = client.get(f"/proposals/{proposal.id}").text
    action = f"/proposals/{proposal.id}/attachments/{attachment.id}/delete"
    assert action not in html
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)

    response = client.post(action, data={"csrf_token": token})

    assert refusal_of(client, response, proposal.id) == EDITING_CLOSED.format(
        state=S.SUBMITTED.label)
    assert db.session.get(Attachment, attachment.id) is not None
    assert (upload_folder() / attachment.stored_name).is_file()


# --- how much one dossier may hold ----------------------------------------------------------


def another_pdf(n: int) -> bytes:
    """A PDF of its own content: a dossier takes a file once under each kind."""
    return PDF_BYTES + f"% {n}\n".encode()


#: (the file already in the dossier: its kind and content; the kind and content sent) →
#: refused as the same file again
AGAIN = [
    ("meeting_minutes", PDF_BYTES, "meeting_minutes", PDF_BYTES, True),
    ("meeting_minutes", PDF_BYTES, "achievement_report", PDF_BYTES, False),
    ("meeting_minutes", PDF_BYTES, "meeting_minutes", another_pdf(1), False),
]


@pytest.mark.parametrize(("kind", "content", "sent_kind", "sent", "refused"), AGAIN,
                         ids=["same file, same kind", "same file, another kind", "another file"])
def test_the_same_file_twice_under_one_kind_is_refused(client, draft, kind, content,
                                                       sent_kind, sent, refused):
    """A second click, or the file chosen again; one scan filed under two kinds is fine."""
    upload(client, draft, "bien-ban.pdf", content, kind=kind)
    before = (files_now(), attachment_count(), audit_count())

    page = upload(client, draft, "scan-lai.pdf", sent, kind=sent_kind)

    if refused:
        assert ("error", "Tệp “scan-lai.pdf”: hồ sơ đã có tệp này (“bien-ban.pdf”, biên bản "
                "họp).") in flashes(page.text)
        assert (files_now(), attachment_count(), audit_count()) == before
    else:
        assert ("success", "Đã tải lên tệp.") in flashes(page.text)
        assert attachment_count() == before[1] + 1


@pytest.mark.parametrize(("limit", "value", "message"), [
    ("MAX_ATTACHMENTS_PER_PROPOSAL", 2, "Hồ sơ đã có 2 tệp, số tệp tối đa của một tờ trình."),
    ("MAX_DOSSIER_BYTES", 5 * 1024 * 1024,
     "Hồ sơ của một tờ trình tối đa 5 MB; tệp này vượt quá."),
], ids=["files", "bytes"])
def test_a_dossier_holds_so_many_files_and_bytes(app, client, draft, monkeypatch, limit, value,
                                                 message):
    monkeypatch.setitem(app.config, limit, value)
    while len(draft.attachments) < 2:  # the factory's file, and one more
        upload(client, draft, "bao-cao.pdf", another_pdf(len(draft.attachments)))
        db.session.refresh(draft)
    if limit == "MAX_DOSSIER_BYTES":  # two files on record, 1 byte short of the limit
        draft.attachments[-1].size = value - 1 - sum(a.size for a in draft.attachments[:-1])
        db.session.commit()
    before = (files_now(), attachment_count(), audit_count())

    page = upload(client, draft, "them.pdf", another_pdf(9))

    assert ("error", message) in flashes(page.text)
    assert (files_now(), attachment_count(), audit_count()) == before
