"""Reviews, comments, replies, reactions and translations (API.md 5.5, 6.4-6.6, 6.8)."""

from __future__ import annotations

from flask import Response

from moviesx.http.auth import VERIFIED, authenticated, caller_id, current_user
from moviesx.http.blueprint import Blueprint, permits, resolves
from moviesx.http.language import active_language
from moviesx.http.pagination import cursor
from moviesx.models import Comment, Reaction, Review
from moviesx.schemas.social.activity import (
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
from moviesx.services.social import reactions, reviews, translator

blp = Blueprint(
    "reviews",
    __name__,
    url_prefix="/api/reviews",
    title="Reviews, comments and reactions",
    description="A review's page: the review itself, its comment threads (replies may nest at any depth), emoji "
    "reactions on the review and on each comment, and machine translations into the caller's language. Reviews "
    "are written on a movie (`POST /api/movies/{slug}/reviews/`). Only the author edits or deletes a review or "
    "comment (403 otherwise); deleting one also deletes, softly, every reply below it and every reaction on them. "
    "A comment or reaction answers only under the review (or comment) it belongs to; elsewhere it is a 404. "
    "A user may react with several emojis, but once per emoji, and may react again after removing one.",
)

NO_CONTENT = 204
NEWEST_FIRST = [(Comment.id, True)]


def review_by_id(review_id: int) -> Review:
    return reviews.review_or_404(review_id)


def comment_of(review: Review, comment_id: int) -> Comment:
    return reviews.comment_or_404(review, comment_id)


def reaction_on_review(review: Review, reaction_id: int) -> Reaction:
    return reactions.reaction_or_404(review, reaction_id)


def reaction_on_comment(comment: Comment, reaction_id: int) -> Reaction:
    return reactions.reaction_or_404(comment, reaction_id)


def review_editor(review: Review) -> None:
    reviews.require_owner(review.user_id, current_user(), "You can only edit your own reviews")


def review_deleter(review: Review) -> None:
    reviews.require_owner(review.user_id, current_user(), "You can only delete your own reviews")


def comment_editor(comment: Comment) -> None:
    reviews.require_owner(comment.user_id, current_user(), "You can only edit your own comments")


def comment_deleter(comment: Comment) -> None:
    reviews.require_owner(comment.user_id, current_user(), "You can only delete your own comments")


def reaction_remover(reaction: Reaction) -> None:
    reactions.require_owner(reaction, current_user())


# --- Reviews -------------------------------------------------------------------------------------


@blp.route("/<id:review_id>/", methods=["GET"])
@authenticated(VERIFIED)
@resolves(review=review_by_id)
@blp.response(200, ReviewSchema)
def review_detail(review: Review):
    """Get a review

    Any verified user. A deleted review, or a review of a deleted movie, is the generic 404.
    """
    return review


@blp.route("/<id:review_id>/", methods=["PUT"])
@authenticated(VERIFIED)
@resolves(review=review_by_id)
@permits(review_editor)
@blp.arguments(ReviewInputSchema)
@blp.response(200, ReviewSchema)
@blp.alt_response(403, response="FORBIDDEN")
def edit_review(data: dict, review: Review):
    """Edit a review

    The author only (403 `You can only edit your own reviews`, checked before the body). Every key is required,
    with the limits of creation: `title` 1-128 characters, `content` 1-256, `is_positive` a boolean.
    """
    return reviews.update_review(review, data)


@blp.route("/<id:review_id>/", methods=["DELETE"])
@authenticated(VERIFIED)
@resolves(review=review_by_id)
@permits(review_deleter)
@blp.response(204)
@blp.alt_response(403, response="FORBIDDEN")
def delete_review(review: Review):
    """Delete a review

    The author only (403 `You can only delete your own reviews`). Soft-deletes the review, all its comments at
    every depth and every reaction on them; the author may then review the movie again.
    """
    reviews.delete_review(review)
    return Response(status=NO_CONTENT)


@blp.route("/<id:review_id>/translations/", methods=["GET"])
@authenticated(VERIFIED, bucket="translation")
@resolves(review=review_by_id)
@blp.response(200, ReviewTranslationSchema)
@blp.alt_response(503, response="SERVICE_UNAVAILABLE")
def review_translations(review: Review):
    """Translate a review

    Any verified user. The review's title and content translated into the caller's preferred language (source
    language detected). Without a translator, when it fails, or past the daily translation budgets, the text comes
    back untranslated, still 200. Translations are cached for 30 days. The three translation endpoints share a
    limit of 30 requests per minute per user; 503 when the budgets cannot be checked.
    """
    language, payer = active_language(), caller_id()
    return {
        "title": translator.translate(review.title, language, payer),
        "content": translator.translate(review.content, language, payer),
    }


@blp.route("/<id:review_id>/reactions/", methods=["GET"])
@authenticated(VERIFIED)
@resolves(review=review_by_id)
@blp.response(200, ReactionSummarySchema)
def review_reactions(review: Review):
    """Reactions to a review

    Any verified user. The live reactions counted per emoji, and the caller's own reaction ids (to remove them),
    both keyed by emoji character in the display order of the emoji table.
    """
    return reactions.summary(review, current_user())


@blp.route("/<id:review_id>/reactions/", methods=["POST"])
@authenticated(VERIFIED)
@resolves(review=review_by_id)
@blp.arguments(ReactionInputSchema)
@blp.response(200, ReactionCreatedSchema)
def react_to_review(data: dict, review: Review):
    """React to a review

    Any verified user. Several emojis per user are allowed, one live reaction per emoji: 400 `You have already
    reacted with this emoji` otherwise. Re-adding an emoji after removing it creates a new reaction.
    """
    return {"status": True, "id": reactions.react(current_user(), review, data["emoji_code"]).id}


@blp.route("/<id:review_id>/reactions/<id:reaction_id>/", methods=["DELETE"])
@authenticated(VERIFIED)
@resolves(review=review_by_id, reaction=reaction_on_review)
@permits(reaction_remover)
@blp.response(204)
@blp.alt_response(403, response="FORBIDDEN")
def remove_review_reaction(review: Review, reaction: Reaction):
    """Remove a reaction from a review

    The reaction's author only (403 `You can only delete your own reactions`). The reaction must be a live one
    on this review (generic 404 otherwise); it is soft-deleted.
    """
    reactions.remove(reaction)
    return Response(status=NO_CONTENT)


# --- Comments ------------------------------------------------------------------------------------


@blp.route("/<id:review_id>/comments/", methods=["GET"])
@authenticated(VERIFIED)
@resolves(review=review_by_id)
@blp.response(200, CommentCursorSchema)
@cursor(order=NEWEST_FIRST, default_limit=20)
def review_comments(review: Review):
    """Comments on a review

    Any verified user. A cursor page (20 by default) of the review's live top-level comments, newest (highest id)
    first; `has_replies` tells which ones have replies to fetch.
    """
    return reviews.top_level_comments(review)


@blp.route("/<id:review_id>/comments/", methods=["POST"])
@authenticated(VERIFIED)
@resolves(review=review_by_id)
@blp.arguments(CommentInputSchema)
@blp.response(201, CommentSchema)
def add_comment(data: dict, review: Review):
    """Comment on a review

    Any verified user. `content` is 1-1000 characters.
    """
    return reviews.add_comment(current_user(), review, data["content"])


@blp.route("/<id:review_id>/comments/<id:comment_id>/", methods=["GET"])
@authenticated(VERIFIED)
@resolves(review=review_by_id, comment=comment_of)
@blp.response(200, CommentSchema)
def comment_detail(review: Review, comment: Comment):
    """Get a comment

    Any verified user. The comment must be a live comment of this review (generic 404 `Comment` otherwise).
    """
    return comment


@blp.route("/<id:review_id>/comments/<id:comment_id>/", methods=["PUT"])
@authenticated(VERIFIED)
@resolves(review=review_by_id, comment=comment_of)
@permits(comment_editor)
@blp.arguments(CommentInputSchema)
@blp.response(200, CommentSchema)
@blp.alt_response(403, response="FORBIDDEN")
def edit_comment(data: dict, review: Review, comment: Comment):
    """Edit a comment

    The comment's author only (403 `You can only edit your own comments`, checked before the body). `content` is
    1-1000 characters.
    """
    return reviews.update_comment(comment, data["content"])


@blp.route("/<id:review_id>/comments/<id:comment_id>/", methods=["DELETE"])
@authenticated(VERIFIED)
@resolves(review=review_by_id, comment=comment_of)
@permits(comment_deleter)
@blp.response(204)
@blp.alt_response(403, response="FORBIDDEN")
def delete_comment(review: Review, comment: Comment):
    """Delete a comment

    The comment's author only (403 `You can only delete your own comments`). Soft-deletes the comment, its replies
    at every depth and the reactions on all of them.
    """
    reviews.delete_comment(comment)
    return Response(status=NO_CONTENT)


@blp.route("/<id:review_id>/comments/<id:comment_id>/replies/", methods=["GET"])
@authenticated(VERIFIED)
@resolves(review=review_by_id, comment=comment_of)
@blp.response(200, CommentCursorSchema)
@cursor(order=NEWEST_FIRST, default_limit=20)
def comment_replies(review: Review, comment: Comment):
    """Replies to a comment

    Any verified user. A cursor page (20 by default) of the comment's live direct replies, newest (highest id)
    first; a reply's own replies are fetched from it.
    """
    return reviews.replies_to(comment)


@blp.route("/<id:review_id>/comments/<id:comment_id>/replies/", methods=["POST"])
@authenticated(VERIFIED)
@resolves(review=review_by_id, comment=comment_of)
@blp.arguments(CommentInputSchema)
@blp.response(201, CommentSchema)
def reply_to_comment(data: dict, review: Review, comment: Comment):
    """Reply to a comment

    Any verified user. `content` is 1-1000 characters; the reply's `reply_comment` is the URL of the comment it
    answers. Replies to replies are allowed.
    """
    return reviews.add_comment(current_user(), review, data["content"], parent=comment)


@blp.route("/<id:review_id>/comments/<id:comment_id>/translations/", methods=["GET"])
@authenticated(VERIFIED, bucket="translation")
@resolves(review=review_by_id, comment=comment_of)
@blp.response(200, CommentTranslationSchema)
@blp.alt_response(503, response="SERVICE_UNAVAILABLE")
def comment_translations(review: Review, comment: Comment):
    """Translate a comment

    Any verified user. The comment's content translated into the caller's preferred language, with the rules of
    the review translation: untranslated text on any translator failure or past the budgets, a 30-day cache, a
    shared limit of 30 requests per minute per user, and 503 when the budgets cannot be checked.
    """
    return {"content": translator.translate(comment.content, active_language(), caller_id())}


@blp.route("/<id:review_id>/comments/<id:comment_id>/reactions/", methods=["GET"])
@authenticated(VERIFIED)
@resolves(review=review_by_id, comment=comment_of)
@blp.response(200, ReactionSummarySchema)
def comment_reactions(review: Review, comment: Comment):
    """Reactions to a comment

    Any verified user. The live reactions counted per emoji, and the caller's own reaction ids, both keyed by
    emoji character in the display order of the emoji table.
    """
    return reactions.summary(comment, current_user())


@blp.route("/<id:review_id>/comments/<id:comment_id>/reactions/", methods=["POST"])
@authenticated(VERIFIED)
@resolves(review=review_by_id, comment=comment_of)
@blp.arguments(ReactionInputSchema)
@blp.response(200, ReactionCreatedSchema)
def react_to_comment(data: dict, review: Review, comment: Comment):
    """React to a comment

    Any verified user. As for a review: one live reaction per user and emoji (400 `You have already reacted with
    this emoji`), several emojis allowed, an emoji may be re-added after its removal.
    """
    return {"status": True, "id": reactions.react(current_user(), comment, data["emoji_code"]).id}


@blp.route("/<id:review_id>/comments/<id:comment_id>/reactions/<id:reaction_id>/", methods=["DELETE"])
@authenticated(VERIFIED)
@resolves(review=review_by_id, comment=comment_of, reaction=reaction_on_comment)
@permits(reaction_remover)
@blp.response(204)
@blp.alt_response(403, response="FORBIDDEN")
def remove_comment_reaction(review: Review, comment: Comment, reaction: Reaction):
    """Remove a reaction from a comment

    The reaction's author only (403 `You can only delete your own reactions`). The reaction must be a live one
    on this comment (generic 404 otherwise); it is soft-deleted.
    """
    reactions.remove(reaction)
    return Response(status=NO_CONTENT)
