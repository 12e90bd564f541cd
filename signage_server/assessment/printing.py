"""The assessment report on paper (考核报告, PDF): the report of :func:`services.report` set in
``paper/assessment.html`` with ``paper.css`` and its charts (inline SVG), always in Chinese."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext
from markupsafe import Markup

from signage_server.assessment import charts
from signage_server.assessment import rules
from signage_server.assessment.services import Report
from signage_server.paper.posters import PAPER_LOCALE
from signage_server.paper.posters import safe_filename


@dataclass(frozen=True)
class Charts:
    headings: Markup
    categories: Markup
    ranking: Markup | None


def charts_of(report: Report) -> Charts:
    """The report's charts: the six headings, compliance by category, the ranking."""
    headings = charts.bar_chart(
        [charts.Bar(rules.HEADING_ZH[h.heading], h.score) for h in report.result.headings],
        title=gettext("The six headings"),
    )
    categories = charts.bar_chart(
        [charts.Bar(gettext(c.label), c.score) for c in report.figures.categories],
        title=gettext("Catalog compliance by category"),
    )
    ranking = None
    if report.ranking:
        ranking = charts.bar_chart(
            [charts.Bar(r.name, r.total, strong=r.code == report.org.code) for r in report.ranking],
            title=gettext("Ranking"),
        )
    return Charts(headings, categories, ranking)


def report_html(report: Report, now: dt.datetime, tz: dt.tzinfo) -> tuple[str, str]:
    """Return the HTML of the report and its file name."""
    with force_locale(PAPER_LOCALE):
        html = render_template(
            "paper/assessment.html",
            r=report,
            charts=charts_of(report),
            headings_zh=rules.HEADING_ZH,
            printed=now.astimezone(tz),
            weights=(round(rules.COMPUTED_WEIGHT * 100), round(rules.ASSESSOR_WEIGHT * 100)),
        )
        name = safe_filename(report.org.name, gettext("Assessment report"), report.period.code)
    return html, f"{name}.pdf"
