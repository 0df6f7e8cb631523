"""Why this movie (API.md 17): the reasons of each movie of the caller's feed.

The feed's computation records its provenance (which movies came from the model, the popularity fallback or the
padding, and which of the caller's liked movies explain each model score, from the same folded-in factors that
ranked it); the feed cache stores it with the body, so both routes answer from the same ranking. Friends' likes
and awards are read when the reasons are asked for: the cache entry they come with is current, so they have not
changed since the feed was computed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from moviesx.extensions import db
from moviesx.models import Award, Movie, Rating, User, movie_awards
from moviesx.services.feed.friend_likes import FRIEND_LIKES_AT_LEAST
from moviesx.services.feed.recommendations import MODEL, Ranking
from moviesx.services.social.friends import friend_ids

BECAUSE_YOU_LIKED, FRIENDS_LIKED, AWARDS, POPULAR, PADDING = "because_you_liked", "friends_liked", "awards", "popular", "padding"
SHOWN = 3  # URLs per reason


@dataclass(frozen=True)
class Provenance:
    """Where each movie of a computed feed came from: the first `candidates` of `movie_ids` from `source`, the rest
    from padding; `liked` = model candidate -> the caller's liked movies that explain it, largest first."""

    movie_ids: tuple[int, ...]
    source: str
    candidates: int
    liked: dict[int, list[int]] = field(default_factory=dict)


def provenance_of(ranking: Ranking) -> Provenance:
    candidates = ranking.movie_ids[: ranking.candidates]
    liked = ranking.folded.explain(candidates) if ranking.source == MODEL and ranking.folded is not None else {}
    return Provenance(tuple(ranking.movie_ids), ranking.source, ranking.candidates, liked)


@dataclass(frozen=True)
class Reason:
    """One reason; the schema turns slugs and usernames into URLs."""

    kind: str
    movies: list[str] | None = None  # slugs (because_you_liked)
    users: list[str] | None = None  # usernames (friends_liked)
    count: int | None = None
    awards: list[str] | None = None  # slugs


def reasons_for(user: User, provenance: Provenance) -> dict[int, list[Reason]]:
    """Movie id -> its reasons in the order of API.md 17 (three queries whatever the feed's size)."""
    movie_ids = list(provenance.movie_ids)
    liked_slugs = _slugs({liked for movies in provenance.liked.values() for liked in movies})
    friends = _friends_who_liked(user.id, movie_ids)
    awards = _live_awards(movie_ids)
    reasons = {}
    for position, movie_id in enumerate(movie_ids):
        found = []
        liked = [liked_slugs[liked] for liked in provenance.liked.get(movie_id, ()) if liked in liked_slugs]
        if liked:
            found.append(Reason(BECAUSE_YOU_LIKED, movies=liked))
        if friends.get(movie_id):
            found.append(Reason(FRIENDS_LIKED, users=friends[movie_id][:SHOWN], count=len(friends[movie_id])))
        if awards.get(movie_id):
            found.append(Reason(AWARDS, awards=awards[movie_id][:SHOWN]))
        if position >= provenance.candidates:
            found.append(Reason(PADDING))
        elif provenance.source != MODEL:
            found.append(Reason(POPULAR))
        reasons[movie_id] = found
    return reasons


def _slugs(movie_ids: set[int]) -> dict[int, str]:
    if not movie_ids:
        return {}
    return dict(db.session.execute(select(Movie.id, Movie.slug).where(Movie.id.in_(movie_ids))).all())


def _friends_who_liked(user_id: int, movie_ids: list[int]) -> dict[int, list[str]]:
    """Movie id -> usernames of the user's active friends who rated it >= 4, most recent rating first."""
    if not movie_ids:
        return {}
    rows = db.session.execute(
        select(Rating.movie_id, User.username)
        .join(User, User.id == Rating.user_id)
        .where(
            Rating.movie_id.in_(movie_ids),
            Rating.rating >= FRIEND_LIKES_AT_LEAST,
            Rating.user_id.in_(friend_ids(user_id)),
        )
        .order_by(Rating.movie_id, Rating.updated_at.desc(), Rating.id.desc())
    ).all()
    friends: dict[int, list[str]] = {}
    for movie_id, username in rows:
        friends.setdefault(movie_id, []).append(username)
    return friends


def _live_awards(movie_ids: list[int]) -> dict[int, list[str]]:
    """Movie id -> slugs of its live awards, by award id."""
    if not movie_ids:
        return {}
    rows = db.session.execute(
        select(movie_awards.c.movie_id, Award.slug)
        .join(Award, Award.id == movie_awards.c.award_id)
        .where(movie_awards.c.movie_id.in_(movie_ids), Award.deleted_at.is_(None))
        .order_by(movie_awards.c.movie_id, Award.id)
    ).all()
    awards: dict[int, list[str]] = {}
    for movie_id, slug in rows:
        awards.setdefault(movie_id, []).append(slug)
    return awards
