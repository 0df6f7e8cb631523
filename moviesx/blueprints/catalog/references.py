"""Genres, platforms and awards (API.md 5.7)."""

from __future__ import annotations

from moviesx.http.auth import VERIFIED, authenticated
from moviesx.http.blueprint import Blueprint, resolves
from moviesx.http.conditional import Representation
from moviesx.schemas.catalog.items import AwardSchema, GenreSchema, PlatformSchema
from moviesx.services.catalog import representations

blp = Blueprint(
    "catalog",
    __name__,
    url_prefix="/api",
    title="Genres, platforms and awards",
    description="The catalogue's genres, platforms and awards, as movies and persons show them. Genre names and "
    "award category labels come in the caller's language. Staff manage them under /api/catalog/. Each answer "
    "carries an `ETag` for `If-None-Match` (304 while the body is unchanged).",
)


@blp.route("/genres/", methods=["GET"])
@authenticated(VERIFIED)
@blp.conditional_response(GenreSchema(many=True))
def genre_list():
    """List genres

    Any verified user. Every live genre, by id, as a plain array (not paginated). These slugs are the
    values of the movie search's `genres[]`.
    """
    return representations.genres()


@blp.route("/platforms/", methods=["GET"])
@authenticated(VERIFIED)
@blp.conditional_response(PlatformSchema(many=True))
def platform_list():
    """List platforms

    Any verified user. Every live streaming platform, by id, as a plain array (not paginated). These slugs
    are the values of the movie search's `platforms[]` and of a profile's `platforms`.
    """
    return representations.platforms()


@blp.route("/awards/<slug>/", methods=["GET"])
@authenticated(VERIFIED)
@resolves(award=representations.award)
@blp.conditional_response(AwardSchema)
def award_detail(award: Representation):
    """Get an award

    Any verified user. The award a movie's `awards` URL points to, with its category label in the caller's
    language. A soft-deleted award is the generic 404.
    """
    return award
