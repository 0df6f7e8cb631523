"""Genres, platforms and awards."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("catalog", __name__, url_prefix="/api", description="Genres, platforms and awards")
