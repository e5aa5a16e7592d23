"""The form that chooses how one followed case or agency is heard of."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect
from wtforms import SelectChoice, SelectField
from wtforms.validators import InputRequired

from civic.digests.labels import FREQUENCIES


class FrequencyForm(FlaskForm):
    frequency = SelectField(_l("Emails"), widget=GovSelect(),
                            choices=[SelectChoice(str(value), label) for value, label in FREQUENCIES.items()],
                            validators=[InputRequired(message=_l("Choose how often you want to hear."))])
