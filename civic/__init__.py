"""civic: open data and public participation for public-procurement integrity platforms."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

import config as settings

ROOT = Path(__file__).resolve().parent.parent


class ConfigurationError(RuntimeError):
    """The application cannot start with the configuration it was given."""


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, commands, error pages."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    environment = (test_config or {}).get("CIVIC_ENV") or settings.environment_name()
    if environment not in settings.CONFIGS:
        raise ConfigurationError(
            f"CIVIC_ENV must be one of {', '.join(settings.CONFIGS)}, not {environment!r}"
        )
    app.config.from_object(settings.CONFIGS[environment])
    if test_config:
        app.config.update(test_config)
    _check_configuration(app)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config["SQLALCHEMY_DATABASE_URI"] = settings.database_url(
        app.config.get("DATABASE_URL"), Path(app.instance_path)
    )
    logging.basicConfig(level=logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("civic").setLevel(logging.INFO)

    from civic.web import access_log, cookies, page_cache

    app.request_class = access_log.PrivateRequest
    cookies.init_app(app)

    # Shared copies of public pages sit behind ProxyFix, so they are kept per real scheme and host.
    app.wsgi_app = page_cache.SharedCopies(app, app.wsgi_app)
    if app.config.get("PROXY_HOPS"):
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    _init_extensions(app)
    _init_templates(app)
    _register_blueprints(app)
    _register_commands(app)
    return app


def _check_configuration(app: Flask) -> None:
    if app.config["CIVIC_ENV"] == "production" and not app.config.get("SECRET_KEY"):
        raise ConfigurationError("SECRET_KEY must be set when CIVIC_ENV=production")
    if app.config["CIVIC_ENV"] == "production" and not app.config.get("REPORTS_KEY"):
        raise ConfigurationError("REPORTS_KEY must be set when CIVIC_ENV=production")
    for switch in ("WEBHOOKS_ALLOW_PRIVATE", "WEBHOOKS_ALLOW_HTTP"):
        # Either would let a hook reach the machines next to the server (or send in the clear).
        if app.config["CIVIC_ENV"] == "production" and app.config.get(switch):
            raise ConfigurationError(f"{switch} is for development only and may not be set when CIVIC_ENV=production")
    from civic.integrations.sender import MAX_DEADLINE

    if not 0 < app.config.get("WEBHOOKS_DEADLINE", 0) <= MAX_DEADLINE:
        raise ConfigurationError(f"WEBHOOKS_DEADLINE must be more than 0 and at most {MAX_DEADLINE:g} seconds")
    if app.config.get("REPORTS_KEY"):
        from civic.reports.crypto import ReportsKeyError, check_keys

        try:
            check_keys(app.config["REPORTS_KEY"])
        except ReportsKeyError as error:
            raise ConfigurationError(str(error)) from error


def _init_extensions(app: Flask) -> None:
    from civic.accounts.sessions import init_login
    from civic.api import bulk_files
    from civic.cases.history import install as install_history_guard
    from civic.core.db import configure_sqlite, include_object, render_item
    from civic.extensions import babel, cache, csrf, db, limiter, mail, migrate
    from civic.integrations.line import hooks as line_hooks
    from civic.procurement import record as procurement_record
    from civic.search.indexing import install as install_search_index
    from civic.site import page_tags
    from civic.web import access_log, errors, input_gate, locale, page_cache, security

    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True,
                     compare_type=True, render_item=render_item,
                     include_object=include_object)
    input_gate.init_app(app)
    csrf.init_app(app)
    mail.init_app(app)
    babel.init_app(app, locale_selector=locale.select_locale)
    # Registered before the limiter so that it runs after the limiter's own header hook.
    app.after_request(errors.retry_after_only_where_meant)
    limiter.init_app(app)
    cache.init_app(app)
    init_login(app)
    install_search_index()
    install_history_guard()
    procurement_record.install()
    # LINE notices: person-facing mail copied to the outbox's LINE channel, and its sender in `mail send`.
    line_hooks.init_app(app)
    # The cached public pages show cases, their threads, agencies, workshops, pledges and commitments.
    page_cache.install(tags_of=page_tags.changed)
    # The bulk files show the same domains; a commit that changes them marks the files stale.
    bulk_files.install()
    locale.init_app(app)
    security.init_app(app)
    access_log.install_werkzeug_filter()
    errors.init_app(app)
    _import_models()


def _import_models() -> None:
    """Import every model module so metadata (and Alembic) knows all tables."""
    import civic.accounts.models
    import civic.agencies.models
    import civic.api.usage
    import civic.cases.models
    import civic.commitments.models
    import civic.consultations.models
    import civic.core.audit
    import civic.core.clock
    import civic.core.fulltext
    import civic.feedback.models
    import civic.integrations.line.models
    import civic.integrations.models
    import civic.notifications.models
    import civic.pledges.models
    import civic.procurement.models
    import civic.reports.models
    import civic.showcase.models
    import civic.workshops.models  # noqa: F401


def _init_templates(app: Flask) -> None:
    from govuk_frontend_wtf.main import WTFormsHelpers

    from civic.web import templating

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(ROOT / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    WTFormsHelpers(app)
    templating.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from civic.accounts.two_factor_views import bp as two_factor_bp
    from civic.accounts.views import bp as accounts_bp
    from civic.admin.agency_views import bp as admin_agencies_bp
    from civic.admin.app_views import bp as admin_apps_bp
    from civic.admin.calendar_views import bp as admin_calendar_bp
    from civic.admin.challenge_views import bp as admin_challenges_bp
    from civic.admin.commitment_views import bp as admin_commitments_bp
    from civic.admin.consultation_views import bp as admin_consultations_bp
    from civic.admin.people_views import bp as admin_people_bp
    from civic.admin.pledge_views import bp as admin_pledges_bp
    from civic.admin.sector_views import bp as admin_sectors_bp
    from civic.admin.trail_views import bp as admin_trail_bp
    from civic.admin.views import bp as admin_bp
    from civic.api.feeds import feeds_bp
    from civic.api.views import bp as api_bp
    from civic.cases.staff_views import bp as cases_manage_bp
    from civic.cases.views import bp as cases_bp
    from civic.commitments.views import bp as commitments_bp
    from civic.consultations.staff_views import bp as consultations_staff_bp
    from civic.consultations.views import bp as consultations_bp
    from civic.feedback.moderation_views import bp as moderation_bp
    from civic.feedback.staff_views import bp as feedback_staff_bp
    from civic.feedback.views import bp as feedback_bp
    from civic.integrations.line.views import bp as line_bp
    from civic.integrations.views import bp as integrations_bp
    from civic.integrations.webhook_views import bp as webhooks_bp
    from civic.pledges.views import bp as pledges_bp
    from civic.reports.notice_views import bp as report_notice_bp
    from civic.reports.staff_views import bp as integrity_bp
    from civic.reports.views import bp as reports_bp
    from civic.search.views import bp as search_bp
    from civic.showcase.views import bp as showcase_bp
    from civic.site.activity import bp as activity_bp
    from civic.site.agencies import bp as agencies_bp
    from civic.site.case_list import bp as case_list_bp
    from civic.site.case_page import bp as case_page_bp
    from civic.site.views import bp as site_bp
    from civic.workshops.staff_views import bp as workshops_staff_bp
    from civic.workshops.views import bp as workshops_bp

    for blueprint in (site_bp, accounts_bp, two_factor_bp, case_list_bp, cases_bp, case_page_bp, cases_manage_bp,
                      agencies_bp, admin_bp, feedback_bp, feedback_staff_bp, moderation_bp, admin_agencies_bp,
                      admin_people_bp, admin_trail_bp, admin_sectors_bp, admin_calendar_bp, pledges_bp,
                      admin_pledges_bp, search_bp, api_bp, feeds_bp, workshops_bp, workshops_staff_bp, commitments_bp,
                      admin_commitments_bp, activity_bp, consultations_bp, consultations_staff_bp,
                      admin_consultations_bp, reports_bp, integrity_bp, report_notice_bp, integrations_bp,
                      line_bp, webhooks_bp):
        app.register_blueprint(blueprint)
    # The showcase of apps built on the data, its moderation and the data challenges.
    for blueprint in (showcase_bp, admin_apps_bp, admin_challenges_bp):
        app.register_blueprint(blueprint)
    # The write API, with personal access tokens: after the read API, which shares some of its addresses.
    from civic.api.write_views import bp as api_write_bp

    app.register_blueprint(api_write_bp)


def _register_commands(app: Flask) -> None:
    from civic.accounts.cli import users_cli
    from civic.api.cli import api_cli, exports_cli
    from civic.cases.cli import cases_cli, history_cli
    from civic.demo.cli import demo_cli
    from civic.digests.cli import digests_cli
    from civic.digests.cli import register as register_digests
    from civic.feedback.cli import calendar_cli, deadlines_cli
    from civic.integrations.cli import webhooks_cli
    from civic.integrations.line.cli import line_cli
    from civic.integrations.sender import register as register_webhook_sender
    from civic.notifications.cli import mail_cli
    from civic.procurement.cli import procurement_cli
    from civic.reports.cli import reports_cli
    from civic.search.cli import search_cli
    from civic.workshops.cli import workshops_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(line_cli)
    app.cli.add_command(webhooks_cli)
    # `mail send` runs the webhook sender too, after the mail.
    register_webhook_sender(app)
    app.cli.add_command(demo_cli)
    app.cli.add_command(deadlines_cli)
    app.cli.add_command(digests_cli)
    # `mail send` sends the digests that are due too, after the webhooks.
    register_digests(app)
    app.cli.add_command(search_cli)
    app.cli.add_command(workshops_cli)
    app.cli.add_command(history_cli)
    app.cli.add_command(cases_cli)
    app.cli.add_command(calendar_cli)
    app.cli.add_command(exports_cli)
    app.cli.add_command(api_cli)
    app.cli.add_command(reports_cli)
    app.cli.add_command(procurement_cli)
