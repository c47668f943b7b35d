"""The admin's forms for the award catalogue and the base salary."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, StopValidation

from award_flow.catalogue.models import (
    AWARD_CATEGORY_LABELS,
    BONUS_ROUNDING_STEPS,
    CONFERRED_BY_LABELS,
    NOMINEE_KIND_LABELS,
    AwardType,
)
from award_flow.core.display import money
from award_flow.core.forms import AmountField, DayField, DecimalCommaField, Form
from award_flow.documents.validators import Printable


def rounding_label(step: int, *, in_sentence: bool = False) -> str:
    """How a rounding step reads in a choice, as the page writes amounts (display.money):
    "10.000 đồng" in Vietnamese, "₫10,000" in English; 1 is "to the đồng", capitalised as
    a choice or a cell, in lower case `in_sentence` ("…đang áp dụng: đến từng đồng …")."""
    if step != 1:
        return money(step)
    if in_sentence:
        return _("đến từng đồng (không làm tròn thêm)")
    return _("Đến từng đồng (không làm tròn thêm)")


class _ByPayment:
    """A field required only by one way of paying a new entry: its own coefficient
    (`multiple=False`), or a multiple of another entry's bonus (`multiple=True`); the other
    way skips it."""

    def __init__(self, required, *, multiple: bool) -> None:  # noqa: ANN001
        self.required, self.multiple = required, multiple
        self.field_flags: dict[str, bool] = {}

    def __call__(self, form, field) -> None:  # noqa: ANN001
        if bool(form.bonus_multiple_of.data) != self.multiple:
            raise StopValidation()
        self.required(form, field)


class AwardTypeForm(Form):
    """An entry of the catalogue. The code, category, kind of nominee and who confers it are
    chosen when the entry is added (the view drops them from an existing entry's form)."""

    code = StringField(_l("Mã"), validators=[DataRequired(), Length(max=20)],
                       description=_l("Chữ in hoa không dấu, chữ số hoặc dấu gạch dưới, ví dụ: "
                                      "GK_CN. Không đổi được sau khi thêm."))
    name = StringField(_l("Tên in trên quyết định"),
                       validators=[DataRequired(), Length(max=300), Printable()],
                       description=_l("Ví dụ: Giấy khen của Chủ tịch Ủy ban nhân dân xã Long "
                                      "Hữu"))
    category = SelectField(_l("Loại"), choices=[])
    subject = SelectField(_l("Khen cho"), choices=[])
    conferred_by = SelectField(_l("Thẩm quyền quyết định"), choices=[])
    #: 0: paid by a coefficient of its own; otherwise the id of the entry whose bonus this
    #: one's is a multiple of.
    bonus_multiple_of = SelectField(
        _l("Cách tính tiền thưởng"), coerce=int, default=0,
        description=_l("Ví dụ: Giấy khen cho hộ gia đình được thưởng 1,5 lần mức của cá nhân; "
                       "khi hệ số của mục đó đổi, tiền thưởng của mục này đổi theo."))
    coefficient = DecimalCommaField(
        _l("Hệ số tiền thưởng"), validators=[_ByPayment(InputRequired(), multiple=False)],
        description=_l("Tiền thưởng = hệ số × mức lương cơ sở. Áp dụng từ hôm nay; khi một văn "
                       "bản đổi hệ số, thêm hệ số mới kèm ngày áp dụng ở trang sửa."))
    coefficient_source = StringField(
        _l("Căn cứ"), validators=[DataRequired(), Length(max=300)],
        description=_l("Ví dụ: Nghị định 152/2025/NĐ-CP, Điều 51"))
    bonus_multiple = DecimalCommaField(
        _l("Số lần tiền thưởng của mục đã chọn"),
        validators=[_ByPayment(InputRequired(), multiple=True)],
        description=_l("Ví dụ: 1,5"))
    notes = TextAreaField(_l("Ghi chú, căn cứ"), validators=[Optional(), Length(max=1000)])
    active = BooleanField(_l("Đang áp dụng"), default=True,
                          description=_l("Bỏ chọn để tờ trình mới không chọn được nữa; tờ trình "
                                         "đã gửi vẫn được xét tiếp."))

    def __init__(self, *args, paid_by: Sequence[AwardType] = (), **kwargs) -> None:  # noqa: ANN002, ANN003
        """`paid_by`: the entries a new one may be paid a multiple of."""
        super().__init__(*args, **kwargs)
        self.category.choices = [(k.value, str(v)) for k, v in AWARD_CATEGORY_LABELS.items()]
        self.subject.choices = [(k.value, str(v)) for k, v in NOMINEE_KIND_LABELS.items()]
        self.conferred_by.choices = [(k.value, str(v)) for k, v in CONFERRED_BY_LABELS.items()]
        self.bonus_multiple_of.choices = [(0, _("Hệ số riêng × mức lương cơ sở"))] + [
            (a.id, _("Bằng một số lần tiền thưởng của %(code)s: %(entry)s", code=a.code,
                     entry=a.label)) for a in paid_by]

    def keep_only_what_changes(self) -> None:
        """An existing entry: its code, category, kind, authority and how it is paid are
        shown, not edited; its coefficients have their own form, each with its date
        (CoefficientForm)."""
        for name in ("code", "category", "subject", "conferred_by", "bonus_multiple_of",
                     "coefficient", "coefficient_source", "bonus_multiple"):
            del self[name]


class CoefficientForm(Form):
    """An award's coefficient from the day a rule sets it; the multiple, for an entry paid a
    multiple of another's bonus (`multiple=True`)."""

    coefficient = DecimalCommaField(_l("Hệ số mới"), validators=[InputRequired()],
                                    description=_l("Ví dụ: 0,3"))
    effective_from = DayField(_l("Áp dụng từ ngày"), validators=[InputRequired()])
    source = StringField(_l("Căn cứ"), validators=[DataRequired(), Length(max=300)],
                         description=_l("Ví dụ: Nghị định 152/2025/NĐ-CP, Điều 51"))

    def __init__(self, *args, multiple: bool = False, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        if multiple:
            self.coefficient.label.text = _("Số lần mới")
            self.coefficient.description = _("Ví dụ: 1,5")


class BaseSalaryForm(Form):
    """A base salary from the day it takes effect."""

    amount = AmountField(_l("Mức lương cơ sở (đồng/tháng)"), validators=[InputRequired()],
                         description=_l("Ví dụ: 2.340.000"))
    effective_from = DayField(_l("Áp dụng từ ngày"), validators=[InputRequired()])
    source = StringField(_l("Căn cứ"), validators=[DataRequired(), Length(max=300)],
                         description=_l("Ví dụ: Nghị định 73/2024/NĐ-CP, Điều 3"))


class BonusRoundingForm(Form):
    """How bonuses are rounded from a day on (the page's second form: its fields are
    prefixed, so that each form's errors show under its own fields)."""

    amount = SelectField(_l("Làm tròn tiền thưởng lên bội số của"), choices=[], coerce=int,
                         description=_l("Nghị định 91/2017/NĐ-CP (Điều 68 khoản 2) và Nghị định "
                                        "98/2023/NĐ-CP làm tròn số lên hàng chục nghìn đồng; "
                                        "chưa kiểm chứng với Nghị định 152/2025/NĐ-CP."))
    effective_from = DayField(_l("Áp dụng từ ngày"), validators=[InputRequired()])
    source = StringField(_l("Căn cứ"), validators=[DataRequired(), Length(max=300)])

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, prefix="rounding", **kwargs)
        self.amount.choices = [(step, rounding_label(step)) for step in BONUS_ROUNDING_STEPS]
