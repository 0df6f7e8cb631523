"""One blueprint per domain; `register` mounts them all (documented ones through flask-smorest)."""

from __future__ import annotations

from importlib import import_module

from flask import Flask

from moviesx.extensions import api

# Modules whose `blp` is a flask-smorest Blueprint (documented in /api/schema/).
API_MODULES = (
    "auth",
    "oauth",
    "profile",
    "users",
    "movies",
    "movie_social",
    "feed",
    "persons",
    "catalog",
    "staff_catalog",
    "reviews",
    "lists",
)
# Plain Flask blueprints outside the API document.
PLAIN_MODULES = ("operations", "health", "metrics", "docs", "media")


def register(app: Flask) -> None:
    for name in API_MODULES:
        api.register_blueprint(import_module(f"moviesx.blueprints.{name}").blp)
    for name in PLAIN_MODULES:
        module = import_module(f"moviesx.blueprints.{name}")
        if module.enabled(app):
            app.register_blueprint(module.bp)
