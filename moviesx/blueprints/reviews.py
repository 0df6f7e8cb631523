"""Reviews, comments, replies, reactions and translations (API.md 5.5, 6.4-6.6, 6.8)."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Response
from flask_smorest import Blueprint

from moviesx.http.auth import VERIFIED, authenticated, current_user
from moviesx.http.body import accepts, load_json
from moviesx.http.language import active_language
from moviesx.http.pagination import cursor_envelope
from moviesx.models import Comment, Review
from moviesx.schemas.social import (
    CommentCursorSchema,
    CommentInputSchema,
    CommentSchema,
    CommentTranslationSchema,
    ReactionCreatedSchema,
    ReactionInputSchema,
    ReactionSummarySchema,
    ReviewInputSchema,
    ReviewSchema,
    ReviewTranslationSchema,
)
from moviesx.services import reactions, reviews, translator

blp = Blueprint("reviews", __name__, url_prefix="/api/reviews", description="Reviews, comments, replies and reactions")

NO_CONTENT = 204


def _dump_comments(comments: Sequence[Comment]) -> list[dict]:
    return CommentSchema(many=True, replied_ids=reviews.replied_ids(c.id for c in comments)).dump(comments)


def _dump_comment(comment: Comment) -> dict:
    return _dump_comments([comment])[0]


def _comment(review_id: int, comment_id: int) -> tuple[Review, Comment]:
    review = reviews.review_or_404(review_id)
    return review, reviews.comment_or_404(review, comment_id)


# --- Reviews -------------------------------------------------------------------------------------


@blp.route("/<id:review_id>/", methods=["GET"])
@authenticated(VERIFIED)
@blp.response(200, ReviewSchema)
def review_detail(review_id):
    return reviews.review_or_404(review_id)


@blp.route("/<id:review_id>/", methods=["PUT"])
@authenticated(VERIFIED)
@accepts(ReviewInputSchema)
@blp.response(200, ReviewSchema)
def edit_review(review_id):
    review = reviews.review_or_404(review_id)
    reviews.require_owner(review.user_id, current_user(), "You can only edit your own reviews")
    return reviews.update_review(review, load_json(ReviewInputSchema()))


@blp.route("/<id:review_id>/", methods=["DELETE"])
@authenticated(VERIFIED)
@blp.response(204)
def delete_review(review_id):
    review = reviews.review_or_404(review_id)
    reviews.require_owner(review.user_id, current_user(), "You can only delete your own reviews")
    reviews.delete_review(review)
    return Response(status=NO_CONTENT)


@blp.route("/<id:review_id>/translations/", methods=["GET"])
@authenticated(VERIFIED, bucket="translation")
@blp.response(200)
@blp.alt_response(200, schema=ReviewTranslationSchema)
def review_translations(review_id):
    review = reviews.review_or_404(review_id)
    language, payer = active_language(), current_user().id
    return {
        "title": translator.translate(review.title, language, payer),
        "content": translator.translate(review.content, language, payer),
    }


@blp.route("/<id:review_id>/reactions/", methods=["GET"])
@authenticated(VERIFIED)
@blp.response(200)
@blp.alt_response(200, schema=ReactionSummarySchema)
def review_reactions(review_id):
    return reactions.summary(reviews.review_or_404(review_id), current_user())


@blp.route("/<id:review_id>/reactions/", methods=["POST"])
@authenticated(VERIFIED)
@accepts(ReactionInputSchema)
@blp.response(200)
@blp.alt_response(200, schema=ReactionCreatedSchema)
def react_to_review(review_id):
    review = reviews.review_or_404(review_id)
    data = load_json(ReactionInputSchema())
    return {"status": True, "id": reactions.react(current_user(), review, data["emoji_code"]).id}


@blp.route("/<id:review_id>/reactions/<id:reaction_id>/", methods=["DELETE"])
@authenticated(VERIFIED)
@blp.response(204)
def remove_review_reaction(review_id, reaction_id):
    review = reviews.review_or_404(review_id)
    reactions.remove(current_user(), reactions.reaction_or_404(review, reaction_id))
    return Response(status=NO_CONTENT)


# --- Comments ------------------------------------------------------------------------------------


@blp.route("/<id:review_id>/comments/", methods=["GET"])
@authenticated(VERIFIED)
@blp.response(200)
@blp.alt_response(200, schema=CommentCursorSchema)
def review_comments(review_id):
    review = reviews.review_or_404(review_id)
    return cursor_envelope(reviews.top_level_comments(review), _dump_comments, order=[(Comment.id, True)], default_limit=20)


@blp.route("/<id:review_id>/comments/", methods=["POST"])
@authenticated(VERIFIED)
@accepts(CommentInputSchema)
@blp.response(201)
@blp.alt_response(201, schema=CommentSchema)
def add_comment(review_id):
    review = reviews.review_or_404(review_id)
    data = load_json(CommentInputSchema())
    return _dump_comment(reviews.add_comment(current_user(), review, data["content"]))


@blp.route("/<id:review_id>/comments/<id:comment_id>/", methods=["GET"])
@authenticated(VERIFIED)
@blp.response(200)
@blp.alt_response(200, schema=CommentSchema)
def comment_detail(review_id, comment_id):
    _review, comment = _comment(review_id, comment_id)
    return _dump_comment(comment)


@blp.route("/<id:review_id>/comments/<id:comment_id>/", methods=["PUT"])
@authenticated(VERIFIED)
@accepts(CommentInputSchema)
@blp.response(200)
@blp.alt_response(200, schema=CommentSchema)
def edit_comment(review_id, comment_id):
    _review, comment = _comment(review_id, comment_id)
    reviews.require_owner(comment.user_id, current_user(), "You can only edit your own comments")
    data = load_json(CommentInputSchema())
    return _dump_comment(reviews.update_comment(comment, data["content"]))


@blp.route("/<id:review_id>/comments/<id:comment_id>/", methods=["DELETE"])
@authenticated(VERIFIED)
@blp.response(204)
def delete_comment(review_id, comment_id):
    _review, comment = _comment(review_id, comment_id)
    reviews.require_owner(comment.user_id, current_user(), "You can only delete your own comments")
    reviews.delete_comment(comment)
    return Response(status=NO_CONTENT)


@blp.route("/<id:review_id>/comments/<id:comment_id>/replies/", methods=["GET"])
@authenticated(VERIFIED)
@blp.response(200)
@blp.alt_response(200, schema=CommentCursorSchema)
def comment_replies(review_id, comment_id):
    _review, comment = _comment(review_id, comment_id)
    return cursor_envelope(reviews.replies_to(comment), _dump_comments, order=[(Comment.id, True)], default_limit=20)


@blp.route("/<id:review_id>/comments/<id:comment_id>/replies/", methods=["POST"])
@authenticated(VERIFIED)
@accepts(CommentInputSchema)
@blp.response(201)
@blp.alt_response(201, schema=CommentSchema)
def reply_to_comment(review_id, comment_id):
    review, comment = _comment(review_id, comment_id)
    data = load_json(CommentInputSchema())
    return _dump_comment(reviews.add_comment(current_user(), review, data["content"], parent=comment))


@blp.route("/<id:review_id>/comments/<id:comment_id>/translations/", methods=["GET"])
@authenticated(VERIFIED, bucket="translation")
@blp.response(200)
@blp.alt_response(200, schema=CommentTranslationSchema)
def comment_translations(review_id, comment_id):
    _review, comment = _comment(review_id, comment_id)
    return {"content": translator.translate(comment.content, active_language(), current_user().id)}


@blp.route("/<id:review_id>/comments/<id:comment_id>/reactions/", methods=["GET"])
@authenticated(VERIFIED)
@blp.response(200)
@blp.alt_response(200, schema=ReactionSummarySchema)
def comment_reactions(review_id, comment_id):
    _review, comment = _comment(review_id, comment_id)
    return reactions.summary(comment, current_user())


@blp.route("/<id:review_id>/comments/<id:comment_id>/reactions/", methods=["POST"])
@authenticated(VERIFIED)
@accepts(ReactionInputSchema)
@blp.response(200)
@blp.alt_response(200, schema=ReactionCreatedSchema)
def react_to_comment(review_id, comment_id):
    _review, comment = _comment(review_id, comment_id)
    data = load_json(ReactionInputSchema())
    return {"status": True, "id": reactions.react(current_user(), comment, data["emoji_code"]).id}


@blp.route("/<id:review_id>/comments/<id:comment_id>/reactions/<id:reaction_id>/", methods=["DELETE"])
@authenticated(VERIFIED)
@blp.response(204)
def remove_comment_reaction(review_id, comment_id, reaction_id):
    _review, comment = _comment(review_id, comment_id)
    reactions.remove(current_user(), reactions.reaction_or_404(comment, reaction_id))
    return Response(status=NO_CONTENT)
