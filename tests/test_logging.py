"""Structured request logs: one JSON line per request carrying its request id."""

from __future__ import annotations

import io
import json
import sys


def test_request_log_is_json_with_the_request_id(app_config, monkeypatch):
    from moviesx import create_app

    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    app = create_app(app_config)
    with app.app_context():
        response = app.test_client().get("/healthz", headers={"X-Request-ID": "req-42"})
    assert response.headers["X-Request-ID"] == "req-42"
    records = [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]
    request_lines = [record for record in records if record.get("message") == "request"]
    assert request_lines, stream.getvalue()
    line = request_lines[-1]
    assert (line["request_id"], line["method"], line["path"], line["status"]) == ("req-42", "GET", "/healthz", 200)
    assert line["level"] == "INFO" and isinstance(line["duration_ms"], float)
