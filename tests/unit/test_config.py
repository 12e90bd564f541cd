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


def test_production_hashes_passwords_at_full_cost(tmp_path: Path) -> None:
    """The tests hash with cheap argon2 parameters (conftest.FAST_HASHING); a server left to
    its defaults uses RFC 9106's second recommendation."""
    from signage_server import create_app
    from signage_server import services
    from signage_server.accounts.services import Passwords

    settings = load_settings({})
    assert (
        settings.argon2_time_cost,
        settings.argon2_memory_cost,
        settings.argon2_parallelism,
    ) == (
        3,
        65536,
        4,
    )
    app = create_app(
        {
            "env": "production",
            "secret_key": "x" * 40,
            "data_dir": str(tmp_path),
            "log_level": "WARNING",
        }
    )
    hasher = services.get(Passwords, app).hasher
    assert (hasher.time_cost, hasher.memory_cost, hasher.parallelism) == (3, 65536, 4)
    assert services.get(Passwords, app).hash("x").startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_the_test_clock_is_refused_in_production(tmp_path: Path) -> None:
    clock = str(tmp_path / "clock")
    assert load_settings({"SIGNAGE_TEST_CLOCK": clock}).test_clock == clock
    with pytest.raises(ConfigError, match="SIGNAGE_TEST_CLOCK"):
        load_settings(
            {
                "SIGNAGE_ENV": "production",
                "SIGNAGE_SECRET_KEY": "x" * 40,
                "SIGNAGE_TEST_CLOCK": clock,
            }
        )


def test_the_bench_trigger_is_refused_in_production() -> None:
    assert load_settings({"SIGNAGE_BENCH_TRIGGER": "1"}).bench_trigger is True
    assert load_settings({}).bench_trigger is False
    with pytest.raises(ConfigError, match="SIGNAGE_BENCH_TRIGGER"):
        load_settings(
            {
                "SIGNAGE_ENV": "production",
                "SIGNAGE_SECRET_KEY": "x" * 40,
                "SIGNAGE_BENCH_TRIGGER": "1",
            }
        )


def test_an_app_reads_its_time_from_the_test_clock_file(tmp_path: Path) -> None:
    import datetime as dt

    from signage_server import create_app
    from signage_server import services
    from signage_server.clock import FileClock
    from signage_server.clock import SystemClock

    clock = FileClock(tmp_path / "clock")
    moment = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)
    clock.set(moment)
    app = create_app(
        {"test_clock": str(clock.path), "data_dir": str(tmp_path), "log_level": "WARNING"}
    )
    with app.app_context():
        assert services.now() == moment
        clock.advance(hours=1)
        assert services.now() == moment + dt.timedelta(hours=1)
    plain = create_app({"data_dir": str(tmp_path), "log_level": "WARNING"})
    assert isinstance(services.get(services.CLOCK, plain), SystemClock)


def test_the_scheduler_lease_lasts_30_seconds_unless_set() -> None:
    assert load_settings({}).scheduler_lease_seconds == 30
    assert load_settings({"SIGNAGE_SCHEDULER_LEASE_SECONDS": "90"}).scheduler_lease_seconds == 90
    with pytest.raises(ConfigError, match="SIGNAGE_SCHEDULER_LEASE_SECONDS must be at least 5"):
        load_settings({"SIGNAGE_SCHEDULER_LEASE_SECONDS": "2"})
