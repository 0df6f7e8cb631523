"""A stored file lives only if the transaction that wrote it commits (services/media.py)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from moviesx.extensions import db
from moviesx.models import User
from moviesx.services import media


def stored_image(app) -> Path:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (1, 2, 3)).save(buffer, "PNG")
    db.session.scalar(select(User.id))  # the request's transaction has begun, as it has when a view stores a file
    relative = media.save_image(media.check_image(buffer.getvalue()), "users", "probe")
    path = Path(app.config["MEDIA_ROOT"]) / relative
    assert path.is_file()
    return path


@pytest.mark.parametrize("ending", ["rollback", "remove"])
def test_a_file_of_a_transaction_that_does_not_commit_is_removed(app, ending):
    path = stored_image(app)

    getattr(db.session, ending)()

    assert not path.exists()


def test_a_committed_file_stays_through_later_transactions(app):
    path = stored_image(app)

    db.session.commit()
    db.session.scalar(select(User.id))
    db.session.rollback()
    db.session.remove()

    assert path.is_file()
