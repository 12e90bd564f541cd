"""The annual democratic appraisal (民主评议) of a village committee: a QR survey open for a
period, one vote per villager (a mobile number checked with a one-time code, never stored),
the tally, and its results drafted as a disclosure item.

Where each concern lives:

* ``rules`` — pure: states and the clock's phase, numbers and one-time codes, the tally;
* ``models`` — appraisals, subjects, code requests, voters (HMAC only) and anonymous ballots;
* ``sms`` — how one-time codes reach phones (``log`` or ``http`` backend);
* ``services`` — the use cases (creating, opening, closing, voting, drafting the results);
* edges: ``views`` (the approver's pages under ``/appraisals``), ``public_views`` (the
  villagers' pages under ``/a``).
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # cycle: signage_server.appraisal (models, rules) -> its edges -> appraisal.services
    from signage_server.appraisal.public_views import bp as public_bp
    from signage_server.appraisal.sms import SMS
    from signage_server.appraisal.sms import sender_for
    from signage_server.appraisal.views import bp as views_bp
    from signage_server.config import Settings
    from signage_server.services import get
    from signage_server.services import register

    register(app, SMS, sender_for(get(Settings, app)))
    app.register_blueprint(public_bp)
    app.register_blueprint(views_bp)
