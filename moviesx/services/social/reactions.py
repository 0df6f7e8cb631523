"""Emoji reactions on reviews and comments (API.md 4, 6.4)."""

from __future__ import annotations

from sqlalchemy import func, select, update

from moviesx.clock import utcnow
from moviesx.extensions import db
from moviesx.http.errors import error
from moviesx.http.lookup import get_or_404
from moviesx.models import EMOJIS, Comment, Reaction, Review, User
from moviesx.services.transactions import commit_or


def _target(target: Review | Comment):
    return Reaction.comment_id == target.id if isinstance(target, Comment) else Reaction.review_id == target.id


def summary(target: Review | Comment, viewer: User) -> dict:
    """Counts and the viewer's own reaction ids, keyed by emoji character in table order."""
    counts = dict(
        db.session.execute(
            select(Reaction.emoji, func.count()).where(_target(target), Reaction.deleted_at.is_(None)).group_by(Reaction.emoji)
        ).all()
    )
    mine = dict(
        db.session.execute(
            select(Reaction.emoji, Reaction.id).where(
                _target(target), Reaction.user_id == viewer.id, Reaction.deleted_at.is_(None)
            )
        ).all()
    )
    return {
        "reactions": {char: counts[code] for code, char in EMOJIS.items() if counts.get(code)},
        "your_reactions": {char: mine[code] for code, char in EMOJIS.items() if code in mine},
    }


def react(user: User, target: Review | Comment, code: str) -> Reaction:
    """Add a live reaction; a live one of the same user, target and emoji (even a concurrent one) is a 400."""
    taken = db.session.scalar(select(Reaction.id).where(_target(target), Reaction.user_id == user.id, Reaction.emoji == code))
    if taken is not None:
        raise error(400, "You have already reacted with this emoji")
    target_ids = {"comment_id": target.id} if isinstance(target, Comment) else {"review_id": target.id}
    reaction = Reaction(user_id=user.id, emoji=code, **target_ids)
    db.session.add(reaction)
    commit_or(error(400, "You have already reacted with this emoji"))
    return reaction


def reaction_or_404(target: Review | Comment, reaction_id: int) -> Reaction:
    """A live reaction on exactly this target (API.md 6.6)."""
    return get_or_404(Reaction, Reaction.id, reaction_id, _target(target))


def require_owner(reaction: Reaction, user: User) -> None:
    """Only its author removes a reaction (403)."""
    if reaction.user_id != user.id:
        raise error(403, "You can only delete your own reactions")


def remove(reaction: Reaction) -> None:
    """Soft-delete the reaction (once: a concurrent removal changes nothing)."""
    now = utcnow()
    db.session.execute(
        update(Reaction)
        .where(Reaction.id == reaction.id, Reaction.deleted_at.is_(None))
        .values(deleted_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
