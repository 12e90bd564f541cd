"""A small stand-in for the signage server, enough to drive the web player in a browser.

It serves the real player files (template, static files, layouts, Service Worker) with the
server's layout definitions, a manifest with ETag/304 (rich text sanitised as the server
sanitises it when an item is saved), fake pairing, content-addressed assets, and a python-socketio
namespace ``/player`` that sends ``hello`` and ``manifest`` on connect and records what the
player sends back. :meth:`Harness.stop` closes every open connection (so the player sees the
server go away) and :meth:`Harness.start` brings it back on the same port (same origin, so
the player's storage and Service Worker stay valid).
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import io
import json
import logging
import socket
import threading
import time
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

import jinja2
import socketio
from PIL import Image
from PIL import ImageDraw
from PIL import ImageFont
from werkzeug.security import safe_join
from werkzeug.serving import ThreadedWSGIServer
from werkzeug.wrappers import Request
from werkzeug.wrappers import Response

from content.bodies import canonical_body
from content.bodies import parse_body
from layouts import DIR as LAYOUTS_DIR
from player import STATIC
from player import TEMPLATES
from signage_server.screens.layouts import player_definitions_json

FIXTURES = Path(__file__).parent / "fixtures"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'"
)
TOKEN = "screen-token-0123456789abcdef"
CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")
MIME = {".js": "text/javascript", ".css": "text/css", ".json": "application/json"}

logging.getLogger("werkzeug").setLevel(logging.ERROR)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def load_fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return data


def manifest_version(manifest: dict[str, Any]) -> str:
    """sha256 of the canonical JSON of everything except version and generated_at."""
    content = {k: v for k, v in manifest.items() if k not in {"version", "generated_at"}}
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def poster_png(title: str, size: tuple[int, int] = (1200, 800)) -> bytes:
    """A recognisable PNG (red band, a title, a grid of notice boxes)."""
    image = Image.new("RGB", size, (255, 250, 238))
    draw = ImageDraw.Draw(image)
    width = size[0]
    draw.rectangle((0, 0, width, 150), fill=(140, 29, 24))
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont
    small: ImageFont.FreeTypeFont | ImageFont.ImageFont
    if CJK_FONT.exists():
        font = ImageFont.truetype(str(CJK_FONT), 72)
        small = ImageFont.truetype(str(CJK_FONT), 40)
    else:
        font = small = ImageFont.load_default()
    draw.text((60, 32), title, fill=(255, 255, 255), font=font)
    for row in range(2):
        for col in range(3):
            x = 60 + col * 370
            y = 200 + row * 290
            draw.rectangle((x, y, x + 330, y + 250), outline=(179, 38, 30), width=6)
            draw.text(
                (x + 30, y + 100), f"公开栏 {row * 3 + col + 1}", fill=(60, 40, 30), font=small
            )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


class _Server(ThreadedWSGIServer):
    """Werkzeug's threaded server that remembers its connections so that stop() can cut them."""

    def __init__(self, host: str, port: int, app: Any) -> None:
        self.open_connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(host, port, app)

    def get_request(self) -> tuple[socket.socket, Any]:
        connection, address = super().get_request()
        with self.connections_lock:
            self.open_connections.add(connection)
        return connection, address

    def shutdown_request(self, request: Any) -> None:
        with self.connections_lock:
            self.open_connections.discard(request)
        super().shutdown_request(request)

    def cut_connections(self) -> None:
        with self.connections_lock:
            connections = list(self.open_connections)
            self.open_connections.clear()
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()


@dataclass
class Received:
    """What the player sent over Socket.IO, and the HTTP requests it made."""

    ack: list[dict[str, Any]] = field(default_factory=list)
    status: list[dict[str, Any]] = field(default_factory=list)
    played: list[list[dict[str, Any]]] = field(default_factory=list)
    connects: list[str] = field(default_factory=list)
    requests: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def played_records(self) -> list[dict[str, Any]]:
        return [record for batch in self.played for record in batch]


