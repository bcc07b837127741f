"""Configuration: PECR_ variables are honoured, and production refuses default or missing secrets."""

from __future__ import annotations

import os

import pytest

from provider.settings import DEVELOPMENT_MASTER_KEY, DEVELOPMENT_SECRET, InsecureConfiguration, Settings
from tests.provider.test_console import run_pecr

PRIVATE_SECRET = "a-private-secret-key-0123456789abcdef"
PRIVATE_MASTER_KEY = "a-private-master-key-0123456789abcdef"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    """Start every test from an environment with no PECR_ variables (CI sets some)."""
    for name in [n for n in os.environ if n.startswith("PECR_")]:
        monkeypatch.delenv(name)
    return monkeypatch


def test_laptop_defaults_need_no_configuration():
    settings = Settings()
    assert settings.env == "development"
    assert settings.database_url == "sqlite:///./pecr.db"
    assert settings.timezone == "Europe/London"
    assert settings.secret_key.get_secret_value() == DEVELOPMENT_SECRET
    assert settings.master_key_value() == DEVELOPMENT_MASTER_KEY
    assert not settings.smtp_configured


def test_environment_variables_are_honoured(clean_environment):
    values = {
        "PECR_DATABASE_URL": "postgresql+psycopg://pecr@db.internal:5432/pecr",
        "PECR_SECRET_KEY": PRIVATE_SECRET,
        "PECR_MASTER_KEY": PRIVATE_MASTER_KEY,
        "PECR_TIMEZONE": "Europe/Dublin",
        "PECR_SMTP_HOST": "smtp.example.net",
        "PECR_SMTP_PORT": "2525",
        "PECR_SMTP_USERNAME": "mailer",
        "PECR_SMTP_PASSWORD": "smtp-password",
        "PECR_SMTP_STARTTLS": "false",
        "PECR_SMTP_SENDER": "compliance@example.net",
    }
    for name, value in values.items():
        clean_environment.setenv(name, value)
    settings = Settings()
    assert settings.database_url == values["PECR_DATABASE_URL"]
    assert settings.secret_key.get_secret_value() == PRIVATE_SECRET
    assert settings.master_key_value() == PRIVATE_MASTER_KEY
    assert settings.zone.key == "Europe/Dublin"
    assert (settings.smtp_host, settings.smtp_port, settings.smtp_username) == ("smtp.example.net", 2525, "mailer")
    assert settings.smtp_password.get_secret_value() == "smtp-password"
    assert settings.smtp_starttls is False
    assert settings.smtp_sender == "compliance@example.net"
    assert settings.smtp_configured


def test_secrets_are_not_shown_when_settings_are_printed(clean_environment):
    clean_environment.setenv("PECR_SECRET_KEY", PRIVATE_SECRET)
    clean_environment.setenv("PECR_MASTER_KEY", PRIVATE_MASTER_KEY)
    shown = repr(Settings())
    assert PRIVATE_SECRET not in shown and PRIVATE_MASTER_KEY not in shown


def test_master_key_can_come_from_a_file(clean_environment, tmp_path):
    key_file = tmp_path / "master.key"
    key_file.write_text(PRIVATE_MASTER_KEY + "\n", encoding="utf-8")
    clean_environment.setenv("PECR_MASTER_KEY_FILE", str(key_file))
    assert Settings().master_key_value() == PRIVATE_MASTER_KEY


@pytest.mark.parametrize(
    ("secret_key", "master_key", "named"),
    [
        (None, PRIVATE_MASTER_KEY, "PECR_SECRET_KEY"),
        ("", PRIVATE_MASTER_KEY, "PECR_SECRET_KEY"),
        (DEVELOPMENT_SECRET, PRIVATE_MASTER_KEY, "PECR_SECRET_KEY"),
        (PRIVATE_SECRET, None, "PECR_MASTER_KEY"),
        (PRIVATE_SECRET, "", "PECR_MASTER_KEY"),
        (PRIVATE_SECRET, DEVELOPMENT_MASTER_KEY, "PECR_MASTER_KEY"),
    ],
    ids=["secret-missing", "secret-empty", "secret-default", "master-missing", "master-empty", "master-default"],
)
def test_production_refuses_a_default_or_missing_secret(clean_environment, secret_key, master_key, named):
    clean_environment.setenv("PECR_ENV", "production")
    if secret_key is not None:
        clean_environment.setenv("PECR_SECRET_KEY", secret_key)
    if master_key is not None:
        clean_environment.setenv("PECR_MASTER_KEY", master_key)
    with pytest.raises(InsecureConfiguration, match=named):
        Settings()


