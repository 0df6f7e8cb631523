"""`flask --app wsgi <command>`: every command group of API.md 10.1."""

from __future__ import annotations

from contextlib import contextmanager
from importlib import import_module

import click
from flask import Flask
from flask.cli import AppGroup

# Each module exposes `commands`: a list of click commands or groups.
COMMAND_MODULES = ("users", "worker", "seed", "catalog", "movielens", "recommender")


class CommandGroup(AppGroup):
    """A command group whose usage errors (a missing argument, a bad option) exit 1 like every other error (API.md 10);
    click's own code for them is 2."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        with _usage_errors_exit_1():
            return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context):
        with _usage_errors_exit_1():
            return super().invoke(ctx)


@contextmanager
def _usage_errors_exit_1():
    try:
        yield
    except click.UsageError as exc:
        exc.exit_code = 1
        raise


def register(app: Flask) -> None:
    for name in COMMAND_MODULES:
        for command in import_module(f"moviesx.cli.{name}").commands:
            app.cli.add_command(command)
