"""A real kind of print job for the tests: one small PDF per organisation of the job's subtree,
rendered by WeasyPrint through ``paper.render`` like the boards and dossiers will be.

Tests steer it through :data:`CONTROL`: a hook called at the start of each step (to request
a cancel from inside a step, to hold a step until the test lets it go), and the ``fail``
parameter makes one organisation's step fail with a translated reason.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from functools import partial
from typing import Any

import sqlalchemy as sa
from flask import render_template_string
from sqlalchemy.orm import Session

from signage_server.disclosure.audience import AUDIENCE_LABELS
from signage_server.disclosure.audience import Audience
from signage_server.errors import RuleViolation
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.paper.jobs import Output
from signage_server.paper.jobs import Param
from signage_server.paper.jobs import Step
from signage_server.paper.jobs import register_kind
from signage_server.paper.jobs import unregister_kind
from signage_server.paper.models import PrintJob
from signage_server.paper.render import render_pdf

NAME = "test_sheets"

SHEET = """{% extends "paper/base.html" %}
{% block title %}{{ name }}{{ title }}{% endblock %}
{% block running_org %}{{ name }}{% endblock %}
{% block content %}<h1>{{ name }}{{ title }}</h1><p>{{ audience }}</p>
{% for n in range(pages - 1) %}<h2 class="pagebreak">第{{ n + 2 }}页</h2>
<p>{{ "村务公开：财务收支、项目进展、惠农补贴发放情况。" * 40 }}</p>{% endfor %}{% endblock %}"""


@dataclass
class Control:
    #: Called with the organisation's code at the start of each step.
    hook: Callable[[str], None] | None = None
    #: The codes of the steps run, in order.
    ran: list[str] = field(default_factory=list)

    def reset(self) -> None:
        self.hook = None
        self.ran = []


CONTROL = Control()


def plan(session: Session, job: PrintJob) -> list[Step]:
    assert job.org is not None
    orgs = session.scalars(
        sa.select(Org)
        .where(Org.path.like(job.org.path + "%"), Org.active.is_(True))
        .order_by(Org.path)
    )
    return [
        Step(org.name, partial(make_sheet, org.code, org.name, dict(job.params))) for org in orgs
    ]


def make_sheet(code: str, name: str, params: dict[str, Any], session: Session) -> Output:
    if CONTROL.hook is not None:
        CONTROL.hook(code)
    CONTROL.ran.append(code)
    if code == params.get("fail"):
        raise RuleViolation(N_("You may not do this for %(org)s."), org=name)
    html = render_template_string(
        SHEET,
        name=name,
        title=params["title"],
        audience=params["audience"],
        pages=int(params.get("pages", 1)),
    )
    return Output(f"{name}{params['title']}.pdf", render_pdf(html))


PARAMS = (
    Param(
        "audience",
        N_("Audience"),
        "choice",
        choices=tuple((a.value, AUDIENCE_LABELS[a]) for a in Audience),
        default="public",
    ),
    Param("title", N_("Title"), "text", default="公开栏"),
    Param("fail", N_("Fail at"), "text", default="-"),
    Param("pages", N_("Pages"), "int", default=1, minimum=1, maximum=50),
)


def register() -> None:
    register_kind(NAME, plan, label=N_("Boards of every organisation"), params=PARAMS)


def registered() -> Iterator[Control]:
    """Register the kind for one test (a fixture's body)."""
    register()
    CONTROL.reset()
    try:
        yield CONTROL
    finally:
        CONTROL.reset()
        unregister_kind(NAME)


class Gate:
    """Holds every step until the test lets one through: ``entered`` tells that a step began
    (and which), ``release()`` lets it finish. Waits time out (a broken test fails, never
    hangs)."""

    TIMEOUT = 30.0

    def __init__(self) -> None:
        self._entered = threading.Semaphore(0)
        self._go = threading.Semaphore(0)
        self.codes: list[str] = []

    def __call__(self, code: str) -> None:
        self.codes.append(code)
        self._entered.release()
        if not self._go.acquire(timeout=self.TIMEOUT):
            raise TimeoutError("the test never let the step go")

    def wait_entered(self) -> str:
        assert self._entered.acquire(timeout=self.TIMEOUT), "no step began"
        return self.codes[-1]

    def release(self) -> None:
        self._go.release()


def without_product_kinds() -> Iterator[None]:
    """Unregister the product's own kinds (boards, dossiers) for one test (a fixture's body):
    how an installation without them behaves."""
    from signage_server.paper import job_kinds

    for name in job_kinds.KINDS:
        unregister_kind(name)
    try:
        yield
    finally:
        job_kinds.register()
