"""The authority edits the notice on the report page; it never reads a report here."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextArea
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from civic.core.permissions import Permission
from civic.extensions import db
from civic.reports import notice
from civic.web.access import permission_required, walled
from civic.web.forms import attach_rule_errors, post_form

# Named as an administration blueprint: the notice is the authority's, edited by administrators.
bp = walled(Blueprint("admin_report_notice", __name__, url_prefix="/admin/reports"),
            Permission.edit_report_notice)


class NoticeForm(FlaskForm):
    """The notice in both languages; each required, as the report page shows the reader's language."""

    body_zh = TextAreaField(_l("Text in Chinese"), widget=GovTextArea(),
                            validators=[DataRequired(message=_l("Enter the text in Chinese.")),
                                        Length(max=notice.BODY_MAX, message=_l("At most 20,000 characters."))])
    body_en = TextAreaField(_l("Text in English"), widget=GovTextArea(),
                            validators=[DataRequired(message=_l("Enter the text in English.")),
                                        Length(max=notice.BODY_MAX, message=_l("At most 20,000 characters."))])

    def validate(self, extra_validators=None) -> bool:
        """The field checks, then the notice's own rule, so one submission shows every problem."""
        valid = super().validate(extra_validators)
        return attach_rule_errors(self, notice.notice_errors(self.body_zh.data or "", self.body_en.data or ""),
                                  "body_zh") and valid


@bp.route("/notice", methods=["GET", "POST"])
@permission_required(Permission.edit_report_notice)
def edit():
    """The notice shown on the report page, in a form to publish a new text."""
    form = NoticeForm()
    if not form.is_submitted():
        current = notice.current_notice(db.session)
        form.body_zh.data, form.body_en.data = current.body_zh, current.body_en
    return post_form(
        form, lambda: notice.edit_notice(db.session, form.body_zh.data, form.body_en.data, actor=current_user),
        show=lambda status: (render_template("reports/notice/edit.html", form=form), status),
        field="body_zh", done=_("The new notice is published on the report page."),
        then=lambda: url_for("admin_report_notice.edit"))
