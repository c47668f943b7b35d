from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from award_flow.catalogue.defaults import DEFAULT_FILED_WITH, DEFAULT_SECRETARIATS
from award_flow.core.forms import Form
from award_flow.documents.validators import Printable
from award_flow.org.models import (
    AUTHORITY_NAME_LABELS,
    DECISION_TEXT_LABELS,
    DECISION_TEXT_MAX_LENGTHS,
    AuthorityLevel,
    UnitKind,
)


class UnitForm(Form):
    """A unit's name, its kind among `kinds` (`Authority.unit_kinds`) and whether it is
    active."""

    name = StringField(_l("Tên đơn vị"), validators=[DataRequired(), Length(max=200),
                                                      Printable()])
    kind = SelectField(_l("Loại đơn vị"), choices=[])
    active = BooleanField(_l("Đang hoạt động"), default=True)

    def __init__(self, *args, kinds: Iterable[UnitKind], **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.kind.choices = [(k.value, k.label) for k in kinds]


def _text_length(field: str) -> Length:
    return Length(max=DECISION_TEXT_MAX_LENGTHS[field])


class AuthorityForm(Form):
    """The issuing People's Committee and what its decisions print (one item per line)."""

    # The hints' examples are of the authority's level (__init__).
    name = StringField(AUTHORITY_NAME_LABELS["name"],
                       validators=[DataRequired(), Length(max=200), Printable()])
    place_name = StringField(AUTHORITY_NAME_LABELS["place_name"],
                             validators=[DataRequired(), Length(max=100), Printable()])
    parent_name = StringField(AUTHORITY_NAME_LABELS["parent_name"],
                              validators=[Optional(), Length(max=200), Printable()])
    header_parent = StringField(AUTHORITY_NAME_LABELS["header_parent"],
                                validators=[Optional(), Length(max=200), Printable()])
    secretariat_name = StringField(AUTHORITY_NAME_LABELS["secretariat_name"],
                                   validators=[DataRequired(), Length(max=200), Printable()])
    issuer_code = StringField(AUTHORITY_NAME_LABELS["issuer_code"],
                              validators=[DataRequired(), Length(max=20), Printable()],
                              description=_l("Phần sau “QĐ-” trong số, ký hiệu: 15/QĐ-UBND"))
    decision_legal_bases = TextAreaField(DECISION_TEXT_LABELS["decision_legal_bases"],
                                         validators=[_text_length("decision_legal_bases"),
                                                     Printable()],
                                         description=_l("Mỗi căn cứ một dòng."))
    decision_proposer = StringField(DECISION_TEXT_LABELS["decision_proposer"],
                                    validators=[Optional(), Length(max=300), Printable()])
    decision_executors = TextAreaField(DECISION_TEXT_LABELS["decision_executors"],
                                       validators=[_text_length("decision_executors"),
                                                   Printable()],
                                       description=_l(
                                           "Mỗi cơ quan, chức danh một dòng. “Các tập thể, cá "
                                           "nhân có tên tại Điều 1” được in theo những người "
                                           "được khen của từng quyết định, ví dụ “các hộ gia "
                                           "đình có tên tại Điều 1”."))
    decision_recipients = TextAreaField(DECISION_TEXT_LABELS["decision_recipients"],
                                        validators=[_text_length("decision_recipients"),
                                                    Printable()])
    bonus_fund = StringField(DECISION_TEXT_LABELS["bonus_fund"],
                             validators=[Optional(), Length(max=300), Printable()])

    def __init__(self, *args, level: AuthorityLevel, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        example = AUTHORITY_EXAMPLES[level]
        self.name.description = _("Ví dụ: %(example)s", example=example.name)
        self.place_name.description = _("Ví dụ: %(example)s", example=example.place)
        self.parent_name.description = _(
            "Cơ quan có Chủ tịch tặng các hình thức khen thưởng cấp trên mà cơ quan này trình, "
            "ví dụ: %(example)s (trong “Bằng khen của Chủ tịch %(example)s”).",
            example=example.parent) if example.parent else _(
            "Không bắt buộc đối với cấp tỉnh: danh mục mặc định của tỉnh không có hình thức "
            "khen thưởng trình cấp trên.")
        self.header_parent.description = _(
            "Để trống đối với Ủy ban nhân dân: tiêu đề quyết định chỉ gồm tên cơ quan ban hành. "
            "Nếu dùng, dòng này được in hoa trên một dòng; tên dài nên viết tắt cụm từ thông "
            "dụng, ví dụ: %(example)s.", example=example.header_parent)
        secretariat = DEFAULT_SECRETARIATS[level]
        self.secretariat_name.description = _(
            "Tên gọi trên các trang và nút thao tác, ví dụ: %(example)s (trong “Chuyển lại "
            "%(example)s”).", example=secretariat)
        self.decision_recipients.description = _(
            "Mỗi nơi một dòng; dòng cuối là nơi lưu: văn thư và cơ quan soạn thảo, ví dụ "
            "“%(example)s”.", example=DEFAULT_FILED_WITH[level])


@dataclass(frozen=True)
class AuthorityExample:
    """What the authority page's hints give as examples for a level: a body of that level
    since the 2025 reform (a district's from the demo's plan, 2021)."""

    name: str
    place: str
    parent: str | None
    header_parent: str


AUTHORITY_EXAMPLES = {
    AuthorityLevel.PROVINCE: AuthorityExample(
        "Ủy ban nhân dân tỉnh Vĩnh Long", "Vĩnh Long", None, "UBND tỉnh Vĩnh Long"),
    AuthorityLevel.DISTRICT: AuthorityExample(
        "Ủy ban nhân dân thị xã Duyên Hải", "Duyên Hải", "Ủy ban nhân dân tỉnh Trà Vinh",
        "UBND thị xã Duyên Hải"),
    AuthorityLevel.COMMUNE: AuthorityExample(
        "Ủy ban nhân dân xã Long Hữu", "Long Hữu", "Ủy ban nhân dân tỉnh Vĩnh Long",
        "UBND xã Long Hữu"),
}
