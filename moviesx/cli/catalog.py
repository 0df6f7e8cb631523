"""`catalog import FILE.json` (API.md 10.2)."""

from __future__ import annotations

import click

from moviesx.cli import CommandGroup
from moviesx.services.ops.catalog_import import CatalogImportError, import_file

catalog = CommandGroup("catalog", help="Manage the catalogue.")
commands = [catalog]


@catalog.command("import")
@click.argument("file", type=click.Path())
def import_catalog(file: str) -> None:
    """Upsert genres, platforms, awards, persons and movies from a JSON file, all or nothing."""
    try:
        tallies = import_file(file)
    except CatalogImportError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from None
    for kind, tally in tallies.items():
        click.echo(f"{kind}: {tally.created} created, {tally.updated} updated")
