"""Slugs for lists and catalogue rows (API.md 6.9)."""

from __future__ import annotations

import re
import unicodedata

_NOT_SLUG = re.compile(r"[^\w\s-]", re.ASCII)
_SEPARATORS = re.compile(r"[-\s]+", re.ASCII)


def slugify(text: str) -> str:
    """`My Movie List` -> `my-movie-list`; `Acción 2!` -> `accion-2`."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    cleaned = _NOT_SLUG.sub("", ascii_text).lower().strip()
    return _SEPARATORS.sub("-", cleaned).strip("-_")
