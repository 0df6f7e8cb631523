"""Genres, platforms and awards."""

from __future__ import annotations

from flask_smorest import Blueprint
from sqlalchemy import select

from moviesx.extensions import db
from moviesx.http.auth import VERIFIED, authenticated
from moviesx.http.lookup import get_or_404
from moviesx.models import Award, Genre, Platform
from moviesx.schemas.catalog import AwardSchema, GenreSchema, PlatformSchema

blp = Blueprint("catalog", __name__, url_prefix="/api", description="Genres, platforms and awards")


@blp.route("/genres/", methods=["GET"])
@authenticated(VERIFIED)
@blp.response(200, GenreSchema(many=True))
def genre_list():
    """Every live genre, by id (a plain array)."""
    return db.session.scalars(select(Genre).order_by(Genre.id)).all()


@blp.route("/platforms/", methods=["GET"])
@authenticated(VERIFIED)
@blp.response(200, PlatformSchema(many=True))
def platform_list():
    """Every live platform, by id (a plain array)."""
    return db.session.scalars(select(Platform).order_by(Platform.id)).all()


@blp.route("/awards/<slug>/", methods=["GET"])
@authenticated(VERIFIED)
@blp.response(200, AwardSchema)
def award_detail(slug: str):
    return get_or_404(Award, Award.slug, slug)
