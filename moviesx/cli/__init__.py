"""`flask --app wsgi <command>`: every command group of API.md 10.1."""

from __future__ import annotations

from importlib import import_module

from flask import Flask

# Each module exposes `commands`: a list of click commands or groups.
COMMAND_MODULES = ("users", "worker", "seed", "catalog", "movielens", "recommender")


def register(app: Flask) -> None:
    for name in COMMAND_MODULES:
        for command in import_module(f"moviesx.cli.{name}").commands:
            app.cli.add_command(command)
