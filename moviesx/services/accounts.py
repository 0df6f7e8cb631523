"""Account life cycle (API.md 5.1, 7): signup, verification, password reset, profile edits, language, onboarding.

Every write is all or nothing: validation first, then one commit; emails are queued only after it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from marshmallow import Schema, ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from moviesx.extensions import db
from moviesx.http.errors import APIError, FieldErrors, error, translate
from moviesx.models import LANGUAGES, Person, Platform, User
from moviesx.schemas.accounts import SignupSchema
from moviesx.schemas.fields import Str, is_email, is_valid_text
from moviesx.schemas.profile import ProfileUpdateSchema
from moviesx.services import codes, cooldowns, mail, media
from moviesx.services import users as user_rules
from moviesx.services.passwords import hash_password, password_problems

PASSWORDS_DO_NOT_MATCH = "Passwords do not match."
MISSING_OBJECT = "Object with slug '{slug}' does not exist."
SIGNUP_FIELDS = ("username", "email", "first_name", "last_name", "password", "confirm_password", "bio", "picture")
PROFILE_FIELDS = ("username", "first_name", "last_name", "bio", "email", "password", "platforms", "following_persons", "picture")


# ---------------------------------------------------------------- validation helpers


def _load(schema: Schema, data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(valid values, field errors): every failing field is reported, not only the first."""
    try:
        return schema.load(data), {}
    except ValidationError as exc:
        valid = exc.valid_data if isinstance(exc.valid_data, dict) else {}
        return valid, dict(exc.messages) if isinstance(exc.messages, dict) else {"__all__": exc.messages}


def _raise_field_errors(errors: dict[str, Any], order: Iterable[str]) -> None:
    if errors:
        ordered = {name: errors[name] for name in order if name in errors}
        ordered.update({name: value for name, value in errors.items() if name not in ordered})
        raise FieldErrors(ordered)


def password_rules_error(problems: list[str]) -> APIError:
    return APIError(400, {"error": [translate(problem) for problem in problems]})


def read_picture(storage: FileStorage | None) -> media.CheckedImage | None:
    """The uploaded `picture` file checked by the image rules; an empty file part means no picture."""
    if storage is None:
        return None
    data = storage.stream.read(media.MAX_IMAGE_BYTES + 1)
    if not data and not storage.filename:
        return None
    return media.check_image(data)


def _check_picture(storage: FileStorage | None, errors: dict[str, Any]) -> media.CheckedImage | None:
    try:
        return read_picture(storage)
    except media.InvalidImage as exc:
        errors["picture"] = [exc.message]
        return None


def _save_picture(image: media.CheckedImage | None, username: str) -> str | None:
    if image is None:
        return None
    return media.save_image(image, "users", f"user_{username}_profile_{media.timestamp()}")


def _identity_errors(values: dict[str, Any], errors: dict[str, Any], *, exclude_id: int | None = None) -> None:
    """Username format/reserved/taken and email taken, for fields whose own checks passed."""
    username = values.get("username") if "username" not in errors else None
    email = values.get("email") if "email" not in errors else None
    for field, problem in user_rules.identity_problems(username, email, exclude_id=exclude_id).items():
        errors[field] = [problem]


def _duplicate(values: dict[str, Any], order: Iterable[str], *, exclude_id: int | None, stored: str | None) -> None:
    """After a unique index fired (a concurrent duplicate): the same 400 a sequential request gets."""
    db.session.rollback()
    media.remove_stored(stored)
    errors: dict[str, Any] = {}
    _identity_errors(values, errors, exclude_id=exclude_id)
    _raise_field_errors(errors, order)


def _commit_or_duplicate(values: dict[str, Any], order: Iterable[str], *, exclude_id: int | None, stored: str | None) -> None:
    try:
        db.session.commit()
    except IntegrityError:
        _duplicate(values, order, exclude_id=exclude_id, stored=stored)
        raise


