"""Contract fields (API.md 3.2): formats match the whole value, a trailing newline included."""

from __future__ import annotations

import json

import pytest
from marshmallow import ValidationError

from moviesx.schemas.fields import SLUG_FORMAT, WEB_URL, IsoDate, Text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            Text(validate=SLUG_FORMAT),
            "drama\n",
            "Enter a valid \u201cslug\u201d consisting of letters, numbers, underscores or hyphens.",
        ),
        (Text(validate=WEB_URL), "https://example.com\n", "Enter a valid URL."),
        (IsoDate(), "2020-01-01\n", "Enter a valid date in YYYY-MM-DD format."),
    ],
)
def test_trailing_newline_fails_the_format(field, value, message):
    with pytest.raises(ValidationError) as caught:
        field.deserialize(value)
    assert caught.value.messages == [message]
    assert field.deserialize(value.rstrip("\n")) is not None


def test_choice_message_names_a_huge_number_as_sent():
    from moviesx.schemas.fields import choice_message, parse_digits

    digits = "9" * 5000
    assert choice_message(parse_digits(digits)) == f"Value '{digits}' is not a valid choice."
    assert choice_message(parse_digits("-" + digits)) == f"Value '-{digits}' is not a valid choice."
    assert choice_message(None) == "Value 'null' is not a valid choice."
    nested = json.loads('{"a": [%s, 5]}' % digits, parse_int=parse_digits)
    assert choice_message(nested) == f"Value '{{\"a\": [{digits}, 5]}}' is not a valid choice."
