"""The showcase's pages: published apps at /apps, one app, its screenshot, the data challenges; and
for anyone signed in, submitting an app, their own apps with what the moderators decided, changing
and withdrawing them."""

from __future__ import annotations

from io import BytesIO

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from civic.core.text import parse_id
from civic.core.time import to_taipei, utcnow
from civic.extensions import db, limiter
from civic.showcase import endpoints, labels, permissions, queries, screenshots, services
from civic.showcase.forms import AppForm
from civic.showcase.models import ShowcaseApp
from civic.showcase.screenshots import CleanScreenshot
from civic.web.access import account_key, public, require, signed_in
from civic.web.forms import attach_rule_errors, post_button, refusal
from civic.web.paging import requested_page

bp = Blueprint("showcase", __name__)

# Room for a screenshot a few times larger than taken (so that it is refused with a message beside the
# field, the rest of the form kept) and for the text around it.
FORM_ROOM = 1024 * 1024
OVERSIZE_FACTOR = 5
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}


@bp.url_value_preprocessor
def _room_for_a_screenshot(endpoint: str | None, _values) -> None:
    """Let a form with its screenshot in. This runs before the application's ``before_request`` hooks
    (the input gate and the CSRF check read the form, which is when its size is checked)."""
    if endpoint in ("showcase.submit", "showcase.edit") and request.method == "POST":
        request.max_content_length = OVERSIZE_FACTOR * screenshots.largest_file() + FORM_ROOM


def _submission_limit() -> str:
    return current_app.config["APPS_SUBMIT_RATE_LIMIT"]


# Submitting and changing apps share one count per account: each sending decodes a picture.
_per_account = limiter.shared_limit(
    _submission_limit, scope="apps-submit", key_func=account_key("apps-submit"),
    methods=["POST"], exempt_when=lambda: not current_user.is_authenticated)


def _locale() -> str:
    return str(get_locale())


def _taipei_today():
    """Today in Taipei: the date challenges open and close by."""
    return to_taipei(utcnow()).date()


def _documented() -> list[endpoints.Endpoint]:
    return endpoints.documented_reads(current_app)


def _render(template: str, **context) -> str:
    return render_template(template, labels=labels, anchor=endpoints.anchor, **context)


# The public pages


@bp.get("/apps")
@public
def index():
    """Published apps, newest first, a page at a time; ``address`` keeps those reading one API
    address, ``challenge`` those entered in one challenge."""
    number = requested_page() or abort(404)
    endpoint = request.args.get("address", "").strip()[:200] or None
    challenge_arg = request.args.get("challenge", "").strip()
    challenge = None
    if challenge_arg:
        challenge_id = parse_id(challenge_arg)
        if challenge_id is None:
            abort(400)
        challenge = queries.get_challenge(db.session, challenge_id) or abort(404)
    page = queries.list_published_apps(db.session, endpoint=endpoint, challenge_id=challenge.id if challenge else None,
                                       page=number)
    # Not "endpoint": base.html names the request's endpoint so.
    return _render("showcase/index.html", page=page, address=endpoint, challenge=challenge,
                   endpoint_counts=queries.endpoint_counts(db.session),
                   challenges=queries.list_challenges_with_apps(db.session),
                   challenge_counts=queries.challenge_app_counts(db.session))


def _visible_app(app_id: int) -> ShowcaseApp:
    app = queries.get_app(db.session, app_id)
    if app is None or not permissions.can_see(current_user, app):
        abort(404)
    return app


@bp.get("/apps/<int:app_id>")
@public
def detail(app_id: int):
    """One app: its links, licence, screenshot, the API addresses it reads and the challenge it entered.
    Only published apps are public; its maker and the moderators see the others."""
    app = _visible_app(app_id)
    summaries = {item.path: item.summary for item in _documented()}
    return _render("showcase/detail.html", app=app, summaries=summaries,
                   is_maker=permissions.is_maker(current_user, app))


@bp.get("/apps/<int:app_id>/screenshot")
@public
def screenshot(app_id: int):
    """The app's screenshot (``size=small``: the cards' copy), to whoever may see the app."""
    size = request.args.get("size", "")
    if size not in ("", "small"):
        abort(404)
    small = size == "small"
    suffix = "-small" if small else ""
    shot = queries.get_screenshot(db.session, app_id)
    if shot is None or not permissions.can_see(current_user, shot.app):
        abort(404)
    if request.if_none_match.contains_weak(f"{shot.digest}{suffix}"):
        # The copy the browser or cache holds is still the one: no bytes are read.
        response = current_app.response_class(status=304)
        response.set_etag(f"{shot.digest}{suffix}")
    else:
        found = queries.screenshot_bytes(db.session, app_id, small=small) or abort(404)
        content, digest = found
        response = send_file(BytesIO(content), mimetype=shot.media_type,
                             download_name=f"app-{app_id}{suffix}.{EXTENSIONS[shot.media_type]}",
                             etag=f"{digest}{suffix}", conditional=True, max_age=None)
    # Every use asks again (a 304 when unchanged), so an app taken down takes its picture with it; a
    # shared cache may keep a published app's, never another's.
    response.cache_control.no_cache = True
    response.cache_control.max_age = None
    response.cache_control.public = shot.app.is_published
    response.cache_control.private = not shot.app.is_published
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/apps/challenges")
@public
def challenges():
    """The data challenges: open now, coming up, and closed, by the date in Taipei."""
    number = requested_page() or abort(404)
    listing = queries.list_challenges(db.session, _taipei_today(), past_page=number)
    return _render("showcase/challenges.html", listing=listing, counts=queries.challenge_app_counts(db.session))


