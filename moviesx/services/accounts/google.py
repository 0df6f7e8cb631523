"""Google login (API.md 7.7): exchange the code, read the userinfo, then find, link or create the account."""

from __future__ import annotations

import io
import logging
import re
import time
from dataclasses import dataclass
from urllib.parse import urlparse

import requests
from authlib.integrations.requests_client import OAuth2Session
from flask import current_app
from PIL import Image
from sqlalchemy import select

from moviesx.clock import utcnow
from moviesx.extensions import db
from moviesx.http.errors import error
from moviesx.models import LANGUAGES, User
from moviesx.schemas.fields import is_email, is_valid_text
from moviesx.services import media
from moviesx.services.accounts import users as user_rules
from moviesx.services.transactions import commit_or

log = logging.getLogger("moviesx.google")
PROVIDER_TIMEOUT = 10
PICTURE_TIMEOUT = 5
USERNAME_MAX = 30
NAME_MAX = 150


class GoogleLoginFailed(Exception):
    """Any failure while talking to Google: the contract's 400."""


@dataclass(frozen=True)
class GoogleProfile:
    sub: str
    email: str
    given_name: str
    family_name: str
    picture: str | None


def is_configured() -> bool:
    config = current_app.config
    return bool(config.get("GOOGLE_CLIENT_ID") and config.get("GOOGLE_CLIENT_SECRET"))


def fetch_profile(code: str) -> GoogleProfile:
    """Steps 1 and 2: the token exchange (form POST, client_secret_post) and the userinfo GET."""
    config = current_app.config
    session = OAuth2Session(
        client_id=config["GOOGLE_CLIENT_ID"],
        client_secret=config["GOOGLE_CLIENT_SECRET"],
        redirect_uri=config["GOOGLE_REDIRECT_URI"],
        token_endpoint_auth_method="client_secret_post",
    )
    try:
        with session:
            token = session.fetch_token(
                config["GOOGLE_TOKEN_URL"], code=code, grant_type="authorization_code", timeout=PROVIDER_TIMEOUT
            )
            access_token = token.get("access_token") if isinstance(token, dict) else None
            if not isinstance(access_token, str) or not access_token:
                raise GoogleLoginFailed("no access_token")
            response = session.get(
                config["GOOGLE_USERINFO_URL"],
                headers={"Authorization": f"Bearer {access_token}"},
                timeout=PROVIDER_TIMEOUT,
                withhold_token=True,
            )
            if response.status_code != 200:
                raise GoogleLoginFailed(f"userinfo answered {response.status_code}")
            info = response.json()
    except GoogleLoginFailed:
        raise
    except Exception as exc:  # noqa: BLE001 - network errors, bad JSON, OAuth errors: all the same 400
        raise GoogleLoginFailed(str(exc)) from exc
    return _profile(info)


def _text(value: object, limit: int) -> str:
    return value[:limit] if is_valid_text(value) else ""


def _profile(info: object) -> GoogleProfile:
    if not isinstance(info, dict):
        raise GoogleLoginFailed("userinfo is not an object")
    sub, email, verified = info.get("sub"), info.get("email"), info.get("email_verified")
    if isinstance(sub, int) and not isinstance(sub, bool):
        sub = str(sub)
    if not is_valid_text(sub) or not sub or len(sub) > 255:
        raise GoogleLoginFailed("no usable sub")
    if not is_valid_text(email) or len(email) > 254 or not is_email(email):
        raise GoogleLoginFailed("no usable email")
    if verified is not True and verified != "true":
        raise GoogleLoginFailed("email not verified")
    picture = info.get("picture")
    return GoogleProfile(
        sub=sub,
        email=email,
        given_name=_text(info.get("given_name"), NAME_MAX),
        family_name=_text(info.get("family_name"), NAME_MAX),
        picture=picture if is_valid_text(picture) and picture else None,
    )


def username_base(email: str) -> str:
    """The email's local part keeping only [A-Za-z0-9_], cut to 30 characters; `user` if nothing is left."""
    local = email.rsplit("@", 1)[0]
    return re.sub(r"[^A-Za-z0-9_]", "", local)[:USERNAME_MAX] or "user"


def download_picture(url: str) -> media.CheckedImage | None:
    """An https image within 5 s and the image rules, re-encoded as JPEG; None on any failure."""
    if urlparse(url).scheme != "https":
        return None
    deadline = time.monotonic() + PICTURE_TIMEOUT
    try:
        with requests.get(url, timeout=PICTURE_TIMEOUT, stream=True) as response:
            if response.status_code != 200 or urlparse(response.url).scheme != "https":
                return None
            data = bytearray()
            for chunk in response.iter_content(64 * 1024):
                data += chunk
                if len(data) > media.MAX_IMAGE_BYTES or time.monotonic() > deadline:
                    return None
        return as_jpeg(media.check_image(bytes(data)))
    except Exception:  # noqa: BLE001 - a failed download keeps the default picture
        log.warning("Google picture download failed: %s", url, exc_info=True)
        return None


def as_jpeg(image: media.CheckedImage) -> media.CheckedImage:
    """OAuth pictures are stored as .jpg (API.md 7.7), so other formats are converted."""
    if image.extension == "jpg":
        return image
    with Image.open(io.BytesIO(image.data)) as source:
        buffer = io.BytesIO()
        source.convert("RGB").save(buffer, "JPEG", quality=90)
    return media.CheckedImage(data=buffer.getvalue(), extension="jpg")


def _inactive():
    return error(401, "No active account found with the given credentials", key="detail")


def _link_existing(profile: GoogleProfile) -> User | None:
    """The user linked to `sub`, else the user with this email (linked now), else None."""
    user = db.session.scalar(select(User).where(User.google_sub == profile.sub))
    if user is not None:
        if not user.is_active:
            raise _inactive()
        return user
    user = user_rules.find_by_email(profile.email)
    if user is None:
        return None
    if not user.is_active:
        raise _inactive()
    user.google_sub = profile.sub
    if not user.verified:
        # Whoever registered the address without proving it loses access (API.md 7.7).
        user.password_hash = None
        user.password_changed_at = utcnow()
    user.verified = True
    db.session.commit()
    return user


class _LostRace(Exception):
    """A concurrent first login created the account (or took its username) first."""


def _create(profile: GoogleProfile, language: str) -> User:
    username = user_rules.available_username(username_base(profile.email))
    user = User(
        username=username,
        email=profile.email,
        first_name=profile.given_name,
        last_name=profile.family_name,
        verified=True,
        boarded=False,
        preferred_language=language if language in LANGUAGES else "en",
        password_hash=None,
        google_sub=profile.sub,
    )
    image = download_picture(profile.picture) if profile.picture else None
    stored = media.save_optional_image(image, "users", f"profile_{username}_OAUTH_{media.timestamp()}") if image else None
    user.picture = stored
    db.session.add(user)

    def lost_race() -> None:
        media.remove_stored(stored)
        raise _LostRace

    commit_or(lost_race)
    return user


def login(code: str, language: str) -> User:
    """The account for this Google authorization code; a concurrent first login retries once."""
    try:
        profile = fetch_profile(code)
    except GoogleLoginFailed as exc:
        log.info("Google login refused: %s", exc)
        raise error(400, "Invalid Google authorization code") from None
    for attempt in range(2):
        user = _link_existing(profile)
        if user is not None:
            return user
        try:
            return _create(profile, language)
        except _LostRace:
            if attempt:
                raise
    raise AssertionError("unreachable")
