"""The tokens page of one's own account: the tokens one holds, a form to make one (its secret shown
once, in the answer to that POST and nowhere else), and revoking one.

Staff and administrators only, behind the blueprint's wall; another person's token answers 404.
"""

from __future__ import annotations

from flask import Blueprint, abort, make_response, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from civic.accounts.reauth import recent_sign_in_required
from civic.core.permissions import Permission
from civic.core.time import utcnow
from civic.extensions import db
from civic.integrations import labels, permissions, queries, services
from civic.integrations.forms import TokenForm
from civic.integrations.models import ApiToken
from civic.web.access import permission_required, require, walled
from civic.web.forms import already_sent, form_status, post_button, refusal, remember_sent

bp = walled(Blueprint("integrations", __name__, url_prefix="/account/tokens"), Permission.use_api_tokens)


def load_own_token(token_id: int) -> ApiToken:
    """One of the current person's tokens: else 404, so nobody learns another's token exists."""
    token = queries.get_user_token(db.session, current_user.id, token_id)
    if token is None or not permissions.can_manage(current_user, token):
        abort(404)
    return token


def _page(form: TokenForm, status: int, created: services.NewToken | None = None, *, resent: bool = False):
    response = make_response(render_template(
        "integrations/tokens.html", form=form, tokens=queries.list_user_tokens(db.session, current_user.id),
        created=created, resent=resent, scopes=labels.SCOPES, statuses=labels.STATUSES, now=utcnow()), status)
    # The page may hold a secret shown once: no copy of it may be kept anywhere.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("", methods=["GET", "POST"])
@permission_required(Permission.use_api_tokens)
# A token acts as its holder for up to a year, past any sign-out: making one asks who is at the keyboard.
@recent_sign_in_required
def index():
    """The person's tokens and the form to make one; a new token's secret is shown in this answer only."""
    require(permissions.can_use_tokens(current_user))
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form, form_status(form))
    if already_sent(form.submission.data):
        return _page(TokenForm(formdata=None), 200, resent=True)
    with refusal(form, "name") as refused:
        created = services.create_token(db.session, form.token_input(), actor=current_user)
    if refused:
        return _page(form, 422)
    db.session.commit()
    remember_sent(form.submission.data)
    # A fresh, empty form under the secret, so the page never offers to send the same token again.
    return _page(TokenForm(formdata=None), 200, created=created)


@bp.post("/<int:token_id>/revoke")
@permission_required(Permission.use_api_tokens)
def revoke(token_id: int):
    """Revoke one of one's own tokens; it stops working at once."""
    token = load_own_token(token_id)
    return post_button(lambda: services.revoke_token(db.session, token, actor=current_user),
                       done=_("The token “%(name)s” is revoked: it no longer works.", name=token.name),
                       then=url_for("integrations.index"))
