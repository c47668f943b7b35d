from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from award_flow.core.forms import Form
from award_flow.org.models import DECISION_TEXT_LABELS, UnitKind


class UnitForm(Form):
    """A unit's name, its kind among `kinds` (`Authority.unit_kinds`) and whether it is
    active."""

    name = StringField(_l("Tên đơn vị"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Loại đơn vị"), choices=[])
    active = BooleanField(_l("Đang hoạt động"), default=True)

    def __init__(self, *args, kinds: Iterable[UnitKind], **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.kind.choices = [(k.value, k.label) for k in kinds]


class AuthorityForm(Form):
    """The issuing People's Committee and what its decisions print (one item per line)."""

    name = StringField(_l("Tên cơ quan ban hành"), validators=[DataRequired(), Length(max=200)],
                       description=_l("Ví dụ: Ủy ban nhân dân xã Long Hữu"))
    place_name = StringField(_l("Địa danh ghi ở ngày tháng"),
                             validators=[DataRequired(), Length(max=100)],
                             description=_l("Ví dụ: Long Hữu"))
    parent_name = StringField(
        _l("Cơ quan cấp trên"), validators=[Optional(), Length(max=200)],
        description=_l("Cơ quan có Chủ tịch tặng các hình thức khen thưởng cấp trên mà cơ quan "
                       "này trình, ví dụ: Ủy ban nhân dân tỉnh Vĩnh Long (trong “Bằng khen của "
                       "Chủ tịch Ủy ban nhân dân tỉnh Vĩnh Long”)."))
    header_parent = StringField(
        _l("Cơ quan chủ quản (dòng trên tên cơ quan ban hành)"),
        validators=[Optional(), Length(max=200)],
        description=_l("Để trống đối với Ủy ban nhân dân: tiêu đề quyết định chỉ gồm tên cơ "
                       "quan ban hành. Nếu dùng, dòng này được in hoa trên một dòng; tên dài "
                       "nên viết tắt cụm từ thông dụng, ví dụ: UBND xã Long Hữu."))
    secretariat_name = StringField(
        _l("Cơ quan thường trực Hội đồng Thi đua - Khen thưởng"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("Tên gọi trên các trang và nút thao tác, ví dụ: Phòng Văn hóa - Xã "
                       "hội (trong “Chuyển lại Phòng Văn hóa - Xã hội”)."))
    issuer_code = StringField(_l("Ký hiệu cơ quan ban hành"),
                              validators=[DataRequired(), Length(max=20)],
                              description=_l("Phần sau “QĐ-” trong số, ký hiệu: 15/QĐ-UBND"))
    decision_legal_bases = TextAreaField(DECISION_TEXT_LABELS["decision_legal_bases"],
                                         description=_l("Mỗi căn cứ một dòng."))
    decision_proposer = StringField(DECISION_TEXT_LABELS["decision_proposer"],
                                    validators=[Optional(), Length(max=300)])
    decision_executors = TextAreaField(DECISION_TEXT_LABELS["decision_executors"],
                                       description=_l(
                                           "Mỗi cơ quan, chức danh một dòng. “Các tập thể, cá "
                                           "nhân có tên tại Điều 1” được in theo những người "
                                           "được khen của từng quyết định, ví dụ “các hộ gia "
                                           "đình có tên tại Điều 1”."))
    decision_recipients = TextAreaField(DECISION_TEXT_LABELS["decision_recipients"],
                                        description=_l("Mỗi nơi một dòng; dòng cuối là nơi lưu: "
                                                       "văn thư và cơ quan soạn thảo, ví dụ "
                                                       "“Lưu: VT, VHXH”."))
    bonus_fund = StringField(DECISION_TEXT_LABELS["bonus_fund"],
                             validators=[Optional(), Length(max=300)])
