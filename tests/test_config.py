"""Configuration: environments, database URLs, the production secret."""

import pytest
from cryptography.fernet import Fernet

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


def test_production_refuses_to_start_without_a_key_for_the_reports():
    with pytest.raises(ConfigurationError, match="REPORTS_KEY"):
        create_app({"CIVIC_ENV": "production", "SECRET_KEY": "x" * 32, "REPORTS_KEY": ""})


@pytest.mark.parametrize("keys", ["not-a-key", "dGVzdGluZy1vbmx5LXJlcG9ydHMta2V5LTAwMDAwMDA=,short"],
                         ids=["not a key", "a key and a short one"])
def test_a_reports_key_that_is_not_a_fernet_key_is_refused_at_start(keys):
    with pytest.raises(ConfigurationError, match="REPORTS_KEY"):
        create_app({"CIVIC_ENV": "development", "REPORTS_KEY": keys})


def test_production_sends_secure_cookies_and_hsts(tmp_path):
    app = create_app({"CIVIC_ENV": "production", "SECRET_KEY": "x" * 32, "REPORTS_KEY": Fernet.generate_key().decode(),
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite3'}"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/login")
    assert "max-age" in response.headers["Strict-Transport-Security"]


def test_an_unknown_environment_is_refused():
    with pytest.raises(ConfigurationError):
        create_app({"CIVIC_ENV": "staging"})
