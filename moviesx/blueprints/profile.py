"""The caller's own account: profile, language, onboarding."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "profile",
    __name__,
    url_prefix="/api/users",
    description="The caller's own account: profile, language, onboarding",
)
