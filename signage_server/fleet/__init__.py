"""Screens as a fleet: the box beside the browser (its agent), snapshots as evidence, power
schedules, remote commands and health. Each part is a subpackage with its own pure rules,
models and use cases; ``fleet.agents`` states once when a screen counts as having an agent.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the pure rules of the subpackages import this package: no Flask here
    from flask import Flask


def init_app(app: Flask) -> None:
    """Wire every part of the fleet: snapshots, health, remote commands, power schedules."""
    # cycle: the fleet's modules import the screens package, which is built with the app.
    from content.assets import FileAssetStore
    from signage_server import services as registry
    from signage_server.config import Settings
    from signage_server.fleet import overview
    from signage_server.fleet.commands import init_app as init_commands
    from signage_server.fleet.health import api as health_api
    from signage_server.fleet.health.rules import RESTART_REASONS
    from signage_server.fleet.health.rules import Flag
    from signage_server.fleet.power import api as power_api
    from signage_server.fleet.power import views as power_views
    from signage_server.fleet.snapshots import api as snapshots_api
    from signage_server.fleet.snapshots import views as snapshots_views
    from signage_server.fleet.snapshots.storage import SNAPSHOTS

    settings = registry.get(Settings, app)
    registry.register(app, SNAPSHOTS, FileAssetStore(Path(settings.data_dir) / "snapshots"))
    app.register_blueprint(snapshots_api.bp)
    app.register_blueprint(snapshots_views.bp)
    app.register_blueprint(health_api.bp)
    # 定时开关屏: its pages (and the template globals the wall and screen pages use) and API.
    app.register_blueprint(power_api.bp)
    app.register_blueprint(power_views.bp)
    app.jinja_env.globals.update(
        fleet_wall=overview.wall,
        fleet_screen=overview.screen,
        fleet_item=overview.item,
        snapshot_url=overview.snapshot_url,
        restart_reasons=RESTART_REASONS,
        health_flags=list(Flag),
    )
    init_commands(app)
