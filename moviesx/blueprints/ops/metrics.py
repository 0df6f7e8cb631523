"""GET /metrics for Prometheus (API.md 21): the route exists only when METRICS_TOKEN is set, and answers only that
bearer token. Not rate-limited: it goes through no bucket."""

from __future__ import annotations

import hmac

from flask import Blueprint, Flask, Response, current_app, request
from prometheus_client import CONTENT_TYPE_PLAIN_0_0_4

from moviesx.http.errors import error
from moviesx.metrics import exposition

bp = Blueprint("metrics", __name__)


def enabled(app: Flask) -> bool:
    return bool(app.config.get("METRICS_TOKEN"))


@bp.get("/metrics")
def metrics():
    if not _bearer_matches(current_app.config["METRICS_TOKEN"]):
        raise error(401, "You need to be authenticated")
    return Response(exposition(current_app), mimetype=None, content_type=CONTENT_TYPE_PLAIN_0_0_4)


def _bearer_matches(token: str) -> bool:
    """Compared in constant time, as bytes: a header may hold any character."""
    scheme, _, sent = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(sent.strip().encode(), token.encode())
