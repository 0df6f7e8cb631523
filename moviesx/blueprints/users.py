"""Users, friends, friend requests and suggestions."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("users", __name__, url_prefix="/api/users", description="Users, friends, friend requests and suggestions")
