"""Image uploads and stored media (API.md 7.5, 9): validated with Pillow, stored under MEDIA_ROOT.

A file is written before the database row that names it is committed; a file written in a transaction that
does not commit is removed when that transaction ends, so a failed request leaves no file behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import shutil
import uuid
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from flask import Flask, current_app
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy.event import listens_for
from sqlalchemy.orm import Session, SessionTransaction

from moviesx.clock import utcnow
from moviesx.extensions import db
from moviesx.http.errors import unavailable
from moviesx.models.accounts import DEFAULT_USER_PICTURE
from moviesx.models.catalog import DEFAULT_AWARD_ICON, DEFAULT_MOVIE_COVER, DEFAULT_PERSON_IMAGE

log = logging.getLogger("moviesx.media")

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_STORED_SIDE = 1024  # larger images are stored downscaled to fit, so every viewer gets a cheap image
SAVE_OPTIONS = {"JPEG": {"quality": 90}, "WEBP": {"quality": 90}, "PNG": {}, "GIF": {}}
FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
CONTENT_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp"}
INVALID_IMAGE = "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
TOO_LARGE = "The image must not exceed 5 MB."

_DEFAULTS = {
    DEFAULT_USER_PICTURE: "user.png",
    DEFAULT_MOVIE_COVER: "movie-cover.png",
    DEFAULT_PERSON_IMAGE: "person.png",
    DEFAULT_AWARD_ICON: "award.png",
}


class InvalidImage(ValueError):
    """`message` is the contract's field message."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckedImage:
    data: bytes
    extension: str


def check_image(data: bytes) -> CheckedImage:
    """Detect the format from the content, decode it fully, enforce size and pixel limits, bound the stored size."""
    if len(data) > MAX_IMAGE_BYTES:
        raise InvalidImage(TOO_LARGE)
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format or ""
            width, height = probe.size
            if image_format not in FORMATS or width * height > MAX_PIXELS:
                raise InvalidImage(INVALID_IMAGE)
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            if max(width, height) > MAX_STORED_SIDE:
                data = _downscaled(image, image_format)
    except InvalidImage:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise InvalidImage(INVALID_IMAGE) from None
    return CheckedImage(data=data, extension=FORMATS[image_format])


def _downscaled(image: Image.Image, image_format: str) -> bytes:
    """The image fitted into MAX_STORED_SIDE x MAX_STORED_SIDE, in its own format.

    An animated GIF or WebP that large keeps only its first frame (the one just decoded). The re-encoded file
    carries no EXIF, so a camera's orientation tag is applied to the pixels first.
    """
    image = ImageOps.exif_transpose(image)
    usable = ("L", "RGB", "CMYK") if image_format == "JPEG" else ("L", "LA", "RGB", "RGBA")
    if image.mode not in usable:
        image = image.convert("RGB" if image_format == "JPEG" else "RGBA")
    image.thumbnail((MAX_STORED_SIDE, MAX_STORED_SIDE), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, image_format, **SAVE_OPTIONS[image_format])
    return buffer.getvalue()


def read_upload(file_storage) -> CheckedImage:
    """Read at most one byte past the limit from an uploaded file and check it."""
    data = file_storage.stream.read(MAX_IMAGE_BYTES + 1)
    return check_image(data)


def media_root() -> Path:
    return Path(current_app.config["MEDIA_ROOT"])


def timestamp() -> str:
    return utcnow().strftime("%Y%m%d%H%M%S")


def save_image(image: CheckedImage, folder: str, stem: str) -> str:
    """Store under `folder/stem.ext` (a short suffix if that name is taken); returns the stored path.

    A media root that cannot take the file (full, read-only, missing) is a media outage (API.md 21): 503, with
    nothing left behind.
    """
    try:
        return _store(image, folder, stem)
    except OSError:
        log.error("Cannot store an image under %s", media_root(), exc_info=True)
        raise unavailable("media") from None


def save_optional_image(image: CheckedImage, folder: str, stem: str) -> str | None:
    """As save_image, for a picture the request can do without: None (the default picture) when it cannot be stored."""
    try:
        return _store(image, folder, stem)
    except OSError:
        log.warning("Cannot store an image under %s; the default stays", media_root(), exc_info=True)
        return None


def _store(image: CheckedImage, folder: str, stem: str) -> str:
    root = media_root()
    (root / folder).mkdir(parents=True, exist_ok=True)
    relative = f"{folder}/{stem}.{image.extension}"
    while True:
        try:
            _write_new(root / relative, image.data)
            break
        except FileExistsError:
            relative = f"{folder}/{stem}_{uuid.uuid4().hex[:8]}.{image.extension}"
    _uncommitted_files().append(root / relative)
    return relative


def _write_new(path: Path, data: bytes) -> None:
    """Create `path` holding `data`, synced to disk; on failure remove what was written and raise."""
    handle = open(path, "xb")  # noqa: SIM115 - closed below, where a failed close also removes the file
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError:
        _unlink_quietly(path)
        raise


def _unlink_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


_UNCOMMITTED = "moviesx.media.uncommitted"


def _uncommitted_files() -> list[Path]:
    return db.session().info.setdefault(_UNCOMMITTED, [])


@listens_for(Session, "after_commit")
def _keep_committed_files(session: Session) -> None:
    session.info.pop(_UNCOMMITTED, None)


@listens_for(Session, "after_transaction_end")
def _remove_uncommitted_files(session: Session, transaction: SessionTransaction) -> None:
    """A transaction that ends without a commit (rollback, or a session closed at the end of a failed request)."""
    if transaction.parent is None:
        for path in session.info.pop(_UNCOMMITTED, []):
            _unlink_quietly(path)


def remove_stored(relative: str | None) -> None:
    """Delete a stored upload (never a bundled default)."""
    if not relative or relative in _DEFAULTS:
        return
    _unlink_quietly(media_root() / relative)  # a file left behind must not fail a request that has committed


def sha256_of_stored(relative: str | None) -> str | None:
    if not relative:
        return None
    path = media_root() / relative
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def resolve_media_path(relative: str) -> Path | None:
    """The file under MEDIA_ROOT for a request path, or None for traversal attempts and missing files."""
    if not relative or "\x00" in relative or "\\" in relative:
        return None
    parts = relative.split("/")
    if relative.startswith("/") or any(part in ("", ".", "..") for part in parts):
        return None
    root = media_root().resolve()
    path = (root / relative).resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path


def content_type_for(path: Path) -> str:
    return CONTENT_TYPES.get(path.suffix.lower().lstrip("."), "application/octet-stream")


def install_default_images(app: Flask) -> None:
    """Copy the bundled default images into MEDIA_ROOT when they are missing (API.md 9)."""
    root = Path(app.config["MEDIA_ROOT"])
    defaults = resources.files("moviesx").joinpath("static/defaults")
    for relative, bundled in _DEFAULTS.items():
        target = root / relative
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with defaults.joinpath(bundled).open("rb") as source, open(target, "wb") as out:
            shutil.copyfileobj(source, out)
