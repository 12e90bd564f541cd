"""The half-yearly and year-end assessment (考核) of organisations on 六查六看.

Where each concern lives:

* ``rules`` — pure: periods, the computed parts' scores, the six headings, the weighting, the
  ranking;
* ``models`` — the assessor's scores and remarks per organisation and period;
* ``services`` — the figures gathered from the other packages, the report, saving scores;
* ``charts`` — bar charts as inline SVG; ``printing`` — the report on paper (PDF);
* edges: ``views`` (``/assessments``), ``api`` (``/api/v1/reports/assessment.pdf``).
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # cycle: signage_server.assessment (models, rules) -> its edges -> assessment.services
    from signage_server.assessment.api import bp as api_bp
    from signage_server.assessment.views import bp as views_bp

    app.register_blueprint(api_bp)
    app.register_blueprint(views_bp)
