"""With SIGNAGE_REDIS_URL, the feedback flood limit holds across server processes, and
every submission that got a receipt is stored."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
import sqlalchemy as sa

from signage_server.extensions import db
from signage_server.feedback import links
from signage_server.feedback.models import Case
from tests.conftest import REDIS_URL
from tests.conftest import make_app
from tests.conftest import need_service
from tests.conftest import redis_problem
from tests.conftest import wipe


@pytest.mark.redis
def test_two_workers_share_the_feedback_limit(database_url: str, tmp_path: Path) -> None:
    need_service("Redis", redis_problem())
    address = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250)}"
    shared = {
        "redis_url": REDIS_URL,
        "feedback_rate_limit": "4 per minute",
        "secret_key": "feedback-redis-test-" + "k" * 32,
    }
    first = make_app(database_url, tmp_path / "a", **shared)
    second = make_app(database_url, tmp_path / "b", **shared)
    with first.app_context():
        wipe(db.engine)
        from signage_server.orgs.models import Org
        from signage_server.orgs.rules import OrgKind
        from signage_server.screens import services as screens
        from signage_server.screens.layouts import design_sizes
        from signage_server.screens.rules import Audience

        org = Org(code="JIYI-01", name="集义村", kind=OrgKind.VILLAGE, path="/")
        db.session.add(org)
        db.session.flush()
        org.path = f"/{org.id}/"
        screen, _token = screens.register(
            db.session,
            org,
            screens.ScreenFields(name="村口大屏", audience=Audience.PUBLIC, layout="landscape"),
            layouts=design_sizes(),
            with_token=False,
        )
        db.session.commit()
        code = links.screen_code(screen.id, first)
    try:
        statuses, receipts = [], []
        for n in range(8):
            worker = (first if n % 2 else second).test_client()
            response = worker.post(
                f"/f/{code}",
                data={"kind": "comment", "text": f"第{n}条：建议公开水费明细"},
                headers={"Accept": "application/json"},
                environ_base={"REMOTE_ADDR": address},
            )
            statuses.append(response.status_code)
            if response.status_code == 201:
                receipts.append(response.get_json()["receipt"])
        assert statuses == [201] * 4 + [429] * 4
        with second.app_context():
            stored = sorted(db.session.scalars(sa.select(Case.receipt)))
        assert stored == sorted(receipts)
    finally:
        with first.app_context():
            db.session.rollback()
            wipe(db.engine)
        db.dispose(first)
        db.dispose(second)
