"""The demo's 四议两公开: 集义村's road project with its four deliberations, the resolution's
disclosure published and, later, the result's; every seal holds."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from signage_server.demo.matters import seed_matters
from signage_server.disclosure.rules import State
from signage_server.extensions import db
from signage_server.matters.models import Matter
from signage_server.matters.rules import MatterState
from tests.conftest import NOW
from tests.conftest import Demo


def test_the_demo_road_project(app: Flask, demo: Demo) -> None:
    with app.app_context():
        assert seed_matters(db.session, NOW) == 1
        db.session.commit()
        assert seed_matters(db.session, NOW) == 0
        matter = db.session.scalar(sa.select(Matter))
        assert matter is not None
        assert matter.org.code == "JIYI-01"
        assert matter.state is MatterState.RESULT_DISCLOSED
        assert [s.kind.value for s in matter.stages] == [
            "proposal",
            "consultation",
            "deliberation",
            "resolution",
        ]
        assert all(s.passed for s in matter.stages)
        decision, result = matter.decision_item, matter.result_item
        assert decision is not None and result is not None
        assert decision.current.state is State.PUBLISHED
        assert result.current.state is State.PUBLISHED
        assert decision.current.published_at is not None
        assert result.current.published_at is not None
        assert decision.current.published_at < result.current.published_at
        assert decision.current.published_at.date() >= matter.stages[-1].held_on
    verified = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert verified.exit_code == 0, verified.output