# A maker's own apps


def _app_form(app: ShowcaseApp | None = None) -> AppForm:
    form = AppForm(obj=app) if app is not None else AppForm()
    if app is not None and not form.is_submitted():
        form.endpoints.data = app.endpoint_paths
        form.challenge.data = str(app.challenge_id) if app.challenge_id else ""
    locale = _locale()
    # A changed app keeps the challenge it entered, even one that has closed since.
    enterable = queries.list_enterable_challenges(db.session, _taipei_today(),
                                                  entered=app.challenge_id if app is not None else None)
    form.set_choices(endpoints=[(item.path, item.summary) for item in _documented()],
                     challenges=[(challenge.id, challenge.title(locale)) for challenge in enterable])
    return form


def _chosen_screenshot(form: AppForm, *, required: bool) -> CleanScreenshot | bool | None:
    """The cleaned screenshot chosen in ``form``; None when none was chosen and none is needed; False
    (with the reason beside the field) when the one chosen is refused or one is needed."""
    storage = form.screenshot.data
    content = storage.read(screenshots.largest_file() + 1) if storage and getattr(storage, "filename", "") else b""
    if not content and not required:
        return None
    result = screenshots.clean(content)
    if isinstance(result, CleanScreenshot):
        return result
    form.screenshot.errors = [*form.screenshot.errors, result.message]
    return False


def _checked(form: AppForm, *, required: bool, entered: int | None = None) -> CleanScreenshot | bool | None:
    """Check the whole form at once: its fields, the app's rules and the screenshot, so that one sending
    shows every problem. Returns the screenshot as ``_chosen_screenshot`` does, False on any problem."""
    valid = form.validate()
    valid = attach_rule_errors(form, services.app_errors(
        db.session, form.app_input(), documented=[item.path for item in _documented()], today=_taipei_today(),
        entered=entered), "name") and valid
    picture = _chosen_screenshot(form, required=required)
    return False if not valid or picture is False else picture


def _show_form(form: AppForm, app: ShowcaseApp | None, status: int):
    return _render("showcase/form.html", form=form, app=app,
                   largest_mb=screenshots.megabytes(screenshots.largest_file())), status


@bp.route("/apps/submit", methods=["GET", "POST"])
@signed_in
@_per_account
def submit():
    """Submit an app built on the data; it waits for a moderator before anyone else sees it."""
    require(permissions.can_submit(current_user))
    form = _app_form()
    if not form.is_submitted():
        return _show_form(form, None, 200)
    picture = _checked(form, required=True)
    if picture is False or picture is None:
        return _show_form(form, None, 422)
    with refusal(form, "name") as refused:
        services.submit_app(db.session, form.app_input(), picture, actor=current_user,
                            documented=[item.path for item in _documented()], today=_taipei_today())
    if refused:
        return _show_form(form, None, 422)
    db.session.commit()
    flash(_("Thank you. Your app waits for a moderator; you will get an email when it is published."), "success")
    return redirect(url_for("showcase.mine"))


def _own_app(app_id: int) -> ShowcaseApp:
    app = queries.get_app(db.session, app_id)
    if app is None or not permissions.is_maker(current_user, app):
        abort(404)
    return app


@bp.route("/apps/<int:app_id>/edit", methods=["GET", "POST"])
@signed_in
@_per_account
def edit(app_id: int):
    """Change one's own app; it goes back to the moderators, and is not public until approved again."""
    app = _own_app(app_id)
    form = _app_form(app)
    if not form.is_submitted():
        return _show_form(form, app, 200)
    picture = _checked(form, required=False, entered=app.challenge_id)
    if picture is False:
        return _show_form(form, app, 422)
    with refusal(form, "name") as refused:
        sent = services.edit_app(db.session, app, form.app_input(), picture or None, actor=current_user,
                                 documented=[item.path for item in _documented()], today=_taipei_today())
    if refused:
        return _show_form(form, _own_app(app_id), 422)
    if not sent:
        flash(_("Nothing was changed, so the app stays as it was."), "success")
        return redirect(url_for("showcase.mine"))
    db.session.commit()
    flash(_("Your changes wait for a moderator; until one approves them, the app is not shown publicly."),
          "success")
    return redirect(url_for("showcase.mine"))


@bp.post("/apps/<int:app_id>/withdraw")
@signed_in
def withdraw(app_id: int):
    """Take one's own app off the showcase, or out of the moderators' queue."""
    app = _own_app(app_id)
    return post_button(lambda: services.withdraw_app(db.session, app, actor=current_user),
                       done=_("The app is withdrawn. Change it to send it to the moderators again."),
                       then=url_for("showcase.mine"))


@bp.get("/apps/mine")
@signed_in
def mine():
    """The apps one has submitted, with what the moderators decided and why."""
    number = requested_page() or abort(404)
    return _render("showcase/mine.html", page=queries.list_own_apps(db.session, current_user.id, page=number))
