"""A committed rating is one event, `rating_changed`; what follows it (feed warm-up, retrain counter) is connected by
the app factory, per app."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from moviesx.extensions import db
from moviesx.models import Rating
from moviesx.services.feed.cache import warm_later
from moviesx.services.feed.recommender import note_rating_change
from moviesx.signals import rating_changed, ratings_changed, unseen_changed
from tests.factories import MovieFactory, UserFactory


def test_created_and_changed_ratings_are_announced_once_after_their_commit(app, as_user):
    user, movie = UserFactory(), MovieFactory()
    received = []

    def receiver(sender, *, user_id):
        with db.engine.connect() as connection:  # another connection sees only what is committed
            committed = connection.scalar(select(Rating.rating).where(Rating.user_id == user_id, Rating.movie_id == movie.id))
        received.append((sender, user_id, committed))

    with rating_changed.connected_to(receiver, sender=app):
        assert as_user(user).post(f"/api/movies/{movie.slug}/ratings/", json={"rating": 5}).status_code == 201
        assert as_user(user).post(f"/api/movies/{movie.slug}/ratings/", json={"rating": 4}).status_code == 400
        assert as_user(user).put(f"/api/movies/{movie.slug}/ratings/", json={"rating": 9}).status_code == 400
        assert as_user(user).put(f"/api/movies/{movie.slug}/ratings/", json={"rating": 3}).status_code == 200
        assert as_user(user).post(f"/api/movies/{movie.slug}/unseen/").status_code == 200
    assert received == [(app, user.id, 5), (app, user.id, 3)]


def test_the_app_factory_connects_the_receivers_to_its_own_app(app):
    assert set(rating_changed.receivers_for(app)) == {note_rating_change, warm_later}
    assert set(ratings_changed.receivers_for(app)) == {note_rating_change, warm_later}
    assert set(unseen_changed.receivers_for(app)) == {warm_later}
    assert list(rating_changed.receivers_for(Flask("other"))) == []  # nothing is connected at import time
