"""GET /api/me/export/: a copy of the caller's data (API.md 18)."""

from __future__ import annotations

from moviesx.http.auth import ANY, authenticated, current_user
from moviesx.http.blueprint import Blueprint
from moviesx.schemas.portability.export import ExportSchema
from moviesx.services.portability import export as exports

blp = Blueprint(
    "export",
    __name__,
    url_prefix="/api/me",
    title="Your data",
    description="A copy of everything the caller owns, as one JSON document, and the ways to bring a history in from elsewhere.",
)


@blp.route("/export/", methods=["GET"])
@authenticated(ANY, bucket="export")
@blp.response(
    200,
    ExportSchema,
    headers={
        "Content-Disposition": {
            "description": '`attachment; filename="moviesx-<username>-<YYYYMMDD>.json"` (the UTC date of the export).',
            "schema": {"type": "string"},
        }
    },
)
def export_my_data():
    """Export your data

    Any signed-in user, verified or not. One JSON document with the caller's profile, ratings, reviews, comments,
    reactions, unseen marks, watchlist, diary, movie lists (all of them, whatever their privacy), friends and
    friend requests (both directions): live objects only, movies named by slug and other users by username.
    At most 5 exports an hour per user (429 with `Retry-After`).
    """
    user = current_user()
    document = exports.export(user)
    disposition = f'attachment; filename="{exports.filename(user, document["exported_at"])}"'
    return document, {"Content-Disposition": disposition}
