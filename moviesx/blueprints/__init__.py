"""One blueprint per domain; `register` mounts them all (documented ones through flask-smorest)."""

from __future__ import annotations

from importlib import import_module

from flask import Flask

from moviesx.extensions import api

# Modules whose `blp` is a flask-smorest Blueprint (documented in /api/schema/).
API_MODULES = (
    "accounts.auth",
    "accounts.oauth",
    "accounts.profile",
    "social.users",
    "catalog.movies",
    "social.movies",
    "feed",
    "catalog.persons",
    "catalog.references",
    "catalog.staff",
    "social.reviews",
    "lists",
    "diary",
    "accounts.me",
    "portability.export",
    "portability.imports",
    "activity",
)
# Plain Flask blueprints outside the API document.
PLAIN_MODULES = ("ops.operations", "ops.health", "ops.metrics", "ops.docs", "ops.media")


def register(app: Flask) -> None:
    for name in API_MODULES:
        api.register_blueprint(import_module(f"moviesx.blueprints.{name}").blp)
    for name in PLAIN_MODULES:
        module = import_module(f"moviesx.blueprints.{name}")
        if module.enabled(app):
            app.register_blueprint(module.bp)