# ---------------------------------------------------------------- signup and verification


def signup(data: Mapping[str, Any], picture: FileStorage | None, language: str) -> User:
    """Create an unverified user, email a verification code after the commit (API.md 5.1)."""
    values, errors = _load(SignupSchema(), data)
    values.pop("picture", None)
    errors.pop("picture", None)
    _identity_errors(values, errors)
    if "confirm_password" in values and "password" in values and values["confirm_password"] != values["password"]:
        errors.setdefault("confirm_password", [PASSWORDS_DO_NOT_MATCH])
    image = _check_picture(picture, errors)
    _raise_field_errors(errors, SIGNUP_FIELDS)
    problems = password_problems(values["password"], username=values["username"], email=values["email"])
    if problems:
        raise password_rules_error(problems)

    user = User(
        username=values["username"],
        email=values["email"],
        first_name=values["first_name"],
        last_name=values["last_name"],
        bio=values.get("bio"),
        verified=False,
        boarded=False,
        preferred_language=language if language in LANGUAGES else "en",
    )
    user.password_hash = hash_password(values["password"])
    stored = _save_picture(image, user.username)
    user.picture = stored
    db.session.add(user)
    try:
        db.session.flush()
        code = codes.issue(user, codes.VERIFICATION)
        db.session.commit()
    except IntegrityError:
        _duplicate(values, SIGNUP_FIELDS, exclude_id=None, stored=stored)
        raise
    if code:
        mail.queue_verification(user, code)
    return user


def verify(user: User, body: Mapping[str, Any]) -> None:
    """Consume the verification code (API.md 3.2a); an already verified user passes before the body is read."""
    if "verification_code" not in body:
        raise error(400, "Missing required fields")
    if not codes.matches(user, codes.VERIFICATION, body["verification_code"]):
        raise error(400, "Verification code is incorrect")
    codes.consume(user, codes.VERIFICATION)
    user.verified = True
    db.session.commit()


def resend_verification(user: User) -> str:
    """A new verification code, at most one per cooldown; returns the status message id."""
    if user.verified:
        return "User is already verified"
    seconds = cooldowns.resend_verification(user.id)
    if seconds:
        raise error(
            429,
            "You can resend the verification email in {n} seconds",
            headers={"Retry-After": str(seconds)},
            n=seconds,
        )
    code = codes.issue(user, codes.VERIFICATION)
    db.session.commit()
    if code:  # past the address's daily cap (API.md 23) the answer is the same, without an email
        mail.queue_verification(user, code)
    return "Verification email resent"


# ---------------------------------------------------------------- password reset


def request_password_reset(email: str) -> None:
    """Cooldown per lower-cased address whatever it is, then a code only for an active account."""
    seconds = cooldowns.forgot_password(email)
    if seconds:
        raise error(
            429,
            "You can resend the password reset email in {n} seconds",
            headers={"Retry-After": str(seconds)},
            n=seconds,
        )
    if not is_email(email):
        return
    user = user_rules.find_active_by_email(email)
    if user is None:
        return
    code = codes.issue(user, codes.RESET)
    db.session.commit()
    if code:
        mail.queue_reset(user, code)


def reset_password(body: Mapping[str, Any]) -> None:
    """The code is checked first; a correct code with a refused password is given back (not consumed)."""
    if any(key not in body for key in ("forgot_password_code", "new_password", "email")):
        raise error(400, "Missing required fields")
    email = body["email"]
    user = user_rules.find_active_by_email(email) if is_valid_text(email) and email else None
    if user is None or not codes.matches(user, codes.RESET, body["forgot_password_code"]):
        raise error(400, "Invalid verification code")
    try:
        password = Str(required=True).deserialize(body["new_password"])
    except ValidationError as exc:
        db.session.rollback()
        raise FieldErrors({"new_password": exc.messages}) from None
    problems = password_problems(password, username=user.username, email=user.email)
    if problems:
        db.session.rollback()
        raise password_rules_error(problems)
    user_rules.set_password(user, password)
    codes.consume(user, codes.RESET)
    codes.discard(user, codes.VERIFICATION)
    user.verified = True
    db.session.commit()


