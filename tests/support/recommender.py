"""Small builders for recommendation tests: movies with a release date and popularity, ratings, unseen marks."""

from __future__ import annotations

from datetime import date, timedelta

from moviesx.clock import today
from moviesx.extensions import db
from moviesx.models import Movie, Rating, UnseenMark, movie_actors, movie_awards, movie_genres, movie_platforms
from moviesx.services.feed.recommender import current_model
from tests.factories import MovieFactory


def movie(*, released: date | None = None, days_ahead: int | None = None, popularity: float = 0.0, **kwargs):
    if days_ahead is not None:
        released = today() + timedelta(days=days_ahead)
    return MovieFactory(release_date=released or date(2010, 1, 1), popularity=popularity, **kwargs)


def rate(user, movie_, stars: int) -> Rating:
    rating = Rating(user_id=user.id, movie_id=movie_.id, rating=stars)
    db.session.add(rating)
    db.session.commit()
    return rating


def rate_many(pairs) -> None:
    """Bulk ratings: an iterable of (user, movie, stars)."""
    db.session.add_all(Rating(user_id=u.id, movie_id=m.id, rating=s) for u, m, s in pairs)
    db.session.commit()


def mark_unseen(user, movie_) -> None:
    db.session.add(UnseenMark(user_id=user.id, movie_id=movie_.id))
    db.session.commit()


def ids(movies) -> list[int]:
    return [m.id for m in movies]


def many_movies(count: int, *, genre=None, platform=None, award=None, actor=None, every: int = 2) -> list[Movie]:
    """`count` movies (popularity 0..count-1) in one commit; every `every`-th gets the platform, award and actor."""
    films = MovieFactory.build_batch(count)
    for position, film in enumerate(films):
        film.popularity = float(position)
    db.session.add_all(films)
    db.session.flush()
    links = [
        (movie_genres, "genre_id", genre, films),
        (movie_platforms, "platform_id", platform, films[::every]),
        (movie_awards, "award_id", award, films[::every]),
        (movie_actors, "person_id", actor, films[::every]),
    ]
    for table, column, target, chosen in links:
        if target is not None:
            db.session.execute(table.insert(), [{"movie_id": film.id, column: target.id} for film in chosen])
    db.session.commit()
    return films


def hand_built_model(movies, item_factors, *, regularization: float = 0.5, alpha: float = 1.0):
    """Store a model whose item factors the test chooses (rows follow `movies`, ascending ids), as a training would."""
    import numpy as np

    from moviesx.services.feed import recommender

    item_factors = np.asarray(item_factors, dtype=np.float32)
    settings = {"factors": item_factors.shape[1], "regularization": regularization, "alpha": alpha, "iterations": 1}
    factors = recommender.Factors(
        user_ids=np.empty(0, dtype=np.int64),
        item_ids=np.asarray(ids(movies), dtype=np.int64),
        user_factors=np.empty((0, item_factors.shape[1]), dtype=np.float32),
        item_factors=item_factors,
        ratings=0,
        settings=settings,
    )
    assert np.all(np.diff(factors.item_ids) > 0)
    recommender.store(factors, settings)
    return factors


def implicit_als(model):
    """implicit's own ALS object over the same item factors and settings: an independent computation of fold-in
    (`recalculate_user`) and of the per-item explanation (`explain`)."""
    from implicit.cpu.als import AlternatingLeastSquares

    als = AlternatingLeastSquares(
        factors=model.item_factors.shape[1],
        regularization=model.settings["regularization"],
        alpha=model.settings["alpha"],
        random_state=42,
    )
    als.item_factors = model.item_factors.copy()
    als.user_factors = None
    return als


def user_items(model, weights: dict):
    """One user's row for implicit: {movie: star weight (stars - 2)} over the model's items."""
    import numpy as np
    from scipy.sparse import csr_matrix

    positions = [int(np.searchsorted(model.item_ids, m.id)) for m in weights]
    return csr_matrix(
        (np.asarray(list(weights.values()), dtype=np.float32), ([0] * len(weights), positions)), shape=(1, len(model.item_ids))
    )


def model_ranking(user_id: int, count: int) -> list[int] | None:
    """The trained model's own best `count` movie ids for a user it was trained on (None: no model, or unknown)."""
    model = current_model()
    return None if model is None else model.ranking(user_id, count)
