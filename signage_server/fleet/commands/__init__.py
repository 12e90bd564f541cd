"""Remote commands from the screen wall to a screen's box: reload, clear the cache and reload,
identify, reboot the box and take a snapshot (the last two need the box agent). ``rules``:
the kinds, their lifetimes and states (pure); ``services``: issuing (audited), cancelling,
delivery; ``api`` and ``views``: the operator's edges; the socket events are in
``realtime.events``."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # cycle: the edges import the screens' services (screens <-> disclosure, schedule);
    # imported once the app is built.
    from signage_server.fleet.commands import api
    from signage_server.fleet.commands import views

    app.register_blueprint(api.bp)
    app.register_blueprint(views.bp)
    app.add_template_global(views.command_menu)
    app.add_template_global(views.recent_commands)
