"""`seed demo` (API.md 10.1)."""

from __future__ import annotations

import click

from moviesx.cli import CommandGroup
from moviesx.services.ops.demo_data import SeedOptions
from moviesx.services.ops.demo_seed import seed_demo

seed = CommandGroup("seed", help="Synthetic data.")
commands = [seed]


@seed.command("demo")
@click.option("--users", default=25, show_default=True, type=click.IntRange(0, 10_000))
@click.option("--movies", default=150, show_default=True, type=click.IntRange(0, 100_000))
@click.option("--ratings", default=1500, show_default=True, type=click.IntRange(0, 10_000_000))
@click.option("--password", default="moviesx-demo-2024", show_default=True)
@click.option("--seed", "seed_value", default=42, show_default=True, type=int)
def demo(users: int, movies: int, ratings: int, password: str, seed_value: int) -> None:
    """Upsert deterministic demo data: catalogue, users, friendships, ratings, reviews, lists."""
    report = seed_demo(SeedOptions(users=users, movies=movies, ratings=ratings, password=password, seed=seed_value))
    for line in report.lines():
        click.echo(line)
