"""A small local HTTP server standing in for DeepL's /v2/translate (never a patched client)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


class DeepLStub:
    """Translates to `[<TARGET>] <text>`; set `fail_with` to an HTTP status to make it fail."""

    def __init__(self):
        self.calls: list[dict] = []
        self.fail_with: int | None = None
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8")
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    payload = json.loads(raw)
                else:
                    payload = {key: values if key == "text" else values[0] for key, values in parse_qs(raw).items()}
                stub.calls.append({"path": self.path, "auth": self.headers.get("Authorization"), **payload})
                if self.path != "/v2/translate":
                    return self._answer(404, {"message": "Not found"})
                if stub.fail_with is not None:
                    return self._answer(stub.fail_with, {"message": "Internal error"})
                texts = payload["text"] if isinstance(payload["text"], list) else [payload["text"]]
                target = payload["target_lang"]
                self._answer(
                    200,
                    {
                        "translations": [
                            {"detected_source_language": "EN", "text": f"[{target}] {text}", "billed_characters": len(text)}
                            for text in texts
                        ]
                    },
                )

            def _answer(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format, *args):  # noqa: A002 - keep test output quiet
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> DeepLStub:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
