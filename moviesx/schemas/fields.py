"""The contract's validation messages (API.md 3.2, 3.2b) on marshmallow's fields and validators.

Built-in fields with `validate.*` validators carry the contract's messages (MaxLength, bounded, SLUG_FORMAT,
EMAIL_ADDRESS, WEB_URL, NUMBER_MESSAGES); a custom field exists only where the contract asks for what no built-in
does: Text (NUL bytes and blank strings refused before the validators), WholeNumber (digits at any size), JsonBoolean
(true/false only), Choice (the offending value printed as JSON), IsoDate (YYYY-MM-DD only) and StrList (one flat
message for the items, duplicates dropped). A form body reaches them already decoded (moviesx.http.body.form_values).
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import date

from email_validator import EmailNotValidError, validate_email
from marshmallow import ValidationError, fields, validate

REQUIRED = "This field is required."
NULL = "This field cannot be null."
BLANK = "This field cannot be blank."
_BASE_MESSAGES = {"required": REQUIRED, "null": NULL}
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*\Z", re.IGNORECASE)  # \Z: "$" would accept a trailing newline
_SLUG = re.compile(r"^[a-z0-9_-]+\Z")


def max_length_message(maximum: int, actual: int) -> str:
    return f"Ensure this value has at most {maximum} characters (it has {actual})."


def choice_message(value) -> str:
    shown = value if isinstance(value, (str, Saturated)) else _as_json(value)
    return f"Value '{shown}' is not a valid choice."


def _as_json(value) -> str:
    """JSON text of a decoded body value; saturated integers (in lists or objects too) print as sent."""
    saturated: list[Saturated] = []
    marker = uuid.uuid4().hex

    def plain(item):
        if isinstance(item, Saturated):
            saturated.append(item)
            return f"{marker}-{len(saturated) - 1}"
        if isinstance(item, list):
            return [plain(inner) for inner in item]
        if isinstance(item, dict):
            return {key: plain(inner) for key, inner in item.items()}
        return item

    text = json.dumps(plain(value))
    for index, number in enumerate(saturated):
        text = text.replace(f'"{marker}-{index}"', number.text)
    return text


def is_valid_text(value: object) -> bool:
    """A str without NUL and without lone surrogates."""
    if not isinstance(value, str) or "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class MaxLength(validate.Length):
    """At most `maximum` characters, with the contract's message naming the actual length (documented as maxLength)."""

    def __init__(self, maximum: int):
        super().__init__(max=maximum)

    def __call__(self, value: str) -> str:
        if len(value) > self.max:
            raise ValidationError(max_length_message(self.max, len(value)))
        return value


def bounded(minimum: float | None = None, maximum: float | None = None) -> list[validate.Range]:
    """Inclusive bounds with the contract's two messages (documented as minimum/maximum)."""
    bounds = []
    if minimum is not None:
        bounds.append(validate.Range(min=minimum, error="Ensure this value is greater than or equal to {min}."))
    if maximum is not None:
        bounds.append(validate.Range(max=maximum, error="Ensure this value is less than or equal to {max}."))
    return bounds


def is_email(value: str) -> bool:
    try:
        validate_email(value, check_deliverability=False, allow_smtputf8=True)
    except (EmailNotValidError, ValueError):
        return False
    return True


def email_address(value: str) -> str:
    """Validator: an address email-validator accepts (no deliverability check)."""
    if not is_email(value):
        raise ValidationError("Enter a valid email address.")
    return value


SLUG_FORMAT = validate.Regexp(
    _SLUG, error="Enter a valid \u201cslug\u201d consisting of letters, numbers, underscores or hyphens."
)
WEB_URL = validate.Regexp(_URL, error="Enter a valid URL.")
NUMBER_MESSAGES = dict.fromkeys(("invalid", "too_large", "special"), "A valid number is required.")


def use_contract_messages(field: fields.Field) -> None:
    """`required` and `null` in the contract's words, built-in fields included (InputSchema.on_bind_field)."""
    for key, message in _BASE_MESSAGES.items():
        if field.error_messages.get(key) == fields.Field.default_error_messages[key]:
            field.error_messages[key] = message


