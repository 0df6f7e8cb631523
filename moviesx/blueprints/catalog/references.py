"""Genres, platforms and awards (API.md 5.7)."""

from __future__ import annotations

from sqlalchemy import select

from moviesx.extensions import db
from moviesx.http.auth import VERIFIED, authenticated
from moviesx.http.blueprint import Blueprint, resolves
from moviesx.http.lookup import get_or_404
from moviesx.models import Award, Genre, Platform
from moviesx.schemas.catalog.items import AwardSchema, GenreSchema, PlatformSchema

blp = Blueprint(
    "catalog",
    __name__,
    url_prefix="/api",
    title="Genres, platforms and awards",
    description="The catalogue's genres, platforms and awards, as movies and persons show them. Genre names and "
    "award category labels come in the caller's language. Staff manage them under /api/catalog/.",
)


def award_by_slug(slug: str) -> Award:
    return get_or_404(Award, Award.slug, slug)


@blp.route("/genres/", methods=["GET"])
@authenticated(VERIFIED)
@blp.response(200, GenreSchema(many=True))
def genre_list():
    """List genres

    Any verified user. Every live genre, by id, as a plain array (not paginated). These slugs are the
    values of the movie search's `genres[]`.
    """
    return db.session.scalars(select(Genre).order_by(Genre.id)).all()


@blp.route("/platforms/", methods=["GET"])
@authenticated(VERIFIED)
@blp.response(200, PlatformSchema(many=True))
def platform_list():
    """List platforms

    Any verified user. Every live streaming platform, by id, as a plain array (not paginated). These slugs
    are the values of the movie search's `platforms[]` and of a profile's `platforms`.
    """
    return db.session.scalars(select(Platform).order_by(Platform.id)).all()


@blp.route("/awards/<slug>/", methods=["GET"])
@authenticated(VERIFIED)
@resolves(award=award_by_slug)
@blp.response(200, AwardSchema)
def award_detail(award: Award):
    """Get an award

    Any verified user. The award a movie's `awards` URL points to, with its category label in the caller's
    language. A soft-deleted award is the generic 404.
    """
    return award
