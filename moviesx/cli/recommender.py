"""`recommender retrain | evaluate DIR | schedule [--at 03:00] [--now]` (API.md 10.1, 10.4, 10.5)."""

from __future__ import annotations

import logging
import re
import time as time_module
from collections.abc import Callable
from datetime import datetime, time, timedelta

import click
from flask import current_app

from moviesx.cli import CommandGroup
from moviesx.clock import utcnow
from moviesx.services.feed import recommender

log = logging.getLogger("moviesx.recommender")
recommender_group = CommandGroup("recommender", help="Train, evaluate and schedule the recommendation model.")
commands = [recommender_group]


def fail(message: str) -> None:
    click.echo(message, err=True)
    raise SystemExit(1)


@recommender_group.command("retrain")
def retrain() -> None:
    """Train synchronously on the current ratings and store the model."""
    try:
        result = recommender.retrain()
    except Exception as exc:  # noqa: BLE001 - the command reports the failure and keeps the previous model
        log.exception("Training failed")
        fail(f"Training failed: {exc}")
    click.echo(recommender.NO_RATINGS if result is None else result.message())


@recommender_group.command("evaluate")
@click.argument("directory", type=click.Path(file_okay=False))
def evaluate(directory: str) -> None:
    """Offline P@10 / nDCG@10 on MovieLens-100k, model versus popularity (no database access)."""
    from moviesx.services.ops.evaluation import DatasetError, read_movielens
    from moviesx.services.ops.evaluation import evaluate as run_evaluation

    try:
        data = read_movielens(directory)
    except (OSError, DatasetError, ValueError) as exc:
        fail(f"Cannot read MovieLens data: {exc}")
    report = run_evaluation(data, recommender.settings_from_config(current_app.config))
    for line in report.lines():
        click.echo(line)


def parse_daily_time(value: str) -> time:
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", value.strip())
    if not match:
        raise ValueError(f"Invalid time '{value}': use HH:MM (UTC)")
    return time(int(match.group(1)), int(match.group(2)))


def next_run(now: datetime, at: time) -> datetime:
    """The first moment at or after `now` whose UTC time of day is `at`."""
    candidate = datetime.combine(now.date(), at)
    return candidate if candidate >= now else candidate + timedelta(days=1)


def trigger_retrain() -> str:
    """Enqueue a retrain on the `default` queue, or retrain in this process when REDIS_URL is unset."""
    from moviesx.services.feed.recommender import RETRAIN_JOB
    from moviesx.services.jobs import enqueue
    from moviesx.tasks.recommender import retrain_model

    if current_app.config.get("REDIS_URL"):
        enqueue(RETRAIN_JOB)
        return "Retrain enqueued"
    return retrain_model()


def run_scheduler(
    at: time,
    *,
    retrain_now: bool = False,
    sleep: Callable[[float], None] = time_module.sleep,
    clock: Callable[[], datetime] = utcnow,
    runs: int | None = None,
    echo: Callable[[str], None] = click.echo,
) -> None:
    """Retrain every day at `at` (UTC); `runs` bounds the number of daily runs (tests run one)."""
    if retrain_now:
        echo(_safely(trigger_retrain))
    done = 0
    while runs is None or done < runs:
        due = next_run(clock(), at)
        echo(f"Next retrain at {due.isoformat()}Z")
        while (remaining := (due - clock()).total_seconds()) > 0:
            sleep(min(remaining, 3600.0))
        echo(_safely(trigger_retrain))
        done += 1
        if clock() < due + timedelta(seconds=1):
            sleep(1.0)  # never fire twice for the same minute


def _safely(action: Callable[[], str]) -> str:
    try:
        return action()
    except Exception as exc:  # noqa: BLE001 - one failed run must not stop the scheduler
        log.exception("Scheduled retrain failed")
        return f"Retrain failed: {exc}"


@recommender_group.command("schedule")
@click.option("--at", "at_value", default="03:00", show_default=True, help="Daily UTC time HH:MM.")
@click.option("--now", "retrain_now", is_flag=True, help="Also retrain once at start.")
def schedule(at_value: str, retrain_now: bool) -> None:
    """Foreground scheduler: a daily retrain at the given UTC time. Run one per deployment."""
    try:
        at = parse_daily_time(at_value)
    except ValueError as exc:
        fail(str(exc))
    run_scheduler(at, retrain_now=retrain_now)