def test_production_refuses_a_key_file_holding_the_default(clean_environment, tmp_path):
    key_file = tmp_path / "master.key"
    key_file.write_text(DEVELOPMENT_MASTER_KEY, encoding="utf-8")
    clean_environment.setenv("PECR_ENV", "production")
    clean_environment.setenv("PECR_SECRET_KEY", PRIVATE_SECRET)
    clean_environment.setenv("PECR_MASTER_KEY_FILE", str(key_file))
    with pytest.raises(InsecureConfiguration, match="PECR_MASTER_KEY"):
        Settings()


def test_production_starts_with_private_secrets(clean_environment, tmp_path):
    key_file = tmp_path / "master.key"
    key_file.write_text(PRIVATE_MASTER_KEY, encoding="utf-8")
    clean_environment.setenv("PECR_ENV", "production")
    clean_environment.setenv("PECR_SECRET_KEY", PRIVATE_SECRET)
    clean_environment.setenv("PECR_MASTER_KEY_FILE", str(key_file))
    clean_environment.setenv("PECR_KEY_STORE", str(_private_directory(tmp_path / "keys")))
    settings = Settings()
    assert settings.env == "production"
    assert settings.master_key_value() == PRIVATE_MASTER_KEY


def test_the_pecr_command_will_not_start_in_production_with_default_secrets(tmp_path):
    """The check runs where operators meet it: the process exits non-zero, names the variable, touches nothing."""
    database = tmp_path / "production.db"
    result = run_pecr(
        "db", "upgrade", database_url=f"sqlite:///{database}", cwd=tmp_path, environment={"PECR_ENV": "production"}
    )
    assert result.returncode != 0
    assert "PECR_SECRET_KEY" in result.stderr
    assert not database.exists()


def test_the_pecr_command_starts_in_production_with_private_secrets(tmp_path):
    database = tmp_path / "production.db"
    result = run_pecr(
        "db",
        "upgrade",
        database_url=f"sqlite:///{database}",
        cwd=tmp_path,
        environment={
            "PECR_ENV": "production",
            "PECR_SECRET_KEY": PRIVATE_SECRET,
            "PECR_MASTER_KEY": PRIVATE_MASTER_KEY,
            "PECR_KEY_STORE": str(_private_directory(tmp_path / "keys")),
        },
    )
    assert result.returncode == 0, result.stderr
    assert database.stat().st_size > 0


def _private_directory(path):
    path.mkdir(mode=0o700)
    path.chmod(0o700)  # whatever the umask
    return path


@pytest.mark.parametrize(
    ("make", "named"),
    [
        (lambda _path: None, "does not exist"),  # most likely an unmounted volume: new keys would orphan the records
        (lambda path: path.write_text("not a directory"), "must be a directory"),
        (lambda path: (path.mkdir(), path.chmod(0o755)), "private"),  # others could read the wrapped keys
        (lambda path: (path.mkdir(), path.chmod(0o750)), "private"),
    ],
    ids=["missing", "a-file", "world-readable", "group-readable"],
)
def test_production_refuses_a_key_store_that_is_missing_not_a_directory_or_not_private(
    clean_environment, tmp_path, make, named
):
    clean_environment.setenv("PECR_ENV", "production")
    clean_environment.setenv("PECR_SECRET_KEY", PRIVATE_SECRET)
    clean_environment.setenv("PECR_MASTER_KEY", PRIVATE_MASTER_KEY)
    clean_environment.setenv("PECR_KEY_STORE", str(tmp_path / "keys"))
    make(tmp_path / "keys")
    with pytest.raises(InsecureConfiguration, match=named):
        Settings()
