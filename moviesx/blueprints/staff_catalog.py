"""Staff catalogue management."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("staff_catalog", __name__, url_prefix="/api/catalog", description="Staff catalogue management")
