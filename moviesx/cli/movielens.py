"""`movielens import DIR` (API.md 10.3)."""

from __future__ import annotations

import click

from moviesx.cli import CommandGroup
from moviesx.services.ops.movielens import MovieLensError, read_dataset
from moviesx.services.ops.movielens_import import import_dataset

movielens = CommandGroup("movielens", help="MovieLens data.")
commands = [movielens]


@movielens.command("import")
@click.argument("directory", type=click.Path())
def import_movielens(directory: str) -> None:
    """Upsert MovieLens-100k genres, movies, users and ratings (classic or atomic layout)."""
    try:
        dataset = read_dataset(directory)
    except (MovieLensError, OSError) as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from None
    report = import_dataset(dataset)
    click.echo(f"layout: {dataset.layout}")
    for line in report.lines():
        click.echo(line)
