"""The caller's data as one JSON document (API.md 18): everything they own, live objects only.

Each section is one query that reads only the caller's rows (joined to the movies, reviews or users they name),
so an export costs the same dozen queries however much the caller owns, and reads nothing of other users beyond
the usernames of friends and friend requests. Sections are built as plain rows; the schema only formats them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased

from moviesx.clock import utcnow
from moviesx.extensions import db
from moviesx.models import (
    Comment,
    FriendRequest,
    Friendship,
    Movie,
    MovieList,
    MovieListItem,
    Person,
    Platform,
    Rating,
    Reaction,
    Review,
    UnseenMark,
    User,
    Watch,
    WatchlistEntry,
    user_following_persons,
    user_platforms,
)

EXPORT_FORMAT = "moviesx-export"
EXPORT_VERSION = 1


def filename(user: User, at: datetime) -> str:
    return f"moviesx-{user.username}-{at:%Y%m%d}.json"


def export(user: User) -> dict[str, Any]:
    """The export document of `user` (dumped by moviesx.schemas.portability.export.ExportSchema)."""
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": utcnow(),
        "profile": _profile(user),
        "ratings": _ratings(user.id),
        "reviews": _reviews(user.id),
        "comments": _comments(user.id),
        "reactions": _reactions(user.id),
        "unseen": _unseen(user.id),
        "watchlist": _watchlist(user.id),
        "diary": _diary(user.id),
        "lists": _lists(user.id),
        "friends": _friends(user.id),
        "friend_requests": _friend_requests(user.id),
    }


def _rows(statement) -> list[dict[str, Any]]:
    return [dict(row) for row in db.session.execute(statement).mappings()]


def _live_movie():
    return Movie.deleted_at.is_(None)


def _profile(user: User) -> dict[str, Any]:
    platforms = select(Platform.slug).join(user_platforms, user_platforms.c.platform_id == Platform.id)
    persons = select(Person.slug).join(user_following_persons, user_following_persons.c.person_id == Person.id)
    return {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "bio": user.bio,
        "preferred_language": user.preferred_language,
        "verified": user.verified,
        "boarded": user.boarded,
        "date_joined": user.created_at,
        "platforms": list(db.session.scalars(platforms.where(user_platforms.c.user_id == user.id).order_by(Platform.id))),
        "following_persons": list(
            db.session.scalars(persons.where(user_following_persons.c.user_id == user.id).order_by(Person.id))
        ),
    }


def _ratings(user_id: int) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Movie.slug, Movie.title, Movie.release_date, Rating.rating, Rating.created_at)
        .join(Movie, Movie.id == Rating.movie_id)
        .where(Rating.user_id == user_id, _live_movie())
        .order_by(Rating.id)
    )
    return [
        {"movie": slug, "title": title, "year": released.year, "rating": rating, "created_at": created_at}
        for slug, title, released, rating, created_at in rows
    ]


def _reviews(user_id: int) -> list[dict[str, Any]]:
    return _rows(
        select(Review.id, Movie.slug.label("movie"), Review.title, Review.content, Review.is_positive, Review.created_at)
        .join(Movie, Movie.id == Review.movie_id)
        .where(Review.user_id == user_id, _live_movie())
        .order_by(Review.id)
    )


def _comments(user_id: int) -> list[dict[str, Any]]:
    return _rows(
        select(
            Comment.id,
            Comment.review_id.label("review"),
            Comment.parent_id.label("reply_to"),
            Comment.content,
            Comment.created_at,
        )
        .join(Review, Review.id == Comment.review_id)
        .join(Movie, Movie.id == Review.movie_id)
        .where(Comment.user_id == user_id, _live_movie())
        .order_by(Comment.id)
    )


def _reactions(user_id: int) -> list[dict[str, Any]]:
    """Live reactions on live reviews and comments (soft-deleted targets are left out by the loader criteria)."""
    on_review = Review.id == Reaction.review_id
    on_comment = Comment.id == Reaction.comment_id
    return _rows(
        select(
            Reaction.emoji.label("emoji_code"),
            Reaction.review_id.label("review"),
            Reaction.comment_id.label("comment"),
            Reaction.created_at,
        )
        .outerjoin(Review, on_review)
        .outerjoin(Comment, on_comment)
        .where(
            Reaction.user_id == user_id,
            or_(and_(Reaction.review_id.is_not(None), Review.id.is_not(None)), Comment.id.is_not(None)),
        )
        .order_by(Reaction.id)
    )


def _unseen(user_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(Movie.slug)
            .join(UnseenMark, UnseenMark.movie_id == Movie.id)
            .where(UnseenMark.user_id == user_id)
            .order_by(UnseenMark.created_at, Movie.id)
        )
    )


def _watchlist(user_id: int) -> list[dict[str, Any]]:
    return _rows(
        select(Movie.slug.label("movie"), WatchlistEntry.created_at)
        .join(Movie, Movie.id == WatchlistEntry.movie_id)
        .where(WatchlistEntry.user_id == user_id)
        .order_by(WatchlistEntry.id)
    )


def _diary(user_id: int) -> list[dict[str, Any]]:
    return _rows(
        select(Movie.slug.label("movie"), Watch.watched_on, Watch.rating, Watch.note, Watch.created_at)
        .join(Movie, Movie.id == Watch.movie_id)
        .where(Watch.user_id == user_id)
        .order_by(Watch.watched_on, Watch.id)
    )


def _lists(user_id: int) -> list[dict[str, Any]]:
    """Every list of the caller (the owner sees them all), each with its live movies in list order: two queries."""
    lists = _rows(
        select(MovieList.id, MovieList.name, MovieList.slug, MovieList.description, MovieList.privacity, MovieList.created_at)
        .where(MovieList.user_id == user_id)
        .order_by(MovieList.id)
    )
    movies: dict[int, list[str]] = {row["id"]: [] for row in lists}
    items = db.session.execute(
        select(MovieListItem.movie_list_id, Movie.slug)
        .join(MovieList, MovieList.id == MovieListItem.movie_list_id)
        .join(Movie, Movie.id == MovieListItem.movie_id)
        .where(MovieList.user_id == user_id)
        .order_by(MovieListItem.movie_list_id, MovieListItem.position)
    )
    for list_id, slug in items:
        movies[list_id].append(slug)
    return [{**row, "description": row["description"] or "", "movies": movies[row["id"]]} for row in lists]


def _friends(user_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(User.username)
            .join(Friendship, Friendship.friend_id == User.id)
            .where(Friendship.user_id == user_id, User.is_active.is_(True))
            .order_by(User.id)
        )
    )


def _friend_requests(user_id: int) -> list[dict[str, Any]]:
    sender, recipient = aliased(User), aliased(User)
    return _rows(
        select(
            sender.username.label("from_user"),
            recipient.username.label("to_user"),
            FriendRequest.status,
            FriendRequest.created_at,
        )
        .join(sender, sender.id == FriendRequest.from_user_id)
        .join(recipient, recipient.id == FriendRequest.to_user_id)
        .where(or_(FriendRequest.from_user_id == user_id, FriendRequest.to_user_id == user_id))
        .order_by(FriendRequest.id)
    )
