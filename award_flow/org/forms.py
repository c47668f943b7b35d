from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from award_flow.core.text import nfc_filter
from award_flow.org.models import UnitKind


class UnitForm(FlaskForm):
    name = StringField(_l("Tên đơn vị"), validators=[DataRequired(), Length(max=200)],
                       filters=[nfc_filter])
    kind = SelectField(_l("Loại đơn vị"), choices=[])
    active = BooleanField(_l("Đang hoạt động"), default=True)

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.kind.choices = [(k.value, k.label) for k in UnitKind]
