"""Bring your history: POST /api/me/import/ (API.md 19)."""

from __future__ import annotations

from moviesx.http.auth import VERIFIED, authenticated, current_user
from moviesx.http.blueprint import Blueprint
from moviesx.schemas.portability.imports import ImportInputSchema, ImportReportSchema
from moviesx.services.portability import imports

blp = Blueprint(
    "portability_imports",
    __name__,
    url_prefix="/api/me",
    title="Your data: import",
    description="Bring a history from Letterboxd or IMDb: ratings, diary, watched movies and watchlist, matched to "
    "the catalogue by title (base or translated, ignoring case) and release year (one year either way when no "
    "movie has that year). Rows without a match are reported, never guessed. Importing the same file again "
    "changes nothing.",
)


@blp.route("/import/", methods=["POST"])
@authenticated(VERIFIED)
@blp.arguments(ImportInputSchema, location="files")
@blp.response(200, ImportReportSchema)
@blp.alt_response(400, response="BAD_REQUEST")
def import_history(data: dict):
    """Import a Letterboxd or IMDb history

    Any verified user. `multipart/form-data` with one file field, `file`: a Letterboxd export ZIP or one of its
    `diary.csv`, `ratings.csv`, `watched.csv` and `watchlist.csv`, or an IMDb ratings CSV. Applied in one
    transaction: ratings (Letterboxd half stars rounded half up, IMDb's 1-10 halved and rounded up; the last one
    of `diary.csv` then `ratings.csv` wins, written only when it differs), diary entries (none when the caller
    already logged that movie on that date), watchlist entries (not for movies the caller rated or logged), and
    unseen marks removed for watched movies. 400 `Unrecognised file: expected a Letterboxd or IMDb export`,
    `File is too large` (over 50,000 rows, or a ZIP member over 50 MiB), `Missing required fields` (no `file`);
    nothing is written then. A body over 10 MiB is a 413.
    """
    upload = data["file"]
    return imports.import_history(current_user(), upload.stream, upload.filename or "")
