"""Settings from SIGNAGE_* variables: defaults, environment, overrides, failures."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from signage_server.config import ConfigError
from signage_server.config import load_settings
from signage_server.config import resolve_paths


def test_defaults() -> None:
    settings = load_settings({})
    assert settings.env == "development"
    assert settings.default_locale == "zh_Hans_CN"
    assert settings.timezone == "Asia/Shanghai"
    assert settings.redis_url == ""
    assert not settings.secure_cookies


def test_environment_then_overrides() -> None:
    environ = {
        "SIGNAGE_DATABASE_URL": "postgresql://db/signage",
        "SIGNAGE_TRUSTED_PROXIES": "1",
        "SIGNAGE_PUBLIC_URL": "https://gk.qingyuan.gov.cn",
        "SIGNAGE_LOGIN_RATE_LIMIT": "5 per minute",
        "OTHER": "ignored",
    }
    settings = load_settings(environ, {"login_rate_limit": "2 per minute"})
    assert settings.database_url == "postgresql://db/signage"
    assert settings.trusted_proxies == 1
    assert settings.secure_cookies
    assert settings.login_rate_limit == "2 per minute"


def test_malformed_values_name_the_variable() -> None:
    with pytest.raises(ConfigError, match="SIGNAGE_TRUSTED_PROXIES"):
        load_settings({"SIGNAGE_TRUSTED_PROXIES": "two"})
    with pytest.raises(ConfigError, match="SIGNAGE_ENV"):
        load_settings({"SIGNAGE_ENV": "staging"})
    with pytest.raises(ConfigError, match="unknown setting"):
        load_settings({}, {"no_such_thing": 1})


def test_production_needs_a_secret() -> None:
    with pytest.raises(ConfigError, match="SIGNAGE_SECRET_KEY"):
        load_settings({"SIGNAGE_ENV": "production"})
    assert load_settings({"SIGNAGE_ENV": "production", "SIGNAGE_SECRET_KEY": "x" * 40}).production


def test_development_secret_is_generated_once_and_private(tmp_path: Path) -> None:
    first = resolve_paths(load_settings({}), str(tmp_path))
    second = resolve_paths(load_settings({}), str(tmp_path))
    assert first.secret_key == second.secret_key and len(first.secret_key) >= 40
    mode = stat.S_IMODE((tmp_path / "secret_key").stat().st_mode)
    assert mode == 0o600
    assert first.database_url == f"sqlite:///{tmp_path / 'signage.db'}"


def test_data_dir_setting_wins(tmp_path: Path) -> None:
    settings = resolve_paths(load_settings({"SIGNAGE_DATA_DIR": str(tmp_path / "d")}), "/elsewhere")
    assert settings.data_dir == str(tmp_path / "d")
    assert (tmp_path / "d").is_dir()


def test_audit_key_is_generated_once_private_and_outside_the_database(tmp_path: Path) -> None:
    from signage_server.config import audit_key_bytes

    first = resolve_paths(load_settings({}), str(tmp_path))
    second = resolve_paths(load_settings({}), str(tmp_path))
    assert first.audit_key == second.audit_key and first.audit_key != first.secret_key
    assert stat.S_IMODE((tmp_path / "audit_key").stat().st_mode) == 0o600
    assert audit_key_bytes(first) == first.audit_key.encode()
    given = resolve_paths(load_settings({"SIGNAGE_AUDIT_KEY": "ab" * 32}), str(tmp_path))
    assert audit_key_bytes(given) == bytes.fromhex("ab" * 32)
    assert audit_key_bytes(
        resolve_paths(load_settings({"SIGNAGE_AUDIT_KEY": "村"}), str(tmp_path))
    ) == ("村".encode())


def test_login_lockout_settings() -> None:
    import datetime as dt

    default = load_settings({}).lockout
    assert (default.after, default.first, default.longest) == (
        5,
        dt.timedelta(minutes=1),
        dt.timedelta(days=1),
    )
    custom = load_settings(
        {
            "SIGNAGE_LOGIN_LOCKOUT_AFTER": "3",
            "SIGNAGE_LOGIN_LOCKOUT_MINUTES": "2",
            "SIGNAGE_LOGIN_LOCKOUT_MAX_MINUTES": "60",
        }
    ).lockout
    assert (custom.after, custom.first, custom.longest) == (
        3,
        dt.timedelta(minutes=2),
        dt.timedelta(hours=1),
    )
    with pytest.raises(ConfigError, match="SIGNAGE_LOGIN_LOCKOUT_MAX_MINUTES"):
        load_settings(
            {"SIGNAGE_LOGIN_LOCKOUT_MINUTES": "10", "SIGNAGE_LOGIN_LOCKOUT_MAX_MINUTES": "5"}
        )
    with pytest.raises(ConfigError, match="SIGNAGE_LOGIN_LOCKOUT_AFTER"):
        load_settings({"SIGNAGE_LOGIN_LOCKOUT_AFTER": "0"})
    with pytest.raises(ConfigError, match="SIGNAGE_SESSION_MAX_DAYS"):
        load_settings({"SIGNAGE_SESSION_MAX_DAYS": "0"})


def test_a_relative_data_dir_is_taken_from_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings({"SIGNAGE_DATA_DIR": "instance"})
    assert settings.data_dir == str(tmp_path / "instance")
