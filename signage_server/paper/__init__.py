"""Paper and the archive: posters and boards for the 公开栏, the archive dossier of every item,
print jobs in the background, all rendered by WeasyPrint (:mod:`.render`) from templates under
``templates/paper`` with ``static/paper/paper.css``."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from content.assets import AssetStore
from content.assets import FileAssetStore
from signage_server import services as registry
from signage_server.config import Settings

#: The content-addressed store of what was printed to keep: dossiers, the files of batches.
ARCHIVE: registry.Key[AssetStore] = registry.Key("archive store")


def init_app(app: Flask) -> None:
    settings = registry.get(Settings, app)
    registry.register(app, ARCHIVE, FileAssetStore(Path(settings.data_dir) / "archive"))

    # cycle: paper.archive_views -> paper.archive -> paper.dossier -> ... -> paper.ARCHIVE (here)
    from signage_server.paper import archive_views

    app.register_blueprint(archive_views.bp)
    app.register_blueprint(archive_views.api)
    app.add_template_global(archive_views.archive_panel, "archive_panel")

    # cycle: paper.jobs and paper.job_kinds -> paper.archive -> ... -> paper.ARCHIVE (here)
    from signage_server.paper import jobs

    jobs.init_app(app)

    from signage_server.paper import job_kinds

    job_kinds.register()
