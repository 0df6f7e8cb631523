"""Google login."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("oauth", __name__, url_prefix="/api/oauth", description="Google login")
