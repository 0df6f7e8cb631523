"""The catalogue (API.md 8): kinds, reads, business-rule checks and writes.

Shared by the staff API and `catalog import`: `check` finds every rule failure of a validated body,
`apply` writes it without committing, `save` writes and commits it. The names callers use are gathered here,
so they import one name.
"""

from moviesx.services.catalog.checks import check, target_slug
from moviesx.services.catalog.kinds import KIND_PATHS, KINDS, Kind, image_keys
from moviesx.services.catalog.lookups import find_by_slug, find_many_by_slug, live_list
from moviesx.services.catalog.writes import Outcome, apply, discard_files, restore, save, soft_delete

__all__ = [
    "KINDS",
    "KIND_PATHS",
    "Kind",
    "Outcome",
    "apply",
    "check",
    "discard_files",
    "find_by_slug",
    "find_many_by_slug",
    "image_keys",
    "live_list",
    "restore",
    "save",
    "soft_delete",
    "target_slug",
]
