"""The one CLI error translation (``signage_server/cli/base.py``): a service's DomainError
becomes ``Error: …`` with exit status 1, in the command line's language whatever the
installation's default language, and what the command had written is rolled back."""

from __future__ import annotations

from typing import Any

import click
import pytest
import sqlalchemy as sa
from click.testing import Result
from flask import Flask

from signage_server.cli.base import Command
from signage_server.cli.base import Group
from signage_server.errors import BadRequest
from signage_server.errors import Conflict
from signage_server.extensions import db
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.orgs.rules import OrgKind


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    return {"default_locale": "zh_Hans_CN"}  # the catalog has these messages in Chinese


def invoke(app: Flask, command: click.Command, *args: str) -> Result:
    return app.test_cli_runner().invoke(command, list(args))


def orgs(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(sa.select(sa.func.count()).select_from(Org)) or 0)


def test_a_refusal_is_an_english_error_and_nothing_it_wrote_stays(app: Flask) -> None:
    @click.command("refused", cls=Command)
    def refused() -> None:
        db.session.add(Org(code="QY", name="青云县", kind=OrgKind.COUNTY))
        db.session.flush()
        raise Conflict(N_("The user name %(username)s is taken."), username="qy_admin")

    before = orgs(app)
    result = invoke(app, refused)
    assert (result.exit_code, result.output) == (1, "Error: The user name qy_admin is taken.\n")
    assert "Traceback" not in result.output
    assert orgs(app) == before


def test_field_errors_stand_in_for_the_message_and_problem_lines_precede_it(
    app: Flask,
) -> None:
    @click.group("things", cls=Group)
    def things() -> None:
        """Commands of a group are translated too."""

    @things.command("fields")
    def fields() -> None:
        raise BadRequest(
            N_("Some fields are invalid."),
            details=[
                {"field": "year", "message": "year: too early"},
                {"field": "org", "message": "org: unknown"},
            ],
        )

    @things.command("lines")
    def lines() -> None:
        raise BadRequest(N_("Some fields are invalid."), details=["a.csv: line 2: bad", "x: y"])

    result = invoke(app, things, "fields")
    assert (result.exit_code, result.output) == (1, "Error: year: too early; org: unknown\n")
    result = invoke(app, things, "lines")
    assert result.exit_code == 1
    assert result.stderr == "a.csv: line 2: bad\nx: y\nError: Some fields are invalid.\n"
