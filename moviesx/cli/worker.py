"""`rq worker`: runs email and retrain jobs from Redis."""

from __future__ import annotations

import click
from flask import current_app
from rq import SimpleWorker

from moviesx.cli import CommandGroup
from moviesx.tasks.queue import QUEUE_NAME, redis_connection

rq_group = CommandGroup("rq", help="Background job worker.")
commands = [rq_group]


@rq_group.command("worker")
@click.option("--queue", "queue_names", multiple=True, default=[QUEUE_NAME], show_default=True)
@click.option("--burst", is_flag=True, help="Exit once the queues are empty.")
def worker(queue_names: tuple[str, ...], burst: bool) -> None:
    """Process jobs inside this app context (no fork per job, so the loaded model stays warm)."""
    if not current_app.config.get("REDIS_URL"):
        click.echo("REDIS_URL is not set", err=True)
        raise SystemExit(1)
    connection = redis_connection()
    SimpleWorker(list(queue_names), connection=connection).work(burst=burst, with_scheduler=True)
