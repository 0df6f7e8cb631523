"""Persons: actors and directors."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("persons", __name__, url_prefix="/api/persons", description="Persons: actors and directors")
