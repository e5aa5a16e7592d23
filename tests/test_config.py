"""Configuration: environments, database URLs, the production secret."""

import pytest

import config
from civic import ConfigurationError, create_app


def test_plain_postgresql_urls_are_accepted_as_given(tmp_path):
    assert config.database_url("postgresql://u@h/db", tmp_path) == "postgresql+psycopg://u@h/db"
    assert config.database_url("postgres://u@h/db", tmp_path) == "postgresql+psycopg://u@h/db"
    assert config.database_url(None, tmp_path).startswith("sqlite:///")
    assert config.database_url("sqlite:///x.db", tmp_path) == "sqlite:///x.db"


def test_production_refuses_to_start_without_a_secret_key():
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app({"CIVIC_ENV": "production", "SECRET_KEY": None})


def test_production_sends_secure_cookies_and_hsts(tmp_path):
    app = create_app({"CIVIC_ENV": "production", "SECRET_KEY": "x" * 32,
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite3'}"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/login")
    assert "max-age" in response.headers["Strict-Transport-Security"]


def test_an_unknown_environment_is_refused():
    with pytest.raises(ConfigurationError):
        create_app({"CIVIC_ENV": "staging"})
