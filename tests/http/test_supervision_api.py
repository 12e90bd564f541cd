"""``/api/v1/inspections`` and ``/api/v1/findings``: the same workflow over the JSON API."""

from __future__ import annotations

from flask.testing import FlaskClient

from signage_server.accounts.rules import Role
from tests.conftest import NOW
from tests.conftest import Demo
from tests.factories import Factory


def test_the_finding_workflow_over_the_api(client: FlaskClient, demo: Demo, make: Factory) -> None:
    supervisor = demo.headers("jiyi_supervisor")
    response = client.post(
        "/api/v1/inspections",
        json={
            "org": "JIYI-01",
            "inspected_on": NOW.date().isoformat(),
            "checks": {"form": {"result": "finding", "note": "公开栏字太小"}},
        },
        headers=supervisor,
    )
    assert response.status_code == 201, response.get_json()
    inspection = response.get_json()
    assert inspection["checks"]["form"] == {"result": "finding", "note": "公开栏字太小"}
    assert inspection["inspectors"] == ["jiyi_supervisor"]

    url = f"/api/v1/inspections/{inspection['id']}/findings"
    finding = {
        "point": "form",
        "description": "公开栏字号过小，群众看不清",
        "owner": "jiyi01_approver",
    }
    response = client.post(url, json=finding, headers=supervisor)
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["state"] == "open" and created["deadline"] == "2026-12-21"
    assert not created["overdue"]
    # The owner must hold a role at the village; the editor is no supervisor.
    response = client.post(url, json={**finding, "owner": "jiyi_editor"}, headers=supervisor)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "owner_elsewhere"
    response = client.post(url, json=finding, headers=demo.headers("jiyi01_editor"))
    assert response.status_code == 403

    act = f"/api/v1/findings/{created['id']}/actions"
    owner = demo.headers("jiyi01_approver")
    response = client.post(act, json={"action": "accept"}, headers=supervisor)
    assert response.status_code == 409
    response = client.post(
        act, json={"action": "rectify", "text": "已换用大字号重新张贴"}, headers=owner
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["state"] == "rectified"
    response = client.post(act, json={"action": "accept"}, headers=supervisor)
    assert response.get_json()["state"] == "closed"

    listed = client.get("/api/v1/findings?state=closed", headers=owner).get_json()
    assert [f["id"] for f in listed] == [created["id"]]
    assert client.get("/api/v1/findings?state=nonsense", headers=owner).status_code == 400
    # The county reaches it; the neighbouring township sees nothing of it.
    county = demo.headers("xian_supervisor")
    assert client.get(f"/api/v1/findings/{created['id']}", headers=county).status_code == 200
    make.user("chengguan_supervisor", "CHENGGUAN", Role.SUPERVISOR)
    other = make.headers("chengguan_supervisor")
    assert client.get(f"/api/v1/findings/{created['id']}", headers=other).status_code == 404
    assert client.get("/api/v1/findings", headers=other).get_json() == []
    assert client.get("/api/v1/findings").status_code == 401
