"""Activity ids and the opaque cursor (API.md 16).

An id is `<kind>-<number>` (`friended-<user>-<friend>` for a friendship, which has no id of its own), numbers
zero-padded to 19 digits (the width of the largest database id). So ids compare by code point exactly as
(kind name, numbers) compare, and the database orders by the kind's rank and the numbers, which both databases
compare alike. The cursor is the last item's (time, id), base64url-encoded: at most 200 ASCII characters.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import datetime

from moviesx.http.errors import APIError, error

DIGITS = 19
MAX_CURSOR = 200
_TIME = "%Y-%m-%dT%H:%M:%S.%f"
_ID = re.compile(rf"([a-z]+)-(\d{{{DIGITS}}})(?:-(\d{{{DIGITS}}}))?")


@dataclass(frozen=True)
class Position:
    """Where an item sits in the stream: its time, its kind and the numbers of its id."""

    at: datetime
    kind: str
    numbers: tuple[int, ...]

    @property
    def id(self) -> str:
        return activity_id(self.kind, self.numbers)


def activity_id(kind: str, numbers: tuple[int, ...]) -> str:
    return "-".join([kind, *(f"{number:0{DIGITS}d}" for number in numbers)])


def encode(position: Position) -> str:
    payload = f"{position.at.strftime(_TIME)}|{position.id}"
    return base64.urlsafe_b64encode(payload.encode("ascii")).decode("ascii").rstrip("=")


def invalid() -> APIError:
    return error(400, "Invalid cursor")


def decode(cursor: str, key_counts: dict[str, int]) -> Position:
    """The position a cursor names; `key_counts` gives each known kind's number of id parts. 400 otherwise."""
    if len(cursor) > MAX_CURSOR or not re.fullmatch(r"[A-Za-z0-9_-]+", cursor):
        raise invalid()
    try:
        payload = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        moment, _, identifier = payload.partition("|")
        at = datetime.strptime(moment, _TIME)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise invalid() from None
    match = _ID.fullmatch(identifier)
    if match is None or match[1] not in key_counts:
        raise invalid()
    numbers = tuple(int(part) for part in match.groups()[1:] if part is not None)
    if len(numbers) != key_counts[match[1]]:
        raise invalid()
    return Position(at, match[1], numbers)
