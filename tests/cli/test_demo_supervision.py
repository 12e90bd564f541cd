"""The demo county's supervision: 集义村's roster, an inspection with an overdue and a closed
finding, this month's meeting, the township's accountability record."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from signage_server import services
from signage_server.accounts.services import Passwords
from signage_server.demo.seed import seed
from signage_server.extensions import db
from signage_server.supervision.models import Accountability
from signage_server.supervision.models import ExternalSupervisor
from signage_server.supervision.models import Finding
from signage_server.supervision.models import Meeting
from tests.conftest import DEMO_PASSWORD
from tests.conftest import NOW
from tests.conftest import Demo


def test_the_demo_tells_the_supervision_story(app: Flask) -> None:
    with app.app_context():
        seed(db.session, services.get(Passwords), DEMO_PASSWORD, content_at=NOW)
        db.session.commit()
        seed(db.session, services.get(Passwords), DEMO_PASSWORD, content_at=NOW)
        db.session.commit()
        states = sorted(f.state.value for f in db.session.scalars(sa.select(Finding)))
        assert states == ["closed", "open"]
        overdue = db.session.scalars(sa.select(Finding).where(Finding.state == "open")).one()
        assert overdue.deadline < NOW.date()
        assert len(db.session.scalars(sa.select(ExternalSupervisor)).all()) == 2
        assert len(db.session.scalars(sa.select(Meeting)).all()) == 1
        record = db.session.scalars(sa.select(Accountability)).one()
        assert record.finding_ids == [overdue.id]
    demo = Demo(app)
    client = app.test_client()
    demo.login(client, "jiyi01_approver")
    home = client.get("/").get_data(as_text=True)
    assert f'data-finding="{overdue.id}" data-alert="owned-overdue"' in home
    assert 'data-alert="meeting-monthly-due"' not in home
