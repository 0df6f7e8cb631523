"""Account life cycle (API.md 5.1, 7): signup, verification, password reset, profile edits, language, onboarding.

Signup and profile bodies arrive as a `CheckedBody` (moviesx.schemas.accounts.registration): the values that passed their field
checks and the failing fields. The account rules that need files or queries (picture, identity, slugs) run here,
and `body.refuse` reports them with the field errors in one 400. Every write is all or nothing: validation first,
then one commit; emails are queued only after it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from moviesx.extensions import db
from moviesx.http.errors import APIError, FieldErrors, error, translate
from moviesx.models import Person, Platform, User
from moviesx.schemas.accounts.registration import CheckedBody
from moviesx.schemas.fields import Text, is_email, is_valid_text
from moviesx.services import media
from moviesx.services.accounts import codes, cooldowns, mail
from moviesx.services.accounts import users as user_rules
from moviesx.services.accounts.passwords import hash_password, password_problems
from moviesx.services.transactions import commit_or, unique_or

PASSWORDS_DO_NOT_MATCH = "Passwords do not match."
MISSING_OBJECT = "Object with slug '{slug}' does not exist."
SLUG_FIELDS = {"platforms": Platform, "following_persons": Person}
IDENTITY_FIELDS = ("username", "email")


# ---------------------------------------------------------------- validation helpers


def _raise_field_errors(errors: dict[str, Any], order: Iterable[str]) -> None:
    if errors:
        ordered = {name: errors[name] for name in order if name in errors}
        ordered.update({name: value for name, value in errors.items() if name not in ordered})
        raise FieldErrors(ordered)


def password_rules_error(problems: list[str]) -> APIError:
    return APIError(400, {"error": [translate(problem) for problem in problems]})


def _read_picture(storage: FileStorage | None) -> media.CheckedImage | None:
    """The uploaded `picture` file checked by the image rules; an empty file part means no picture."""
    if storage is None:
        return None
    data = storage.stream.read(media.MAX_IMAGE_BYTES + 1)
    if not data and not storage.filename:
        return None
    return media.check_image(data)


def _check_picture(values: dict[str, Any]) -> dict[str, list[str]]:
    """Replace the uploaded `picture` by the checked image (API.md 7.5); its error when the image rules refuse it."""
    try:
        values["picture"] = _read_picture(values.get("picture"))
    except media.InvalidImage as exc:
        del values["picture"]
        return {"picture": [exc.message]}
    return {}


def _save_picture(image: media.CheckedImage | None, username: str) -> str | None:
    if image is None:
        return None
    return media.save_image(image, "users", f"user_{username}_profile_{media.timestamp()}")


def _identity_errors(values: Mapping[str, Any], *, exclude_id: int | None = None) -> dict[str, list[str]]:
    """Username format/reserved/taken and email taken, for the fields present in `values` (their own checks passed)."""
    problems = user_rules.identity_problems(values.get("username"), values.get("email"), exclude_id=exclude_id)
    return {field: [problem] for field, problem in problems.items()}


def _duplicate(values: dict[str, Any], *, exclude_id: int | None, stored: str | None) -> Callable[[], None]:
    """The answer once a unique index fired (a concurrent duplicate): the same 400 a sequential request gets."""

    def answer() -> None:
        media.remove_stored(stored)
        _raise_field_errors(_identity_errors(values, exclude_id=exclude_id), IDENTITY_FIELDS)

    return answer


# ---------------------------------------------------------------- signup and verification


def _signup_problems(values: dict[str, Any]) -> dict[str, list[str]]:
    """The account rules of a signup body, over the fields whose own checks passed: picture, identity, matching
    passwords."""
    errors = _check_picture(values) | _identity_errors(values)
    if "confirm_password" in values and "password" in values and values["confirm_password"] != values["password"]:
        errors["confirm_password"] = [PASSWORDS_DO_NOT_MATCH]
    return errors


def signup(body: CheckedBody, language: str) -> User:
    """Create an unverified user from a loaded signup body (SignupSchema), then email a verification code after the
    commit (API.md 5.1); only a body without field errors reaches the password rules."""
    values = dict(body.values)
    body.refuse(_signup_problems(values))
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
        preferred_language=language,
    )
    user.password_hash = hash_password(values["password"])
    stored = _save_picture(values.get("picture"), user.username)
    user.picture = stored
    db.session.add(user)
    with unique_or(_duplicate(values, exclude_id=None, stored=stored)):
        db.session.flush()
        code = codes.issue(user, codes.VERIFICATION)
        db.session.commit()
    if code:
        mail.queue_verification(user, code)
    return user


def verify(user: User, submitted: object) -> None:
    """Consume the verification code; any value that is not the outstanding code is a wrong attempt (API.md 3.2a)."""
    if not codes.matches(user, codes.VERIFICATION, submitted):
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
    """The code is checked first, then the password; a correct code with a refused password is given back (not
    consumed). `body` holds the three keys as sent (ResetPasswordSchema)."""
    email = body["email"]
    user = user_rules.find_active_by_email(email) if is_valid_text(email) and email else None
    if user is None or not codes.matches(user, codes.RESET, body["forgot_password_code"]):
        raise error(400, "Invalid verification code")
    try:
        password = Text(required=True).deserialize(body["new_password"])
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


def _rows_by_slug(values: dict[str, Any]) -> dict[str, list[str]]:
    """Replace each slug array by the rows it names, in its order; the first slug that names none is its field's
    error (API.md 5.1)."""
    errors = {}
    for name, model in SLUG_FIELDS.items():
        slugs = values.get(name)
        if slugs is None:
            continue
        found = {row.slug: row for row in db.session.scalars(select(model).where(model.slug.in_(slugs)))} if slugs else {}
        missing = next((slug for slug in slugs if slug not in found), None)
        if missing is None:
            values[name] = [found[slug] for slug in slugs]
        else:
            errors[name] = [translate(MISSING_OBJECT, slug=missing)]
    return errors


def _profile_problems(user: User, values: dict[str, Any]) -> dict[str, list[str]]:
    """The account rules of a profile edit, over the fields whose own checks passed: picture, the identity of the
    result, slugs."""
    return _check_picture(values) | _identity_errors(values, exclude_id=user.id) | _rows_by_slug(values)


def update_profile(user: User, body: CheckedBody) -> User:
    """Apply a loaded partial profile edit (ProfileUpdateSchema) in one transaction; notices go to the previous
    address. Only a body without field errors reaches the password rules (against the resulting identity)."""
    values = dict(body.values)
    body.refuse(_profile_problems(user, values))
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
    if "platforms" in values:
        user.platforms = values["platforms"]
    if "following_persons" in values:
        user.following_persons = values["following_persons"]
    stored = _save_picture(values.get("picture"), user.username)
    if stored:
        user.picture = stored
    commit_or(_duplicate(values, exclude_id=user.id, stored=stored))
    if stored:
        media.remove_stored(previous_picture)
    if verification_code:
        mail.queue_verification(user, verification_code)
    if changes:
        mail.queue_change_notice(previous_email, user, changes)
    return user


def set_preferred_language(user: User, language: str) -> None:
    """`language` is a supported code (PreferredLanguageInputSchema refuses any other value)."""
    user.preferred_language = language
    db.session.commit()


def finish_onboarding(user: User) -> None:
    user.boarded = True
    db.session.commit()
