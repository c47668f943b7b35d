"""The forms of a campaign and of its phases."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from award_flow.campaigns.models import CAMPAIGN_KIND_LABELS
from award_flow.core.forms import DayField, Form
from award_flow.documents.validators import Printable


class CampaignForm(Form):
    name = StringField(_l("Tên phong trào thi đua"),
                       validators=[DataRequired(), Length(max=400), Printable()],
                       description=_l("Như trong kế hoạch phát động, ví dụ: Phong trào thi đua "
                                      "thực hiện thắng lợi nhiệm vụ phát triển kinh tế - xã hội "
                                      "5 năm 2026 - 2030"))
    kind = SelectField(_l("Hình thức tổ chức"), choices=[])
    starts_on = DayField(_l("Từ ngày"), validators=[InputRequired()])
    ends_on = DayField(_l("Đến ngày"), validators=[InputRequired()])

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.kind.choices = [(k.value, str(v)) for k, v in CAMPAIGN_KIND_LABELS.items()]


class PhaseForm(Form):
    name = StringField(_l("Tên đợt"), validators=[DataRequired(), Length(max=200), Printable()],
                       description=_l("Ví dụ: Đợt 1"))
    starts_on = DayField(_l("Từ ngày"), validators=[InputRequired()])
    ends_on = DayField(_l("Đến ngày"), validators=[InputRequired()])