# ---------------------------------------------------------------- profile


def _by_slugs(model, slugs: list[str], field: str, errors: dict[str, Any]) -> list:
    if not slugs:
        return []
    found = {row.slug: row for row in db.session.scalars(select(model).where(model.slug.in_(slugs)))}
    for slug in slugs:
        if slug not in found:
            errors[field] = [translate(MISSING_OBJECT, slug=slug)]
            return []
    return [found[slug] for slug in slugs]


def profile_values(data: Mapping[str, Any]) -> dict[str, Any]:
    """Absent, null and "" keys are ignored on PUT /api/users/."""
    return {key: value for key, value in data.items() if value is not None and value != ""}


def update_profile(user: User, data: Mapping[str, Any], picture: FileStorage | None) -> User:
    """Apply a partial profile edit (API.md 5.1) in one transaction; notices go to the previous address."""
    values, errors = _load(ProfileUpdateSchema(), profile_values(data))
    values.pop("picture", None)
    errors.pop("picture", None)
    _identity_errors(values, errors, exclude_id=user.id)
    platforms = _by_slugs(Platform, values["platforms"], "platforms", errors) if "platforms" in values else None
    persons = (
        _by_slugs(Person, values["following_persons"], "following_persons", errors) if "following_persons" in values else None
    )
    image = _check_picture(picture, errors)
    _raise_field_errors(errors, PROFILE_FIELDS)
    new_username = values.get("username", user.username)
    new_email = values.get("email", user.email)
    if "password" in values:
        problems = password_problems(values["password"], username=new_username, email=new_email)
        if problems:
            raise password_rules_error(problems)

    previous_email = user.email
    previous_picture = user.picture
    email_changed = "email" in values and values["email"].lower() != previous_email.lower()
    # The code of an email change shares the resend cooldown (checked before anything is written: the cache
    # may be down); within it the change is stored without a code, and the user resends later (API.md 23).
    code_allowed = email_changed and not cooldowns.resend_verification(user.id)
    changes = []
    for name in ("username", "first_name", "last_name", "bio", "email"):
        if name in values:
            setattr(user, name, values[name])
    verification_code = None
    if email_changed:
        user.verified = False
        # Outstanding codes were sent to the previous address: neither may prove ownership of the new one.
        # No autoflush: a concurrent duplicate must surface at the commit below, as the usual 400.
        with db.session.no_autoflush:
            codes.discard(user, codes.VERIFICATION)
            codes.discard(user, codes.RESET)
            if code_allowed:
                verification_code = codes.issue(user, codes.VERIFICATION, new_address=True)
        changes.append("email")
    if "password" in values:
        user_rules.set_password(user, values["password"])
        changes.append("password")
    if platforms is not None:
        user.platforms = platforms
    if persons is not None:
        user.following_persons = persons
    stored = _save_picture(image, user.username)
    if stored:
        user.picture = stored
    _commit_or_duplicate(values, PROFILE_FIELDS, exclude_id=user.id, stored=stored)
    if stored:
        media.remove_stored(previous_picture)
    if verification_code:
        mail.queue_verification(user, verification_code)
    if changes:
        mail.queue_change_notice(previous_email, user, changes)
    return user


def set_preferred_language(user: User, body: Mapping[str, Any]) -> None:
    if "preferred_language" not in body:
        raise error(400, "Missing required fields")
    language = body["preferred_language"]
    if not isinstance(language, str) or language not in LANGUAGES:
        raise error(400, "Invalid language code")
    user.preferred_language = language
    db.session.commit()


def finish_onboarding(user: User) -> None:
    user.boarded = True
    db.session.commit()
