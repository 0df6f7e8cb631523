"""Image uploads and stored media (API.md 7.5, 9): validated with Pillow, stored under MEDIA_ROOT."""

from __future__ import annotations

import hashlib
import io
import shutil
import uuid
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from flask import Flask, current_app
from PIL import Image, UnidentifiedImageError

from moviesx.services.clock import utcnow

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
CONTENT_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp"}
INVALID_IMAGE = "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
TOO_LARGE = "The image must not exceed 5 MB."

DEFAULT_USER_PICTURE = "users/default.png"
DEFAULT_MOVIE_COVER = "movies/covers/no-movie.png"
DEFAULT_PERSON_IMAGE = "person/default.png"
DEFAULT_AWARD_ICON = "awards/no-award.png"
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
    """Detect the format from the content, decode it fully, enforce size and pixel limits."""
    if len(data) > MAX_IMAGE_BYTES:
        raise InvalidImage(TOO_LARGE)
    try:
        with Image.open(io.BytesIO(data)) as probe:
            extension = FORMATS.get(probe.format or "")
            width, height = probe.size
            if extension is None or width * height > MAX_PIXELS:
                raise InvalidImage(INVALID_IMAGE)
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except InvalidImage:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise InvalidImage(INVALID_IMAGE) from None
    return CheckedImage(data=data, extension=extension)


def read_upload(file_storage) -> CheckedImage:
    """Read at most one byte past the limit from an uploaded file and check it."""
    data = file_storage.stream.read(MAX_IMAGE_BYTES + 1)
    return check_image(data)


def media_root() -> Path:
    return Path(current_app.config["MEDIA_ROOT"])


def timestamp() -> str:
    return utcnow().strftime("%Y%m%d%H%M%S")


def save_image(image: CheckedImage, folder: str, stem: str) -> str:
    """Store under `folder/stem.ext`, adding a short suffix if that name is taken; returns the stored path."""
    root = media_root()
    (root / folder).mkdir(parents=True, exist_ok=True)
    relative = f"{folder}/{stem}.{image.extension}"
    while (root / relative).exists():
        relative = f"{folder}/{stem}_{uuid.uuid4().hex[:8]}.{image.extension}"
    with open(root / relative, "xb") as handle:
        handle.write(image.data)
    return relative


def remove_stored(relative: str | None) -> None:
    """Delete a stored upload (never a bundled default)."""
    if not relative or relative in _DEFAULTS:
        return
    path = media_root() / relative
    if path.is_file():
        path.unlink()


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
