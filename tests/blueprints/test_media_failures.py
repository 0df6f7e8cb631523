"""A media root that cannot take a file is a media outage (API.md 21): 503 with Retry-After, no file left
behind, nothing written to the database. Tested on a real full filesystem (a 64 KiB tmpfs), a real read-only
one, and a media root whose target folder is a file."""

from __future__ import annotations

import errno
import io
import json
import os
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from moviesx.extensions import db
from moviesx.models import Movie, Person, User
from tests.factories import MovieFactory, UserFactory
from tests.support import google_stub as stub

google_stub = stub.google_stub
https_images = stub.https_images

UNAVAILABLE = {"error": "Service temporarily unavailable"}
DEFAULTS = {"users/default.png", "movies/covers/no-movie.png", "person/default.png", "awards/no-award.png"}
PASSWORD = "a-long-and-unusual-passphrase"


def noise_png(side: int = 160) -> bytes:
    """An incompressible PNG (~75 KiB at 160 px): more than the space left on the full filesystem."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(buffer, "PNG")
    return buffer.getvalue()


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, check=False)


class MediaRoot:
    """A media root on its own tmpfs that a test can fill up or make read-only."""

    def __init__(self, path: Path, kind: str):
        self.path = path
        self.kind = kind
        self.mounted = False

    def mount(self) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        if self.kind == "not_a_directory":
            return
        result = _run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(self.path))
        if result.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
        self.mounted = True

    def break_it(self) -> None:
        """Called once the app has installed its default images."""
        if self.kind == "full":
            self._fill(leave=8 * 1024)
        elif self.kind == "read_only":
            result = _run("mount", "-o", "remount,ro", str(self.path))
            assert result.returncode == 0, result.stderr
        else:
            for folder in ("users", "person", "movies/covers"):
                target = self.path / folder
                if target.is_dir():
                    for child in target.iterdir():
                        child.unlink()
                    target.rmdir()
                target.write_bytes(b"not a folder")

    def _fill(self, leave: int) -> None:
        """Fill the filesystem, then free `leave` bytes: an upload starts writing and runs out of space."""
        filler = self.path / "filler"
        with open(filler, "wb", buffering=0) as handle:
            try:
                while True:
                    handle.write(b"\0" * 4096)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
        os.truncate(filler, max(filler.stat().st_size - leave, 0))

    def files(self) -> set[str]:
        """Every stored file apart from the defaults and the test's own filler."""
        found = set()
        for path in self.path.rglob("*"):
            relative = str(path.relative_to(self.path))
            if path.is_file() and relative not in DEFAULTS | {"filler", "users", "person", "movies/covers"}:
                found.add(relative)
        return found

    def unmount(self) -> None:
        if self.mounted:
            _run("umount", "-l", str(self.path))


@pytest.fixture(params=["full", "read_only", "not_a_directory"])
def media_root(request, tmp_path):
    root = MediaRoot(tmp_path / "media", request.param)
    root.mount()
    yield root
    root.unmount()


@pytest.fixture
def app_config(app_config, media_root):
    app_config["MEDIA_ROOT"] = str(media_root.path)
    return app_config


@pytest.fixture
def broken(app, media_root):
    media_root.break_it()
    return media_root


def assert_unavailable(response) -> None:
    assert (response.status_code, response.get_json()) == (503, UNAVAILABLE)
    assert response.headers["Retry-After"] == "5"
    # What the end of a served request does (the test client shares the test's app context, so it did not).
    db.session.remove()


def user_count() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(User))


def test_signup_with_a_picture_creates_nothing(client, broken):
    body = {
        "username": "alice",
        "email": "alice@example.com",
        "first_name": "Alice",
        "last_name": "Wonder",
        "password": PASSWORD,
        "picture": (io.BytesIO(noise_png()), "me.png"),
    }

    response = client.post("/api/auth/signup/", data=body, content_type="multipart/form-data")

    assert_unavailable(response)
    assert user_count() == 0
    assert broken.files() == set()


def test_profile_picture_update_changes_nothing(as_user, broken):
    user = UserFactory(username="bob", first_name="Bob")
    before = (user.first_name, user.picture, user.updated_at)

    response = as_user(user).put(
        "/api/users/",
        data={"first_name": "Robert", "picture": (io.BytesIO(noise_png()), "me.png")},
        content_type="multipart/form-data",
    )

    assert_unavailable(response)
    db.session.expire_all()
    stored = db.session.get(User, user.id)
    assert (stored.first_name, stored.picture, stored.updated_at) == before
    assert broken.files() == set()


def test_staff_person_image_creates_no_person(as_user, broken):
    staff = UserFactory(is_staff=True)

    response = as_user(staff).post(
        "/api/catalog/persons/",
        data={"name": "Jane Doe", "image": (io.BytesIO(noise_png()), "jane.png")},
        content_type="multipart/form-data",
    )

    assert_unavailable(response)
    assert db.session.scalar(db.select(db.func.count()).select_from(Person)) == 0
    assert broken.files() == set()


def test_staff_movie_cover_leaves_the_movie_unchanged(as_user, broken):
    staff = UserFactory(is_staff=True)
    movie = MovieFactory(slug="dune", title="Dune")

    response = as_user(staff).put(
        "/api/catalog/movies/dune/",
        data={"title": "Dune II", "cover": (io.BytesIO(noise_png()), "cover.png")},
        content_type="multipart/form-data",
    )

    assert_unavailable(response)
    db.session.expire_all()
    stored = db.session.get(Movie, movie.id)
    assert (stored.title, stored.cover) == ("Dune", None)
    assert broken.files() == set()


def test_the_outage_is_counted(client, broken):
    from moviesx.metrics import OUTAGE_RESPONSES

    before = OUTAGE_RESPONSES.labels(dependency="media")._value.get()
    body = {"username": "carol", "email": "c@example.com", "first_name": "C", "last_name": "D", "password": PASSWORD}
    body["picture"] = (io.BytesIO(noise_png()), "me.png")

    client.post("/api/auth/signup/", data=body, content_type="multipart/form-data")

    assert OUTAGE_RESPONSES.labels(dependency="media")._value.get() == before + 1


def test_without_a_picture_the_request_still_succeeds(as_user, broken):
    user = UserFactory(username="dan")

    response = as_user(user).put("/api/users/", data=json.dumps({"first_name": "Daniel"}))

    assert (response.status_code, response.get_json()["first_name"]) == (200, "Daniel")


def test_google_login_keeps_the_default_picture(client, broken, google_stub, https_images):
    """The Google picture only decorates a new account: it is dropped, the login goes on (API.md 7.7)."""
    images, base = https_images
    images["/face.png"] = noise_png()
    google_stub.profiles["good-code"] = {
        "sub": "1",
        "email": "new@gmail.com",
        "email_verified": True,
        "picture": f"{base}/face.png",
    }

    response = client.post("/api/oauth/google/", json={"code": "good-code"})

    assert response.status_code == 200
    db.session.remove()
    assert db.session.scalars(db.select(User.picture)).all() == [None]
    assert broken.files() == set()
