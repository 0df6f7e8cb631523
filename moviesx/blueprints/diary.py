"""The watchlist, the diary and its stats (API.md 14, 15)."""

from __future__ import annotations

from moviesx.http.auth import VERIFIED, authenticated, caller_id, current_user
from moviesx.http.blueprint import Blueprint, resolves
from moviesx.http.lookup import get_or_404, user_or_404
from moviesx.http.pagination import cursor
from moviesx.models import Movie, User, Watch, WatchlistEntry
from moviesx.schemas.base import SuccessSchema
from moviesx.schemas.diary import (
    DiaryArgs,
    DiaryStatsSchema,
    WatchCursorSchema,
    WatchInputSchema,
    WatchlistArgs,
    WatchlistEntryCursorSchema,
    WatchlistEntrySchema,
    WatchSchema,
)
from moviesx.services.diary import stats, watches, watchlist
from moviesx.services.diary.privacy import DIARY_NOT_FOUND, WATCHLIST_NOT_FOUND, visible_or_404

blp = Blueprint(
    "diary",
    __name__,
    url_prefix="/api",
    title="Watchlist and diary",
    description="The watchlist (movies the caller wants to see; the home feed leaves them out) and the diary of dated "
    "watches, with its year-in-review stats. Logging a watch takes the movie off the watchlist, removes its unseen "
    "mark and, with a `rating`, sets the caller's rating as POST/PUT `ratings/` do. A user's watchlist, diary and "
    "stats are visible to that user and their friends; anyone else gets 404 `Watchlist not found` or "
    "`Diary not found`.",
)


def movie_by_slug(slug: str) -> Movie:
    return get_or_404(Movie, Movie.slug, slug)


def own_watch(watch_id: int) -> Watch:
    """The caller's watch; another user's watch is as missing as none (generic 404 `Watch`)."""
    return get_or_404(Watch, Watch.id, watch_id, Watch.user_id == caller_id())


def visible_watchlist(username: str) -> User:
    """The owner (generic 404 `User`), then 404 `Watchlist not found` unless the caller is them or a friend."""
    return visible_or_404(current_user(), user_or_404(username), WATCHLIST_NOT_FOUND)


def visible_diary(username: str) -> User:
    """The owner (generic 404 `User`), then 404 `Diary not found` unless the caller is them or a friend."""
    return visible_or_404(current_user(), user_or_404(username), DIARY_NOT_FOUND)


# --- Watchlist (API.md 14) -----------------------------------------------------------------------


@blp.route("/movies/<movie_slug:slug>/watchlist/", methods=["POST"])
@authenticated(VERIFIED)
@resolves(movie=movie_by_slug)
@blp.response(201, WatchlistEntrySchema)
@blp.alt_response(400, response="BAD_REQUEST")
def add_to_watchlist(movie: Movie):
    """Add a movie to the caller's watchlist

    Any verified user. No body. 400 `Movie already in your watchlist`. A rated or logged movie may be added.
    """
    return watchlist.add(current_user(), movie)


@blp.route("/movies/<movie_slug:slug>/watchlist/", methods=["DELETE"])
@authenticated(VERIFIED)
@resolves(movie=movie_by_slug)
@blp.response(200, SuccessSchema)
@blp.alt_response(400, response="BAD_REQUEST")
def remove_from_watchlist(movie: Movie):
    """Remove a movie from the caller's watchlist

    Any verified user. 400 `Movie not in your watchlist`.
    """
    watchlist.remove(current_user(), movie)
    return {"success": True}


@blp.route("/me/watchlist/", methods=["GET"])
@authenticated(VERIFIED)
@blp.arguments(WatchlistArgs, location="query")
@blp.response(200, WatchlistEntryCursorSchema)
@cursor(order=[(WatchlistEntry.id, True)])
def my_watchlist(args: dict):
    """The caller's watchlist

    Any verified user. A cursor page of the caller's entries on live movies, newest (highest id) first.
    """
    caller = current_user()
    return watchlist.entries_of(caller, caller, available=args["available"])


@blp.route("/users/<username:username>/watchlist/", methods=["GET"])
@authenticated(VERIFIED)
@resolves(owner=visible_watchlist)
@blp.arguments(WatchlistArgs, location="query")
@blp.response(200, WatchlistEntryCursorSchema)
@blp.alt_response(404, response="NOT_FOUND_OR_ERROR")
@cursor(order=[(WatchlistEntry.id, True)])
def user_watchlist(args: dict, owner: User):
    """A user's watchlist

    The user and their friends. As the caller's own watchlist; with `available=true` the **caller's** platforms
    count. Anyone else gets 404 `Watchlist not found` (after the generic 404 `User`).
    """
    return watchlist.entries_of(owner, current_user(), available=args["available"])


# --- Diary (API.md 15) ---------------------------------------------------------------------------


@blp.route("/movies/<movie_slug:slug>/watches/", methods=["POST"])
@authenticated(VERIFIED)
@resolves(movie=movie_by_slug)
@blp.arguments(WatchInputSchema, required=False)
@blp.response(201, WatchSchema)
def log_watch(data: dict, movie: Movie):
    """Log a watch of a movie

    Any verified user. Every key is optional and an empty body counts as `{}`. In one transaction: the watch is
    stored; a `rating` creates or changes the caller's rating of the movie as POST/PUT `ratings/` do; the movie
    leaves the caller's watchlist and loses its unseen mark. A `watched_on` after today (UTC) is 400
    `{"watched_on": ["Date cannot be in the future."]}`.
    """
    return watches.log_watch(current_user(), movie, data.get("watched_on"), data.get("rating"), data.get("note", ""))


@blp.route("/me/diary/<id:watch_id>/", methods=["DELETE"])
@authenticated(VERIFIED)
@resolves(watch=own_watch)
@blp.response(200, SuccessSchema)
def delete_watch(watch: Watch):
    """Delete one of the caller's watches

    Any verified user. Deleted for good; the rating it set stays. Another user's watch, or none, is the generic
    404 `Watch`.
    """
    watches.delete_watch(watch)
    return {"success": True}


@blp.route("/users/<username:username>/diary/", methods=["GET"])
@authenticated(VERIFIED)
@resolves(owner=visible_diary)
@blp.arguments(DiaryArgs, location="query")
@blp.response(200, WatchCursorSchema)
@blp.alt_response(404, response="NOT_FOUND_OR_ERROR")
@cursor(order=[(Watch.watched_on, True), (Watch.id, True)])
def user_diary(args: dict, owner: User):
    """A user's diary

    The user and their friends (the caller's own diary is under their username). A cursor page of the watches of
    live movies, latest `watched_on` first, then id descending; `year` keeps one calendar year. Anyone else gets
    404 `Diary not found` (after the generic 404 `User`).
    """
    return watches.diary_of(owner, args.get("year"))


@blp.route("/users/<username:username>/stats/", methods=["GET"])
@authenticated(VERIFIED)
@resolves(owner=visible_diary)
@blp.arguments(DiaryArgs, location="query")
@blp.response(200, DiaryStatsSchema)
@blp.alt_response(404, response="NOT_FOUND_OR_ERROR")
def user_stats(args: dict, owner: User):
    """A user's year in review

    The user and their friends; anyone else gets 404 `Diary not found`. Over the user's watches of live movies
    (in `year` when given): watches, distinct movies, rewatches, the user's current ratings of those movies
    (histogram and average), watches per month (with `year`), and the top 5 genres and persons by distinct movies.
    """
    return stats.diary_stats(owner, args.get("year"))
