"""/account/line: link a LINE account to one's own account for notices (a one-time code, shown in the
answer to the POST that makes it and nowhere else), the switch for LINE notices, and unlinking; and
/line/webhook, which LINE calls with what people send the official account.

Hidden while LINE is not configured: every endpoint answers 404. The account pages act on one's own
account only; the webhook is public and exempt from CSRF, and acts only on a body whose X-Line-Signature
the channel secret confirms (400 otherwise). It writes and answers at once; replies go by the outbox.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from linebot.v3.exceptions import InvalidSignatureError

from civic.extensions import csrf, db, limiter
from civic.integrations.line import client, codes, queries, services, webhook
from civic.integrations.line.forms import OFF, ON, NoticesForm
from civic.integrations.line.models import LineLink
from civic.web.access import public, signed_in
from civic.web.forms import post_button, post_form, refusal

bp = Blueprint("line", __name__)


@bp.before_request
def hidden_unless_configured() -> None:
    """Without the channel secret and access token, LINE notices do not exist: 404."""
    if not client.is_configured(current_app.config):
        abort(404)


@bp.app_context_processor
def offered() -> dict[str, bool]:
    """Whether pages should point to /account/line."""
    return {"line_notices_offered": client.is_configured(current_app.config)}


def _new_code_limit() -> str:
    return current_app.config["LINE_NEW_CODE_RATE_LIMIT"]


def load_own_link() -> LineLink:
    """The current person's link; 404 when they have none."""
    link = queries.get_link(db.session, current_user.id)
    if link is None:
        abort(404)
    return link


def _page(status: int = 200, *, form: NoticesForm | None = None, new_code: services.NewCode | None = None):
    link = queries.get_link(db.session, current_user.id)
    if form is None:
        form = NoticesForm(formdata=None, data={"notices": ON if link is None or link.is_notifying else OFF})
    response = make_response(render_template(
        "integrations/line/index.html", link=link, form=form, new_code=new_code,
        add_friend_url=current_app.config.get("LINE_ADD_FRIEND_URL") or "",
        minutes=int(codes.LIFETIME.total_seconds() // 60)), status)
    # The answer that shows a code must not be kept anywhere: the code links a LINE account to this one.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/account/line")
@signed_in
def index():
    """Linked or not, and how to link; once linked, the switch for LINE notices and unlinking."""
    return _page()


@bp.post("/account/line/code")
@signed_in
@limiter.limit(_new_code_limit)
def new_code():
    """Make a one-time code for linking and show it in this answer only."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    with refusal() as refused:
        issued = services.issue_code(db.session, actor=current_user)
    if refused:
        return _page(409)
    db.session.commit()
    return _page(new_code=issued)


@bp.post("/account/line/notices")
@signed_in
def notices():
    """Turn LINE notices on or off."""
    load_own_link()
    form = NoticesForm()
    done = (_("LINE notices are on: notices come to LINE as well as by mail.") if form.is_on
            else _("LINE notices are off: notices come by mail only."))
    return post_form(form, lambda: services.set_notifying(db.session, form.is_on, actor=current_user),
                     show=lambda status: _page(status, form=form), field="notices", done=done,
                     then=url_for("line.index"))


@bp.post("/account/line/unlink")
@signed_in
def unlink():
    """Unlink the LINE account: nothing more goes to it."""
    load_own_link()
    return post_button(lambda: services.unlink(db.session, actor=current_user),
                       done=_("Your LINE account is unlinked: nothing more goes to it."),
                       then=url_for("line.index"))


@bp.post("/line/webhook")
@public
def receive():
    """Events from LINE, signed with the channel secret; answered at once, replies sent by the outbox."""
    signature = request.headers.get("X-Line-Signature", "")
    body = request.get_data(as_text=True)
    try:
        events = client.parser(current_app.config).parse(body, signature)
    except InvalidSignatureError:
        abort(400)
    except (ValueError, KeyError, TypeError, AttributeError):
        # Signed by LINE, yet not a body we can read.
        abort(400)
    webhook.handle(db.session, events)
    db.session.commit()
    return {}, 200


# LINE signs its requests; it has no session and no CSRF token to send.
csrf.exempt(receive)
