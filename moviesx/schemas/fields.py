"""Marshmallow fields that speak the contract's validation messages (API.md 3.2, 3.2b)."""

from __future__ import annotations

import json
import math
import re
import uuid
from datetime import date

from email_validator import EmailNotValidError, validate_email
from flask import g, has_request_context
from marshmallow import ValidationError, fields

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


def _form_body() -> bool:
    return has_request_context() and bool(g.get("form_body"))


class Str(fields.Field):
    """A string stored as sent; blank refused unless allow_blank."""

    default_error_messages = {**_BASE_MESSAGES, "invalid": "Not a valid string.", "blank": BLANK}

    def __init__(self, *, max_length: int | None = None, allow_blank: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.max_length = max_length
        self.allow_blank = allow_blank

    def _serialize(self, value, attr, obj, **kwargs):
        return value

    def _deserialize(self, value, attr, data, **kwargs):
        if not is_valid_text(value):
            raise self.make_error("invalid")
        if not self.allow_blank and not value.strip():
            raise self.make_error("blank")
        if self.max_length is not None and len(value) > self.max_length:
            raise ValidationError(max_length_message(self.max_length, len(value)))
        return value


class Slug(Str):
    default_error_messages = {"format": "Enter a valid \u201cslug\u201d consisting of letters, numbers, underscores or hyphens."}

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if not _SLUG.match(value):
            raise self.make_error("format")
        return value


class Email(Str):
    default_error_messages = {"email": "Enter a valid email address."}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 254)
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if not is_email(value):
            raise self.make_error("email")
        return value


def is_email(value: str) -> bool:
    try:
        validate_email(value, check_deliverability=False, allow_smtputf8=True)
    except (EmailNotValidError, ValueError):
        return False
    return True


class Url(Str):
    default_error_messages = {"url": "Enter a valid URL."}

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if not _URL.match(value):
            raise self.make_error("url")
        return value


class _Ranged(fields.Field):
    """A number field with optional inclusive bounds, dumped as is."""

    def __init__(self, *, minimum: float | None = None, maximum: float | None = None, **kwargs):
        super().__init__(**kwargs)
        self.minimum = minimum
        self.maximum = maximum

    def _serialize(self, value, attr, obj, **kwargs):
        return value


class Int(_Ranged):
    """A JSON integer or a string of decimal digits, read at any size, then range-checked."""

    default_error_messages = {**_BASE_MESSAGES, "invalid": "A valid integer is required."}

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        if isinstance(value, int):
            number = value
        elif isinstance(value, str) and value.isascii() and value.isdigit():
            number = parse_digits(value)
        else:
            raise self.make_error("invalid")
        check_range(number, self.minimum, self.maximum)
        return number


class Number(_Ranged):
    default_error_messages = {**_BASE_MESSAGES, "invalid": "A valid number is required."}

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                raise self.make_error("invalid") from None
        if not isinstance(value, (int, float)):
            raise self.make_error("invalid")
        try:
            number = float(value)
        except OverflowError:  # an integer too large for a float
            raise self.make_error("invalid") from None
        if not math.isfinite(number):
            raise self.make_error("invalid")
        check_range(number, self.minimum, self.maximum)
        return number


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


def check_range(number, minimum, maximum) -> None:
    if minimum is not None and number < minimum:
        raise ValidationError(f"Ensure this value is greater than or equal to {minimum}.")
    if maximum is not None and number > maximum:
        raise ValidationError(f"Ensure this value is less than or equal to {maximum}.")


class Bool(fields.Field):
    """JSON true/false; in form bodies also the strings true/false/1/0."""

    default_error_messages = {**_BASE_MESSAGES, "invalid": "Must be a valid boolean."}
    _FORM = {"true": True, "false": False, "1": True, "0": False}

    def _serialize(self, value, attr, obj, **kwargs):
        return value

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and _form_body() and value.lower() in self._FORM:
            return self._FORM[value.lower()]
        raise self.make_error("invalid")


class Choice(fields.Field):
    """One of a fixed set of string codes."""

    default_error_messages = {**_BASE_MESSAGES, "invalid": "Not a valid string."}

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


class DateField(fields.Field):
    default_error_messages = {**_BASE_MESSAGES, "invalid": "Enter a valid date in YYYY-MM-DD format."}
    _DATE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")

    def _serialize(self, value, attr, obj, **kwargs):
        return value.isoformat() if value is not None else None

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not self._DATE.match(value):
            raise self.make_error("invalid")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise self.make_error("invalid") from None


class StrList(fields.Field):
    """A JSON array of strings; in multipart, one text field holding that JSON array.

    `max_items` caps the array as sent, checked before its items (API.md 23), so that an oversized array costs
    no item checks and no lookups.
    """

    default_error_messages = {**_BASE_MESSAGES, "invalid": "Expected a list of items.", "item": "Not a valid string."}

    def __init__(self, *, max_items: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.max_items = max_items

    def _serialize(self, value, attr, obj, **kwargs):
        return value

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and _form_body():
            try:
                value = json.loads(value) if value.strip() else []
            except ValueError:
                raise self.make_error("invalid") from None
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
