"""The search form, read from the query string."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional

from civic.cases import labels
from civic.web.forms import DayField, PlainForm, strip


class SearchForm(PlainForm):
    q = StringField(_l("Search for"), widget=GovTextInput(), filters=[strip],
                    description=_l("Two characters are enough, like 捷運 or 水庫; several words must all match."),
                    validators=[Optional(), Length(max=200, message=_l("At most 200 characters."))])
    kind = SelectField(_l("Show"), widget=GovSelect(), validators=[Optional()],
                       choices=[SelectChoice("", _l("Everything")), SelectChoice("case", _l("Cases")),
                                SelectChoice("response", _l("Official answers")),
                                SelectChoice("comment", _l("Comments"))])
    agency = SelectField(_l("Agency"), widget=GovSelect(), validators=[Optional()])
    sector = SelectField(_l("Sector"), widget=GovSelect(), validators=[Optional()])
    procurement_kind = SelectField(
        _l("Procurement kind"), widget=GovSelect(), validators=[Optional()],
        choices=[SelectChoice("", "")] + [SelectChoice(code, text) for code, text in labels.PROCUREMENT_KINDS.items()])
    since = DayField(_l("From"), validators=[Optional()])
    until = DayField(_l("Until"), validators=[Optional()])
