"""`flask seed demo` (API.md 10.1)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from PIL import Image

from moviesx import models
from moviesx.extensions import db
from moviesx.services.accounts.passwords import verify_password
from moviesx.services.ops.demo_data import SeedOptions, build_catalogue

ARGS = ["seed", "demo", "--users", "6", "--movies", "12", "--ratings", "60", "--password", "demo-password-123"]


def run(app, *extra: str):
    result = app.test_cli_runner().invoke(args=[*ARGS, *extra])
    db.session.expire_all()
    assert result.exit_code == 0, result.output
    return dict(line.rsplit(": ", 1) for line in result.stdout.splitlines())


def test_seed_demo_creates_a_coherent_world_then_changes_nothing(app):
    first = run(app)
    assert first["genres"] == "18 created, 0 updated"
    assert first["awards"] == "10 created, 0 updated"
    assert first["platforms"] == "6 created, 0 updated"
    assert first["movies"] == "12 created, 0 updated"
    assert first["users"] == "6 created, 0 updated"

    assert sorted(a.category for a in models.Award.query.all()) == sorted(models.AWARD_CATEGORIES)
    users = models.User.query.filter(models.User.username.startswith("demo_")).order_by(models.User.username).all()
    assert [u.username for u in users] == [f"demo_{n:03d}" for n in range(1, 7)]
    assert [u.preferred_language for u in users] == ["en", "es", "fr", "de", "en", "es"]
    assert all(u.verified and u.boarded and 1 <= len(u.platforms) <= 3 for u in users)
    assert verify_password(users[0].password_hash, "demo-password-123")

    movie = models.Movie.query.first()
    assert sorted(t.language for t in movie.translations) == ["de", "es", "fr"]
    assert all(t.title and t.synopsis for t in movie.translations)
    cover = Path(app.config["MEDIA_ROOT"]) / movie.cover
    with Image.open(cover) as image:
        assert image.format == "PNG" and len(set(image.getdata())) == 1
    person = models.Person.query.first()
    assert person.image and person.biography and len(person.translations) == 3

    friendships = models.Friendship.query.all()
    pairs = {(f.user_id, f.friend_id) for f in friendships}
    assert pairs and all((b, a) in pairs for a, b in pairs)
    requests = models.FriendRequest.query.all()
    assert len(requests) * 2 == len(friendships)
    assert all(r.status == "A" and (r.pair_low, r.pair_high) == tuple(sorted((r.from_user_id, r.to_user_id))) for r in requests)

    stars = Counter(r.rating for r in models.Rating.query.all())
    assert 0 < sum(stars.values()) <= 60
    assert stars[3] + stars[4] + stars[5] > stars[1] + stars[2]
    assert models.Review.query.count() > 0 and models.Reaction.query.count() > 0
    lists = models.MovieList.query.all()
    assert {lst.privacity for lst in lists} == {"P", "F", "R"}
    assert all([item.position for item in lst.items] == list(range(len(lst.items))) for lst in lists)

    counts = {model: model.query.count() for model in (models.Rating, models.Review, models.Comment, models.MovieList)}
    second = run(app)
    assert all(value.startswith("0 created, 0 updated") for value in second.values()), second
    assert {model: model.query.count() for model in counts} == counts


def test_catalogue_is_deterministic_per_seed(tmp_path):
    options = SeedOptions(movies=20, seed=7)
    first = build_catalogue(options, tmp_path / "a")
    assert build_catalogue(options, tmp_path / "b") == {
        kind: [_relocated(entry, tmp_path / "a", tmp_path / "b") for entry in entries] for kind, entries in first.items()
    }
    other = build_catalogue(SeedOptions(movies=20, seed=8), tmp_path / "c")
    assert [m["release_date"] for m in other["movies"]] != [m["release_date"] for m in first["movies"]]
    assert len({m["slug"] for m in first["movies"]}) == 20
    assert (tmp_path / "a").is_dir()


def _relocated(entry: dict, old: Path, new: Path) -> dict:
    return {key: value.replace(str(old), str(new)) if isinstance(value, str) else value for key, value in entry.items()}


def test_seed_demo_fills_watchlists_and_diaries(app, clock):
    run(app)

    rated = {(r.user_id, r.movie_id): r.rating for r in models.Rating.query.all()}
    entries = models.WatchlistEntry.query.all()
    watches = models.Watch.query.all()
    assert entries and watches
    assert not any((e.user_id, e.movie_id) in rated for e in entries)
    assert all((w.user_id, w.movie_id) in rated and w.rating in (None, rated[(w.user_id, w.movie_id)]) for w in watches)
    assert all(w.watched_on <= clock.now.date() for w in watches)

    clock.advance(days=3)  # a later run, whose dates would differ, adds nothing
    second = run(app)
    assert (second["watchlist entries"], second["watches"]) == ("0 created, 0 updated", "0 created, 0 updated")
    assert (models.WatchlistEntry.query.count(), models.Watch.query.count()) == (len(entries), len(watches))
