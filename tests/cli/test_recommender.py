"""`flask recommender retrain | evaluate | schedule` (API.md 10.1, 10.4)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time

import pytest

from moviesx.cli.recommender import next_run, run_scheduler
from moviesx.services.feed import recommender
from tests.conftest import FakeClock
from tests.factories import UserFactory
from tests.support.recommender import movie, rate_many

# (user, item, stars, timestamp). User 1's items 4 and 5 share a timestamp: the lower id (4) goes to training.
RATINGS = [
    (1, 1, 5, 100), (1, 2, 4, 101), (1, 3, 4, 102), (1, 4, 2, 103), (1, 5, 5, 103),
    (2, 1, 5, 200), (2, 2, 5, 201), (2, 5, 4, 202), (2, 6, 3, 203), (2, 4, 4, 204),
    (3, 1, 4, 300), (3, 2, 1, 301), (3, 3, 2, 302), (3, 5, 5, 303), (3, 6, 2, 304),
]  # fmt: skip
ITEMS = [(1, "Toy Story", 1995), (2, "GoldenEye", 1995), (3, "Four Rooms", 1995), (4, "Get Shorty", 1995),
         (5, "Copycat", 1995), (6, "Shanghai Triad", 1995), (7, "Twelve Monkeys", 1995)]  # fmt: skip


def write_classic(directory) -> None:
    directory.mkdir()
    (directory / "u.data").write_text("".join(f"{u}\t{i}\t{r}\t{t}\n" for u, i, r, t in RATINGS))
    flags = "|".join(["0"] * 19)
    (directory / "u.item").write_text(
        "".join(f"{i}|{title} ({year})|01-Jan-{year}||http://example.invalid/|{flags}\n" for i, title, year in ITEMS),
        encoding="latin-1",
    )
    (directory / "u.genre").write_text("unknown|0\n")


def write_atomic(directory) -> None:
    directory.mkdir()
    (directory / "ml.inter").write_text(
        "user_id:token\titem_id:token\trating:float\ttimestamp:float\n"
        + "".join(f"{u}\t{i}\t{r}\t{t}\n" for u, i, r, t in RATINGS)
    )
    (directory / "ml.item").write_text(
        "item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq\n"
        + "".join(f"{i}\t{title}\t{year}\tComedy\n" for i, title, year in ITEMS)
    )


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_retrain_prints_counts(runner, app):
    users = UserFactory.create_batch(2)
    liked, disliked = movie(), movie()
    rate_many([(users[0], liked, 5), (users[1], liked, 3), (users[1], disliked, 1)])
    result = runner.invoke(args=["recommender", "retrain"])
    assert result.exit_code == 0
    assert result.stdout == "Model trained: 2 users, 1 movies, 2 ratings\n"
    assert recommender.stored_version() is not None


def test_retrain_without_ratings(runner):
    result = runner.invoke(args=["recommender", "retrain"])
    assert result.exit_code == 0
    assert result.stdout == "No ratings to train the model\n"
    assert recommender.stored_version() is None


@pytest.mark.parametrize("layout", [write_classic, write_atomic])
def test_evaluate_both_layouts(runner, tmp_path, layout):
    layout(tmp_path / "ml")
    result = runner.invoke(args=["recommender", "evaluate", str(tmp_path / "ml")])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    # Popularity order [1, 2, 5, 3, 4, 6, 7]: user 1 finds item 5 first, user 2 finds item 4 second.
    assert lines[0] == "users evaluated: 2"
    assert re.fullmatch(r"model       P@10=0\.0500 nDCG@10=0\.\d{4}", lines[1])
    assert lines[2] == "popularity  P@10=0.1000 nDCG@10=0.8155"
    # Three users: no 10th user to leave out of the training.
    assert lines[3:] == ["fold-in     P@10=0.0000 nDCG@10=0.0000", "fold-in popularity P@10=0.0000 nDCG@10=0.0000"]


def test_evaluate_folds_in_every_tenth_user(runner, tmp_path):
    """Users 10 and 20 are left out of training; folded in from their first four ratings of the niche movies, they
    rank their two test movies first among the niche movies left, which popularity never shows them."""
    niche, popular = range(1, 9), range(9, 29)
    rows = []
    for user in range(1, 21):
        if user in (10, 20):
            rows += [(user, item, 5, 1000 + item) for item in niche[:6]]
        elif user <= 4:
            rows += [(user, item, 5, 100 + item) for item in niche]
        else:
            rows += [(user, item, 5, 100 + item) for item in popular]
    directory = tmp_path / "ml"
    directory.mkdir()
    (directory / "u.data").write_text("".join(f"{u}\t{i}\t{r}\t{t}\n" for u, i, r, t in rows))
    flags = "|".join(["0"] * 19)
    (directory / "u.item").write_text("".join(f"{i}|Movie {i} (1995)|01-Jan-1995||x|{flags}\n" for i in range(1, 29)))
    result = runner.invoke(args=["recommender", "evaluate", str(directory)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "users evaluated: 20"
    assert lines[3] == "fold-in     P@10=0.2000 nDCG@10=1.0000"  # ranked first and second
    assert lines[4] == "fold-in popularity P@10=0.0000 nDCG@10=0.0000"


def test_evaluate_unreadable_directory(runner, tmp_path):
    result = runner.invoke(args=["recommender", "evaluate", str(tmp_path / "missing")])
    assert result.exit_code == 1
    assert "no MovieLens-100k files" in result.stderr


def test_next_run():
    at = time(3, 0)
    assert next_run(datetime(2026, 5, 1, 2, 59), at) == datetime(2026, 5, 1, 3, 0)
    assert next_run(datetime(2026, 5, 1, 3, 0), at) == datetime(2026, 5, 1, 3, 0)
    assert next_run(datetime(2026, 5, 1, 3, 0, 1), at) == datetime(2026, 5, 2, 3, 0)


def _ratings_for_training():
    users = UserFactory.create_batch(2)
    film = movie()
    rate_many([(u, film, 5) for u in users])


def test_scheduler_runs_one_daily_retrain_in_process(app):
    _ratings_for_training()
    clock = FakeClock(datetime(2026, 5, 1, 22, 30, tzinfo=UTC))
    app.config["CLOCK"] = clock
    trained_at: list[datetime] = []
    lines: list[str] = []

    def echo(line: str) -> None:
        lines.append(line)
        if line.startswith("Model trained"):
            trained_at.append(clock.now)

    run_scheduler(time(3, 0), sleep=lambda seconds: clock.advance(seconds=seconds), runs=1, echo=echo)
    assert lines == ["Next retrain at 2026-05-02T03:00:00Z", "Model trained: 2 users, 1 movies, 2 ratings"]
    assert trained_at == [datetime(2026, 5, 2, 3, 0, tzinfo=UTC)]
    assert recommender.stored_version() is not None


def test_scheduler_now_retrains_at_start(app):
    _ratings_for_training()
    clock = FakeClock(datetime(2026, 5, 1, 2, 0, tzinfo=UTC))
    app.config["CLOCK"] = clock
    lines: list[str] = []
    run_scheduler(time(3, 0), retrain_now=True, sleep=lambda s: clock.advance(seconds=s), runs=1, echo=lines.append)
    assert lines == [
        "Model trained: 2 users, 1 movies, 2 ratings",
        "Next retrain at 2026-05-01T03:00:00Z",
        "Model trained: 2 users, 1 movies, 2 ratings",
    ]


def test_schedule_rejects_a_bad_time(runner):
    result = runner.invoke(args=["recommender", "schedule", "--at", "3pm"])
    assert result.exit_code == 1
    assert result.stderr == "Invalid time '3pm': use HH:MM (UTC)\n"


class TestWithRedis:
    @pytest.fixture
    def app_config(self, redis_app_config):
        return redis_app_config

    def test_scheduler_enqueues_on_the_default_queue(self, app):
        from moviesx.services.jobs import queue

        clock = FakeClock(datetime(2026, 5, 1, 2, 0, tzinfo=UTC))
        app.config["CLOCK"] = clock
        lines: list[str] = []
        run_scheduler(time(3, 0), sleep=lambda s: clock.advance(seconds=s), runs=1, echo=lines.append)
        assert lines == ["Next retrain at 2026-05-01T03:00:00Z", "Retrain enqueued"]
        jobs = queue("default").jobs
        assert [job.func_name for job in jobs] == ["moviesx.tasks.recommender.retrain_model"]
