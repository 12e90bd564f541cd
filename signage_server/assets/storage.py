"""Where the content-addressed store of uploaded files is registered in the app."""

from __future__ import annotations

from content.assets import AssetStore
from signage_server import services as registry

#: The content-addressed store of uploaded files.
STORE: registry.Key[AssetStore] = registry.Key("asset store")
