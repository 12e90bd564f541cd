"""The ``signage`` commands of CONTRACT.md, through Flask's CLI runner."""

from __future__ import annotations

import json

import sqlalchemy as sa
from flask import Flask

from signage_server import migrations
from signage_server.accounts.models import User
from signage_server.extensions import db
from signage_server.orgs.models import Org
from tests.conftest import Demo


def run(app: Flask, *args: str, input: str | None = None) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=list(args), input=input)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def test_init_db_is_idempotent(app: Flask) -> None:
    code, output = run(app, "init-db")
    assert code == 0
    assert "up to date" in output
    with app.app_context():
        assert migrations.current(db.engine) == migrations.head()


def test_seed_demo_is_idempotent(app: Flask) -> None:
    code, first = run(app, "seed-demo")
    assert code == 0
    assert "31 organisations and 36 users created" in first
    assert "jiyi01_approver" in first and "王建国（村党支部书记）" in first
    code, second = run(app, "seed-demo")
    assert "0 organisations and 0 users created (31 and 36 in all)" in second
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Org)) == 31
        grants = db.session.scalars(sa.select(User)).all()
        assert sum(len(u.grants) for u in grants) == 36


def test_demo_users_follow_the_contract(app: Flask, demo: Demo) -> None:
    expected = {"admin"} | {
        f"{prefix}_{role}"
        for prefix in ("xian", "jiyi", "jiyi01")
        for role in (
            "editor",
            "reviewer",
            "approver",
            "superior",
            "operator",
            "handler",
            "discipline",
            "supervisor",
            "admin",
        )
    }
    # The bilingual villages: the people of their procedure.
    expected |= {
        f"{prefix}_{role}"
        for prefix in ("yuepuhu01", "bayan01")
        for role in ("editor", "reviewer", "approver", "operator")
    }
    with app.app_context():
        names = set(db.session.scalars(sa.select(User.username)))
        assert names == expected


def test_user_create_reads_password_from_stdin(app: Flask, demo: Demo) -> None:
    code, output = run(
        app,
        "user",
        "create",
        "jiyi02_editor",
        "--org",
        "JIYI-02",
        "--role",
        "editor",
        "--role",
        "handler",
        "--display-name",
        "刘芳（东王庄村报账员）",
        input="Dongwang-2026!\n",
    )
    assert code == 0, output
    assert "Created user jiyi02_editor at JIYI-02 (editor, handler)" in output
    client = app.test_client()
    demo.login(client, "jiyi02_editor", "Dongwang-2026!")


def test_user_create_errors(app: Flask, demo: Demo) -> None:
    code, output = run(
        app, "user", "create", "x_y", "--org", "JIYI", "--role", "king", input="pw\n"
    )
    assert code != 0 and "unknown role(s): king" in output
    code, output = run(app, "user", "create", "x_y", "--org", "NOPE", input="Some-pass-123\n")
    assert code != 0 and "no organisation with code NOPE" in output
    code, output = run(app, "user", "create", "x_y", "--org", "JIYI", input="short\n")
    assert code != 0 and "at least 10 characters" in output
    code, output = run(
        app, "user", "create", "jiyi_editor", "--org", "JIYI", input="Some-pass-123\n"
    )
    assert code != 0 and "taken" in output


def test_token_create_list_revoke(app: Flask, demo: Demo) -> None:
    code, output = run(app, "token", "create", "jiyi_editor")
    assert code == 0
    token = output.strip()
    assert token.startswith("sgn_")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/orgs", headers=headers).get_json()["count"] == 22
    code, listing = run(app, "token", "list", "jiyi_editor")
    assert token[:12] in listing and token not in listing and "active" in listing
    token_id = listing.split()[0]
    assert run(app, "token", "revoke", token_id)[0] == 0
    assert client.get("/api/v1/orgs", headers=headers).status_code == 401
    assert run(app, "token", "create", "nobody")[0] != 0


def test_user_grant_list_and_org_list(app: Flask, demo: Demo) -> None:
    assert (
        run(app, "user", "grant", "jiyi01_editor", "--org", "JIYI-02", "--role", "editor")[0] == 0
    )
    _code, listing = run(app, "user", "list")
    assert "editor@JIYI-01, editor@JIYI-02" in listing
    _code, tree = run(app, "org", "list")
    lines = tree.splitlines()
    assert lines[0].startswith("XIAN")
    assert any(line.startswith("    JIYI-19") and "河东村" in line for line in lines)


def test_user_passwd(app: Flask, demo: Demo) -> None:
    code, _ = run(app, "user", "passwd", "jiyi_editor", input="Changed-pass-9\n")
    assert code == 0
    demo.login(app.test_client(), "jiyi_editor", "Changed-pass-9")


def test_help_lists_contract_commands(app: Flask) -> None:
    from click.testing import CliRunner

    from signage_server.cli.root import COMMANDS

    names = {c.name for c in COMMANDS}
    assert {"init-db", "seed-demo", "serve", "demo", "user", "token"} <= names
    out = CliRunner().invoke(COMMANDS[0], ["--help"]).output
    assert "Alembic" in out
    json.dumps(sorted(n for n in names if n))


def test_a_new_installation_starts_with_org_create(app: Flask) -> None:
    """Without the demo: the county, a township, the first admin."""
    assert run(app, "org", "create", "QY", "--name", "青云县", "--kind", "county")[0] == 0
    code, output = run(
        app, "org", "create", "QY-A", "--name", "安乐镇", "--kind", "township", "--parent", "QY"
    )
    assert code == 0
    assert "Created QY-A 安乐镇 (township)" in output
    code, output = run(
        app, "org", "create", "QY-B", "--name", "坏", "--kind", "village", "--parent", "QY"
    )
    assert code != 0
    assert "cannot be placed" in output
    code, output = run(
        app, "org", "create", "QY-C", "--name", "x", "--kind", "village", "--parent", "NONE"
    )
    assert code != 0
    assert (
        run(
            app,
            "user",
            "create",
            "qy_admin",
            "--org",
            "QY",
            "--role",
            "admin",
            input="First-admin-1\n",
        )[0]
        == 0
    )
    client = app.test_client()
    from tests.conftest import post_form

    response = post_form(client, "/login", {"username": "qy_admin", "password": "First-admin-1"})
    assert response.status_code == 302
    assert "安乐镇" in client.get("/admin/orgs").get_data(as_text=True)
