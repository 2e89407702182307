"""A system declared only in a test: a gateway that serves its items in cursor pages (`after`, `limit`,
`items`, `next`), and the environment of a fully configured run against it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

TOKEN = "extra-system-token"


@contextmanager
def serve_items(path: str, items: list[dict]) -> Iterator[str]:
    """The gateway's base URL while it serves `items` at `path` (after a token, as the contract says)."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def _send(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):  # noqa: N802 - the token endpoint
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self._send(200, {"access_token": TOKEN, "token_type": "Bearer", "expires_in": 3600})

        def do_GET(self):  # noqa: N802 - cursor pages
            url = urlsplit(self.path)
            if url.path != path or self.headers.get("Authorization") != f"Bearer {TOKEN}":
                self._send(404, {})
                return
            query = parse_qs(url.query)
            start, size = int(query.get("after", ["0"])[0]), int(query["limit"][0])
            nxt = str(start + size) if start + size < len(items) else None
            self._send(200, {"items": items[start:start + size], "next": nxt})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def configure(monkeypatch, workdir: Path, gateway_url: str) -> None:
    """Every source variable set (the database one unused), the warehouse under `workdir`, run from there."""
    monkeypatch.chdir(workdir)
    for name, value in {"CCHC_LGSP_URL": gateway_url, "CCHC_LGSP_CLIENT_ID": "team", "CCHC_LGSP_CLIENT_SECRET": "s",
                        "CCHC_DONTHU_DB_URL": f"sqlite:///{workdir / 'unused.sqlite'}",
                        "CCHC_WAREHOUSE": str(workdir / "warehouse" / "cchc.duckdb")}.items():
        monkeypatch.setenv(name, value)
