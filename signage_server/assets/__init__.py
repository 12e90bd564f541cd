"""Uploaded files (images, PDFs) in the content-addressed store, and who may fetch them."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from content.assets import FileAssetStore
from content.assets import Limits
from content.assets import PdfRenderer
from signage_server import services as registry
from signage_server.assets.storage import STORE as STORE
from signage_server.config import Settings


def init_app(app: Flask) -> None:
    # cycle: assets.models is imported by the domain core (disclosure, screens); its edges,
    # which import those, are imported once the app is built.
    from signage_server.assets import api

    settings = registry.get(Settings, app)
    registry.register(app, STORE, FileAssetStore(Path(settings.data_dir) / "assets"))
    registry.register(app, Limits, Limits(max_pdf_pages=settings.pdf_max_pages))
    registry.register(
        app,
        PdfRenderer,
        PdfRenderer(settings.pdf_render_timeout, settings.pdf_render_concurrency),
    )
    app.register_blueprint(api.bp)
    app.register_blueprint(api.files)
