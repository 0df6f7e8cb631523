"""Stored images are bounded (API.md 7.5): an image larger than 1024 px on a side is stored downscaled to fit,
in its own format, so that every viewer gets a cheap image; smaller images are stored as sent."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from moviesx.extensions import db
from moviesx.models import Person, User
from tests.factories import UserFactory
from tests.support import google_stub as stub

google_stub = stub.google_stub
https_images = stub.https_images
PASSWORD = "a-long-and-unusual-passphrase"


def encoded(size: tuple[int, int], fmt: str, mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, (20, 120, 220) if mode == "RGB" else (20, 120, 220, 128)).save(buffer, fmt)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def huge_png() -> bytes:
    """The issue's case: a small file (~130 KB) that decodes to 6324 x 6324 pixels (40 megapixels)."""
    return encoded((6324, 6324), "PNG")


def stored(app, relative: str) -> Image.Image:
    image = Image.open(Path(app.config["MEDIA_ROOT"]) / relative)
    image.load()
    return image


def test_a_huge_signup_picture_is_stored_downscaled_and_served_small(client, app, huge_png):
    body = {"username": "alice", "email": "a@example.com", "first_name": "A", "last_name": "W", "password": PASSWORD}
    body["picture"] = (io.BytesIO(huge_png), "me.png")

    started = time.perf_counter()
    response = client.post("/api/auth/signup/", data=body, content_type="multipart/form-data")
    elapsed = time.perf_counter() - started

    assert response.status_code == 200, response.get_json()
    assert elapsed < 10
    picture = db.session.scalar(select(User.picture))
    assert picture.startswith("users/user_alice_profile_") and picture.endswith(".png")
    image = stored(app, picture)
    assert (image.format, image.size) == ("PNG", (1024, 1024))
    served = client.get(response.get_json()["picture"].removeprefix("http://localhost"))
    assert served.headers["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(served.data)).size == (1024, 1024)


def test_a_large_profile_jpeg_keeps_its_format_and_aspect(as_user, app):
    user = UserFactory(username="bob")

    response = as_user(user).put(
        "/api/users/", data={"picture": (io.BytesIO(encoded((3000, 1500), "JPEG")), "x.png")}, content_type="multipart/form-data"
    )

    assert response.status_code == 200
    picture = db.session.scalar(select(User.picture))
    assert picture.endswith(".jpg")
    assert (stored(app, picture).format, stored(app, picture).size) == ("JPEG", (1024, 512))


def test_a_picture_within_the_bound_is_stored_as_sent(as_user, app):
    user = UserFactory(username="carl")
    sent = encoded((1024, 700), "PNG")

    as_user(user).put("/api/users/", data={"picture": (io.BytesIO(sent), "x.png")}, content_type="multipart/form-data")

    picture = db.session.scalar(select(User.picture))
    assert (Path(app.config["MEDIA_ROOT"]) / picture).read_bytes() == sent


def test_a_large_animated_gif_keeps_its_first_frame(as_user, app):
    user = UserFactory(username="dora")
    frames = [Image.new("RGB", (2048, 1024), colour) for colour in ((255, 0, 0), (0, 0, 255))]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)

    response = as_user(user).put(
        "/api/users/", data={"picture": (io.BytesIO(buffer.getvalue()), "x.gif")}, content_type="multipart/form-data"
    )

    assert response.status_code == 200
    image = stored(app, db.session.scalar(select(User.picture)))
    assert (image.format, image.size, getattr(image, "n_frames", 1)) == ("GIF", (1024, 512), 1)
    assert image.convert("RGB").getpixel((10, 10)) == (255, 0, 0)


def test_a_large_google_picture_is_bounded(client, google_stub, https_images, app):
    images, base = https_images
    images["/face.png"] = encoded((4000, 2000), "PNG", mode="RGBA")
    google_stub.profiles["good-code"] = {
        "sub": "1",
        "email": "new@gmail.com",
        "email_verified": True,
        "picture": f"{base}/face.png",
    }

    assert client.post("/api/oauth/google/", json={"code": "good-code"}).status_code == 200

    picture = db.session.scalar(select(User.picture))
    assert (stored(app, picture).format, stored(app, picture).size) == ("JPEG", (1024, 512))


def test_a_large_staff_person_image_is_bounded(as_user, app):
    staff = UserFactory(is_staff=True)

    response = as_user(staff).post(
        "/api/catalog/persons/",
        data={"name": "Jane Doe", "image": (io.BytesIO(encoded((1500, 3000), "WEBP")), "jane.png")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 201, response.get_json()
    image_path = db.session.scalar(select(Person.image))
    assert image_path.endswith(".webp")
    assert (stored(app, image_path).format, stored(app, image_path).size) == ("WEBP", (512, 1024))


def test_a_large_imported_person_image_is_bounded_and_a_second_import_changes_nothing(app, tmp_path, huge_png):
    (tmp_path / "jane.png").write_bytes(huge_png)
    document = tmp_path / "catalogue.json"
    document.write_text(json.dumps({"persons": [{"slug": "jane", "name": "Jane", "image": "jane.png"}]}))

    def run_import() -> str:
        result = app.test_cli_runner().invoke(args=["catalog", "import", str(document)])
        assert result.exit_code == 0, result.output
        db.session.expire_all()
        return db.session.scalar(select(Person.image))

    first = run_import()
    assert (stored(app, first).format, stored(app, first).size) == ("PNG", (1024, 1024))
    assert run_import() == first


def test_a_large_camera_photo_keeps_its_orientation(as_user, app):
    """The stored copy drops EXIF: a photo taken sideways (Orientation 6) is stored already turned upright."""
    user = UserFactory(username="erin")
    photo = Image.new("RGB", (3000, 2000), (0, 128, 0))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", exif=exif)

    upload = {"picture": (io.BytesIO(buffer.getvalue()), "p.jpg")}
    as_user(user).put("/api/users/", data=upload, content_type="multipart/form-data")

    assert stored(app, db.session.scalar(select(User.picture))).size == (683, 1024)