class Text(fields.String):
    """A string stored as sent: NUL bytes and lone surrogates refused, blank refused unless `allow_blank`, then the
    validators (`max_length` adds MaxLength)."""

    default_error_messages = {**_BASE_MESSAGES, "invalid": "Not a valid string.", "blank": BLANK}

    def __init__(self, *, max_length: int | None = None, allow_blank: bool = False, validate=(), **kwargs):
        validators = [validate] if callable(validate) else list(validate)
        if max_length is not None:
            validators.insert(0, MaxLength(max_length))
        super().__init__(validate=validators, **kwargs)
        self.allow_blank = allow_blank

    def _deserialize(self, value, attr, data, **kwargs):
        if not is_valid_text(value):
            raise self.make_error("invalid")
        if not self.allow_blank and not value.strip():
            raise self.make_error("blank")
        return value


class WholeNumber(fields.Integer):
    """A JSON integer or a string of decimal digits, read at any size (API.md 3.2b); bounds through `bounded`."""

    default_error_messages = {"invalid": "A valid integer is required."}

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.isascii() and value.isdigit():
            return parse_digits(value)
        raise self.make_error("invalid")


class JsonBoolean(fields.Boolean):
    """`true` or `false` only (1, "true" and the like are refused; a form's text values are decoded before)."""

    default_error_messages = {"invalid": "Must be a valid boolean."}

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class IsoDate(fields.Date):
    """A date written YYYY-MM-DD, nothing else."""

    default_error_messages = {"invalid": "Enter a valid date in YYYY-MM-DD format."}
    _DATE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not self._DATE.match(value):
            raise self.make_error("invalid")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise self.make_error("invalid") from None


_MAX_DIGITS = 4300


def parse_digits(text: str) -> int:
    """Decimal digits with an optional sign, at any size (API.md 3.2b).

    Python refuses to convert more than 4300 digits; such a value saturates at +/-10**4300, which is past
    every range this API checks, so the range check gives the same answer as for the exact value.
    """
    negative = text.startswith("-")
    digits = text.lstrip("+-").lstrip("0") or "0"
    if len(digits) > _MAX_DIGITS:
        return Saturated(-(10**_MAX_DIGITS) if negative else 10**_MAX_DIGITS, text)
    return -int(digits) if negative else int(digits)


class Saturated(int):
    """A saturated integer that still prints as the digits that were sent (str() of it would raise)."""

    def __new__(cls, value: int, text: str):
        number = super().__new__(cls, value)
        number.text = text
        return number

    def __str__(self) -> str:
        return self.text

    __repr__ = __str__

    def __format__(self, spec: str) -> str:
        return format(self.text, spec)


class Choice(fields.Field):
    """One of a fixed set of string codes; anything else is `Value 'X' is not a valid choice.`, X as JSON."""

    def __init__(self, choices, *, allow_blank: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.choices = tuple(choices)
        self.allow_blank = allow_blank

    def _serialize(self, value, attr, obj, **kwargs):
        return value

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ValidationError(choice_message(value))
        if value == "" and self.allow_blank:
            return value
        if value not in self.choices:
            raise ValidationError(choice_message(value))
        return value


class StrList(fields.Field):
    """A JSON array of strings (in a form, one text field holding it); one flat message for bad items.

    `max_items` caps the array as sent, checked before its items (API.md 23), so that an oversized array costs
    no item checks and no lookups.
    """

    default_error_messages = {"invalid": "Expected a list of items.", "item": "Not a valid string."}
    form_json: list = []  # in a form, one text field holding the JSON array; a blank one is this value

    def __init__(self, *, max_items: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.max_items = max_items

    def _serialize(self, value, attr, obj, **kwargs):
        return value

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, list):
            raise self.make_error("invalid")
        if self.max_items is not None and len(value) > self.max_items:
            raise ValidationError(f"Ensure this field has no more than {self.max_items} elements.")
        if not all(is_valid_text(item) for item in value):
            raise self.make_error("item")
        seen: dict[str, None] = {}
        for item in value:
            seen.setdefault(item, None)
        return list(seen)
