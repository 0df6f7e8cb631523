"""Mixins shared by the models: timestamps and soft delete (API.md 6.5)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, event, update
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column, with_loader_criteria

from moviesx.clock import utcnow
from moviesx.extensions import db

INCLUDE_DELETED = "include_deleted"


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(DateTime, default=lambda: utcnow(), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=lambda: utcnow(), onupdate=lambda: utcnow(), nullable=False)


class SoftDeleteMixin(TimestampMixin):
    """Rows are hidden from every ORM query and relationship load once `deleted_at` is set.

    Pass `execution_options(include_deleted=True)` to a statement to see them.
    """

    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True, index=True)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def delete(self) -> None:
        self.deleted_at = utcnow()

    def restore(self) -> None:
        self.deleted_at = None

    def hard_delete(self) -> None:
        db.session.delete(self)

    @classmethod
    def bulk_delete(cls, *criteria) -> int:
        """Soft-delete every live row matching `criteria` in one UPDATE; returns the row count."""
        now = utcnow()
        result = db.session.execute(
            update(cls)
            .where(cls.deleted_at.is_(None), *criteria)
            .values(deleted_at=now, updated_at=now)
            .execution_options(synchronize_session="fetch")
        )
        return result.rowcount


@event.listens_for(Session, "do_orm_execute")
def _hide_soft_deleted_rows(state: ORMExecuteState) -> None:
    if state.is_select and not state.is_column_load and not state.execution_options.get(INCLUDE_DELETED, False):
        state.statement = state.statement.options(
            with_loader_criteria(
                SoftDeleteMixin,
                lambda cls: cls.deleted_at.is_(None),
                include_aliases=True,
            )
        )
