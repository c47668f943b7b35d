"""Forms check the shape of input; workflow rules live in operations."""

from __future__ import annotations

import re

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from award_flow.catalogue.models import NomineeKind
from award_flow.core.display import file_size
from award_flow.core.forms import Form, YearField
from award_flow.core.seen import is_seen_digest
from award_flow.core.storage import too_big_message
from award_flow.documents.validators import Printable
from award_flow.proposals.models import (
    ACHIEVEMENT_SUMMARY_MAX_LENGTH,
    GENDER_REQUIRED,
    NAME_LABELS,
    PLACE_LABELS,
    AttachmentKind,
    Gender,
    NomineeOutcome,
    PriorityGroup,
)

_FORM_KEY = re.compile(r"[A-Za-z0-9_-]{16,32}")


def _form_key(value: str | None) -> str | None:
    return value if isinstance(value, str) and _FORM_KEY.fullmatch(value) else None


class SeenField(HiddenField):
    """An edit form's digest of what it shows (`core.seen`; `Proposal.details_digest`,
    `Nominee.details_digest`): the operation refuses a save once that was saved again since,
    so that a later save from a form opened earlier does not silently put back what someone
    else saved meanwhile. One not of the form's making reads as "", which no digest is: the
    save is refused as stale, with what the user typed kept, rather than saved blind (a
    hidden field's refusal would show nowhere on the page)."""

    data: str | None

    def process_formdata(self, valuelist: list[str]) -> None:
        text = valuelist[0] if valuelist else ""
        self.data = text if is_seen_digest(text) else ""


class ProposalForm(Form):
    title = StringField(_l("Trích yếu tờ trình"), validators=[DataRequired(), Length(max=400)])
    campaign_id = SelectField(_l("Phong trào thi đua"), coerce=int, validators=[InputRequired()])
    #: Grouped by campaign; the page's script offers only the chosen campaign's phases.
    phase_id = SelectField(_l("Đợt thi đua"), coerce=int, validators=[Optional()],
                           render_kw={"data-phases-of": "campaign_id"})
    award_type_id = SelectField(_l("Danh hiệu, hình thức khen thưởng"), coerce=int,
                                validators=[InputRequired()])
    #: Not prefilled: in January a title is usually for the year just ended, and a guessed
    #: year would be printed in the decision unnoticed.
    achievement_year = YearField(
        _l("Năm thành tích"),
        description=_l("Bắt buộc với danh hiệu thi đua, vì danh hiệu được công nhận theo năm "
                       "(ví dụ: “Lao động tiên tiến” năm 2025)."),
        validators=[Optional()],
    )
    achievement = TextAreaField(
        _l("Thành tích được khen thưởng"),
        # Article 1 reads "… (có danh sách kèm theo) đã có <this>", unless this starts with
        # "đã" (documents.render).
        description=_l("Được in trong Điều 1 của quyết định, sau cụm từ “đã có”, ví dụ: thành "
                       "tích xuất sắc trong phong trào thi đua ... năm 2025. Nội dung bắt đầu "
                       "bằng “đã” (ví dụ: đã hoàn thành xuất sắc nhiệm vụ năm 2025) thì không "
                       "thêm “đã có”."),
        validators=[DataRequired(), Length(max=2000)],
    )

    #: The "new proposal" form's random key (`Proposal.form_key`), so that the same form sent
    #: twice files one proposal; the edit form leaves it alone. A key not of the form's making
    #: is no key (a hidden field's refusal would show nowhere on the page).
    form_key = HiddenField(filters=[_form_key])

    def validate_award_type_id(self, field: SelectField) -> None:
        if not field.data:  # the "— Chọn —" placeholder
            raise ValidationError(_("Hãy chọn danh hiệu, hình thức khen thưởng."))


class ProposalEditForm(ProposalForm):
    """The proposal's details as its edit page changes them: with the digest of the details
    it showed (not the proposal's version, which a nominee or a file added meanwhile moves
    too, and which would refuse a save that overwrites nothing)."""

    seen = SeenField()


