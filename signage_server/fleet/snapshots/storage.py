"""Where the store of snapshot files is registered in the app (its own content-addressed
store beside the assets', so pruning snapshots never touches an asset)."""

from __future__ import annotations

from content.assets import AssetStore
from signage_server import services as registry

#: The content-addressed store of snapshot images (``<data dir>/snapshots``).
SNAPSHOTS: registry.Key[AssetStore] = registry.Key("snapshot store")