class Harness:
    """The fake server. Thread-safe enough for one browser and one test at a time."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.tokens = {TOKEN}
        self.csp = True
        #: Paths held back until :meth:`release` (a slow line), and how often each was asked.
        self.held: dict[str, int] = {}
        self.gate = threading.Event()
        self.hello: dict[str, Any] = {}
        self.manifest: dict[str, Any] | None = None
        self.assets: dict[str, tuple[bytes, str]] = {}
        self.named_assets: dict[str, str] = {}
        self.received = Received()
        self.pair_after = 2
        self.pair_expires_at = "2026-11-23T09:10:00+08:00"
        self.pairings: dict[str, dict[str, Any]] = {}
        self._pair_count = 0
        self.lock = threading.Lock()
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True
        )
        self.sio = socketio.Server(
            async_mode="threading", logger=False, engineio_logger=False, ping_timeout=60
        )
        self._register_socket_handlers()
        self.app = socketio.WSGIApp(self.sio, self.wsgi, socketio_path="socket.io")
        self.server: _Server | None = None
        self.thread: threading.Thread | None = None
        self.add_asset("poster", poster_png("集义村村务公开栏"))
        self.add_asset("page2", poster_png("第二页 项目明细"))
        self.reset()

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> None:
        if self.server is not None:
            return
        deadline = time.monotonic() + 10
        while True:
            try:
                self.server = _Server("127.0.0.1", self.port, self.app)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """Stop answering and cut every open connection (websockets included)."""
        server, self.server = self.server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        server.cut_connections()
        if self.thread is not None:
            self.thread.join(timeout=5)

    def reset(self) -> None:
        """Forget what a previous test set or received."""
        self.release()
        with self.lock:
            self.held = {}
            self.csp = True
            self.tokens = {TOKEN}
            self.manifest = None
            self.received = Received()
            self.pairings = {}
            self.pair_after = 2
            self.hello = {
                "screen": {
                    "id": 5,
                    "name": "集义村村委会门口大屏",
                    "org": "JIYI-01",
                    "org_name": "集义村",
                    "audience": "public",
                    "layout": "landscape",
                    "resolution": "1920x1080",
                    "timezone": "Asia/Shanghai",
                    "code": "SCR5X",
                }
            }

    # -- content ------------------------------------------------------------------------------

    def add_asset(self, name: str, data: bytes, mime: str = "image/png") -> str:
        sha = hashlib.sha256(data).hexdigest()
        self.assets[sha] = (data, mime)
        self.named_assets[name] = sha
        return sha

    def expand(self, manifest: dict[str, Any]) -> dict[str, Any]:
        """Replace ``@name`` asset references with real sha256s and fill each item's assets;
        rich text goes through the server's body rule (``content.bodies``: sanitised), as every
        stored body does before a manifest carries it."""
        out = copy.deepcopy(manifest)
        for item in out.get("items", []):
            body = item.get("body") or {}
            if body.get("type") == "text" and body.get("format") == "html":
                body = item["body"] = canonical_body(parse_body(body))
            shas: list[str] = []
            if isinstance(body.get("asset"), str) and body["asset"].startswith("@"):
                body["asset"] = self.named_assets[body["asset"][1:]]
            if body.get("asset") in self.assets:
                shas.append(body["asset"])
            pages = body.get("pages") or []
            body_pages = [self.named_assets[p[1:]] if p.startswith("@") else p for p in pages]
            if pages:
                body["pages"] = body_pages
                shas.extend(body_pages)
            item["assets"] = [
                {"sha256": sha, "url": f"/assets/{sha}", "type": self.assets[sha][1]}
                for sha in dict.fromkeys(shas)
            ]
        out["version"] = manifest_version(out)
        return out

    def hold(self, *paths: str) -> None:
        """Answer requests for ``paths`` only once :meth:`release` is called."""
        with self.lock:
            self.gate.clear()
            self.held = dict.fromkeys(paths, 0)

    def release(self) -> None:
        self.gate.set()

    def set_manifest(self, manifest: dict[str, Any], *, push: bool = True) -> dict[str, Any]:
        """Serve ``manifest`` from now on (and push it to connected players)."""
        expanded = self.expand(manifest)
        with self.lock:
            self.manifest = expanded
        if push and self.server is not None:
            self.sio.emit("manifest", expanded, namespace="/player")
        return expanded

    # -- Socket.IO ----------------------------------------------------------------------------

    def _register_socket_handlers(self) -> None:
        sio = self.sio

        @sio.on("connect", namespace="/player")
        def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> None:
            token = auth.get("token") if isinstance(auth, dict) else None
            if token not in self.tokens:
                raise socketio.exceptions.ConnectionRefusedError("unauthorized")
            self.received.connects.append(sid)
            sio.start_background_task(self._greet, sid)

        def record(name: str) -> Callable[[str, Any], bool]:
            def handler(sid: str, payload: Any) -> bool:
                getattr(self.received, name).append(payload)
                return True

            return handler

        for event in ("ack", "status", "played"):
            sio.on(event, namespace="/player")(record(event))

    def _greet(self, sid: str) -> None:
        time.sleep(0.05)
        self.sio.emit("hello", self.hello, to=sid, namespace="/player")
        if self.manifest is not None:
            self.sio.emit("manifest", self.manifest, to=sid, namespace="/player")

    # -- HTTP ---------------------------------------------------------------------------------

    def wsgi(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        self.received.requests.append(
            (request.method, request.path, request.headers.get("Authorization", ""))
        )
        response = self.route(request)
        if self.csp and response.mimetype == "text/html":
            response.headers["Content-Security-Policy"] = CSP
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response(environ, start_response)

    def bearer_ok(self, request: Request) -> bool:
        header = request.headers.get("Authorization", "")
        return header.startswith("Bearer ") and header[7:] in self.tokens

    def route(self, request: Request) -> Response:
        path = request.path
        if path in self.held:
            with self.lock:
                self.held[path] += 1
            self.gate.wait(timeout=30)
        if path == "/player":
            return Response(status=302, headers={"Location": "/player/"})
        if path in {"/player/", "/player/preview"}:
            return self.page(preview="/api/v1/preview/manifest" if path.endswith("preview") else "")
        if path == "/player/sw.js":
            return self.file(STATIC / "sw.js", {"Service-Worker-Allowed": "/player/"})
        if path.startswith("/player/static/"):
            return self.file(safe_join(str(STATIC), path.removeprefix("/player/static/")))
        if path.startswith("/player/layouts/") and path.endswith(".css"):
            return self.file(safe_join(str(LAYOUTS_DIR), path.removeprefix("/player/layouts/")))
        if path.startswith("/assets/"):
            return self.asset(request, path.removeprefix("/assets/"))
        if path == "/api/v1/player/manifest":
            return self.manifest_response(request)
        if path == "/api/v1/preview/manifest":
            if request.cookies.get("operator") != "1" or self.manifest is None:
                return self.json({"error": {"code": "unauthorized"}}, 401)
            return self.json({"screen": self.hello["screen"], "manifest": self.manifest})
        if path == "/api/v1/player/pair" and request.method == "POST":
            return self.pair_new()
        if path.startswith("/api/v1/player/pair/"):
            return self.pair_poll(path.removeprefix("/api/v1/player/pair/"))
        return self.json({"error": {"code": "not_found"}}, 404)

    def page(self, preview: str) -> Response:
        html = self.templates.get_template("player.html").render(
            api="/api/v1",
            static="/player/static/",
            layouts="/player/layouts/",
            sw="/player/sw.js",
            socket_path="/socket.io",
            namespace="/player",
            player_version="test-1",
            preview_manifest=preview,
            definitions=player_definitions_json(),
            lang="zh-CN",
        )
        return Response(html, mimetype="text/html", headers={"Cache-Control": "no-cache"})

    def file(self, path: str | Path | None, headers: dict[str, str] | None = None) -> Response:
        if path is None or not Path(path).is_file():
            return self.json({"error": {"code": "not_found"}}, 404)
        file = Path(path)
        return Response(
            file.read_bytes(),
            mimetype=MIME.get(file.suffix, "application/octet-stream"),
            headers={"Cache-Control": "no-cache", **(headers or {})},
        )

    def asset(self, request: Request, sha: str) -> Response:
        if sha not in self.assets:
            return self.json({"error": {"code": "not_found"}}, 404)
        if not self.bearer_ok(request) and request.cookies.get("operator") != "1":
            return self.json({"error": {"code": "unauthorized"}}, 401)
        data, mime = self.assets[sha]
        return Response(
            data,
            mimetype=mime,
            headers={"Cache-Control": "private, max-age=31536000, immutable", "ETag": f'"{sha}"'},
        )

    def manifest_response(self, request: Request) -> Response:
        if not self.bearer_ok(request):
            return self.json({"error": {"code": "unauthorized"}}, 401)
        manifest = self.manifest
        if manifest is None:
            return self.json({"error": {"code": "not_found"}}, 404)
        etag = f'"{manifest["version"]}"'
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        response = self.json(manifest)
        response.headers["ETag"] = etag
        return response

    def pair_new(self) -> Response:
        with self.lock:
            self._pair_count += 1
            n = self._pair_count
            secret = f"secret-{n}-{hashlib.sha256(str(n).encode()).hexdigest()[:12]}"
            code = f"K7F-{n:03d}"
            self.pairings[secret] = {"code": code, "polls": 0, "done": False, "expired": False}
        body = {"code": code, "secret": secret, "expires_at": self.pair_expires_at}
        return self.json(body, 201)

    def pair_poll(self, secret: str) -> Response:
        with self.lock:
            pairing = self.pairings.get(secret)
            if pairing is None or pairing["done"] or pairing["expired"]:
                return self.json({"error": {"code": "not_found"}}, 404)
            pairing["polls"] += 1
            if pairing["polls"] < self.pair_after:
                return self.json({"state": "waiting"})
            pairing["done"] = True
        return self.json(
            {"state": "paired", "token": TOKEN, "player_url": f"{self.base}/player/#token={TOKEN}"}
        )

    @staticmethod
    def json(body: Any, status: int = 200) -> Response:
        return Response(
            json.dumps(body, ensure_ascii=False),
            status=status,
            mimetype="application/json",
            headers={"Cache-Control": "no-store"},
        )