class NomineeForm(Form):
    # Text fields hold what core.text.nfc leaves (the base Form): a zero-width space is no name.
    # What the annex prints is checked here too, with the other fields (the operation checks
    # it for a list's rows).
    name = StringField(_l("Họ và tên / tên tập thể"),
                       validators=[DataRequired(), Length(max=200), Printable()])
    position = StringField(_l("Chức vụ"), validators=[Optional(), Length(max=200), Printable()])
    unit_or_address = StringField(_l("Đơn vị công tác hoặc địa chỉ"),
                                  validators=[Optional(), Length(max=300), Printable()])
    gender = RadioField(_l("Giới tính"), choices=[], validators=[Optional()])
    priority_group = SelectField(_l("Nhóm ưu tiên"), choices=[], default=PriorityGroup.NONE.value)
    achievement_summary = TextAreaField(_l("Tóm tắt thành tích"),
                                        validators=[Optional(),
                                                    Length(max=ACHIEVEMENT_SUMMARY_MAX_LENGTH)])

    def __init__(self, *args, kind: NomineeKind, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.gender.choices = [(g.value, g.label) for g in (Gender.MALE, Gender.FEMALE)]
        self.priority_group.choices = [(p.value, p.label) for p in PriorityGroup if p.fits(kind)]
        # Labels that fit the kind of nominee the award is for.
        self.name.label.text = str(NAME_LABELS[kind])
        self.unit_or_address.label.text = str(PLACE_LABELS[kind])
        if kind in NAME_HINTS:
            self.name.description = NAME_HINTS[kind]
        if kind == NomineeKind.INDIVIDUAL:
            # Said with the other fields' errors, not only once they are right.
            self.gender.validators = [InputRequired(GENDER_REQUIRED)]
            self.gender.flags.required = True
        else:
            # A position and a gender are a person's; a collective or household has neither
            # (the page shows the fields the form has).
            del self.position
            del self.gender


class NomineeEditForm(NomineeForm):
    """A nominee's details as its edit page changes them: with the digest of them it
    showed."""

    seen = SeenField()


#: How to write a name that is not a person's, as the decision's annex prints it.
NAME_HINTS = {
    NomineeKind.HOUSEHOLD: _l("Ví dụ: Hộ ông Nguyễn Văn Út"),
}


class AttachmentForm(Form):
    #: No default: a kind left as it was would tag every file of a batch "Tờ trình".
    kind = SelectField(_l("Loại tài liệu"), choices=[],
                       validators=[InputRequired(_l("Hãy chọn loại tài liệu."))])
    file = FileField(_l("Tệp"), validators=[FileRequired(_l("Hãy chọn một tệp."))])

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.kind.choices = [("", _("— Chọn loại tài liệu —"))] + [
            (k.value, k.label) for k in AttachmentKind]
        max_bytes = current_app.config["MAX_ATTACHMENT_BYTES"]
        self.file.description = _("PDF, DOCX, XLSX, JPG hoặc PNG; tối đa %(size)s.",
                                  size=file_size(max_bytes))
        # static/js/app.js refuses a file over the limit before sending it (10 MB over a weak
        # link is minutes spent for a refusal), in the server's words; the server checks all
        # the same.
        self.file.render_kw = {
            "data-max-bytes": max_bytes,
            "data-too-big": too_big_message("{name}", max_bytes)}


class NomineeListForm(Form):
    """A filled list of nominees (proposals/nominee_list.py)."""

    file = FileField(_l("Tệp danh sách (.xlsx)"),
                     validators=[FileRequired(_l("Hãy chọn tệp danh sách."))])

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        max_bytes = current_app.config["MAX_ATTACHMENT_BYTES"]
        self.file.render_kw = {
            "data-max-bytes": max_bytes,
            "data-too-big": too_big_message("{name}", max_bytes)}


#: The longest comment a workflow button takes (its textarea's maxlength says the same).
COMMENT_MAX_LENGTH = 4000


class ActionForm(Form):
    """Every workflow button: CSRF, the version the user saw, and an optional reason."""

    version = IntegerField(validators=[InputRequired()])
    comment = TextAreaField(
        _l("Ý kiến / lý do"),
        validators=[Optional(), Length(max=COMMENT_MAX_LENGTH, message=_l(
            "Nội dung ghi quá dài: tối đa %(max)s ký tự (đã nhập %(length)s ký tự). Không có "
            "thay đổi nào được lưu."))])


def outcome_choices() -> list[tuple[str, str]]:
    return [(o.value, o.label) for o in NomineeOutcome]
