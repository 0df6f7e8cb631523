"""Query parameters as the contract reads them (API.md 1.3, 3.2b)."""

from __future__ import annotations

from flask import request

MAX_VALUE_LENGTH = 200
MAX_ARRAY_VALUES = 50
MAX_DB_ID = 2**63 - 1


class Nameless(str):
    """A path or query value holding NUL, which names no object (API.md 3.2b).

    No stored text holds NUL, and PostgreSQL refuses it in a parameter, so the value binds as the same text with
    U+FFFD in place of each NUL: no slug or username (ASCII only) equals it, so every lookup misses and each route
    gives its own answer for an unknown value. `str()` and formatting still give the value as sent, for the
    `lookup_value` of the generic 404 and for messages that quote it.
    """

    def __new__(cls, sent: str):
        value = super().__new__(cls, sent.replace("\x00", "\ufffd"))
        value.sent = sent
        return value

    def __str__(self) -> str:
        return self.sent

    def __repr__(self) -> str:
        return repr(self.sent)

    def __format__(self, spec: str) -> str:
        return format(self.sent, spec)


def parameter_text(value: str) -> str:
    """The one rule for NUL in path and query values: such a value becomes a Nameless one."""
    return Nameless(value) if "\x00" in value else value


def arg_str(name: str, default: str | None = None) -> str | None:
    value = request.args.get(name)
    return default if value is None else parameter_text(value[:MAX_VALUE_LENGTH])


def arg_list(name: str) -> list[str]:
    """`x[]=a&x=b` both count, in order of appearance, without blanks or repeats; at most 50 values."""
    values: dict[str, None] = {}
    for key, value in request.args.items(multi=True):
        if key in (name, name + "[]") and value != "":
            values.setdefault(parameter_text(value[:MAX_VALUE_LENGTH]), None)
            if len(values) == MAX_ARRAY_VALUES:
                break
    return list(values)


def arg_bool(name: str) -> bool:
    return (request.args.get(name) or "").lower() == "true"


def arg_digits(name: str) -> int | None:
    """A value that is all ASCII digits, else None (treated as absent)."""
    value = arg_str(name)
    if value is None or not value.isascii() or not value.isdigit():
        return None
    return int(value)


def arg_id(name: str) -> int | None:
    """An id-valued parameter: ids above the largest database integer name nothing."""
    value = arg_digits(name)
    return None if value is None or value > MAX_DB_ID else value
