"""slugify (API.md 6.9)."""

import pytest

from moviesx.slugify import slugify


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("My Movie List", "my-movie-list"),
        ("Acción 2!", "accion-2"),
        ("  --Hello   World--  ", "hello-world"),
        ("_under_score_", "under_score"),
        ("a - b -- c", "a-b-c"),
        ("tab\tand\nnewline", "tab-and-newline"),
        ("Ünïcödé Straße", "unicode-strae"),
        ("日本語", ""),
        ("!!!", ""),
        ("ﬁne ligature", "fine-ligature"),
        ("100% _sure_", "100-_sure"),
    ],
)
def test_slugify(text, slug):
    assert slugify(text) == slug
