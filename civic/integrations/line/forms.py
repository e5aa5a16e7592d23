"""The switch for LINE notices; linking and unlinking are buttons that carry only the CSRF token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput
from wtforms import RadioField, SelectChoice
from wtforms.validators import ValidationError

ON, OFF = "on", "off"


class NoticesForm(FlaskForm):
    notices = RadioField(
        _l("LINE notices"), widget=GovRadioInput(), validate_choice=False,
        choices=[SelectChoice(ON, _l("On: notices come to LINE as well as by mail")),
                 SelectChoice(OFF, _l("Off: notices come by mail only"))])

    def validate_notices(self, field) -> None:
        if field.data not in (ON, OFF):
            raise ValidationError(_l("Choose whether notices come to LINE."))

    @property
    def is_on(self) -> bool:
        return self.notices.data == ON
