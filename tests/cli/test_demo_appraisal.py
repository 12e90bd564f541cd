"""The demo's democratic appraisals: last year's closed with its results drafted as an
item, this year's open with ballots; the audit chain holds."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from signage_server import services
from signage_server.accounts.services import Passwords
from signage_server.appraisal import services as appraisals
from signage_server.appraisal.models import Appraisal
from signage_server.appraisal.models import CodeRequest
from signage_server.appraisal.rules import Phase
from signage_server.appraisal.rules import State
from signage_server.audit.services import verify
from signage_server.demo.appraisal import seed_appraisals
from signage_server.demo.seed import seed
from signage_server.extensions import db
from tests.conftest import DEMO_PASSWORD
from tests.conftest import NOW


def test_the_demo_appraisals(app: Flask) -> None:
    with app.app_context():
        seed(db.session, services.get(Passwords), DEMO_PASSWORD, content_at=NOW)
        db.session.commit()
        found = db.session.scalars(sa.select(Appraisal).order_by(Appraisal.year)).all()
        assert [(a.org.code, a.year, a.state) for a in found] == [
            ("JIYI-01", NOW.year - 1, State.PUBLISHED),
            ("JIYI-01", NOW.year, State.OPEN),
        ]
        closed, current = found
        assert closed.item is not None
        assert closed.item.current.state.value == "draft"
        assert closed.item.current.body["rows"][0][0] == "村民委员会（整体）"
        assert appraisals.tally_of(db.session, closed).ballots == 16
        assert appraisals.phase_of(current, NOW) is Phase.VOTING
        assert appraisals.tally_of(db.session, current).ballots == 12
        # Every code request of the demo's phones is used up (or gone after its hour).
        assert not any(db.session.scalars(sa.select(CodeRequest.code_digest)))
        assert verify(db.session, [appraisals.appraisal_states]).ok
        assert seed_appraisals(db.session, NOW) == 0  # once
