"""The upload and the report of an import (API.md 19)."""

from __future__ import annotations

from marshmallow import fields

from moviesx.schemas.base import InputSchema, OutputSchema


class ImportInputSchema(InputSchema):
    """multipart/form-data with one file field."""

    file = fields.Raw(
        required=True,
        metadata={
            "type": "string",
            "format": "binary",
            "description": "A Letterboxd export (its ZIP, or one of its files `diary.csv`, `ratings.csv`, `watched.csv`, "
            "`watchlist.csv`) or an IMDb ratings export (CSV). UTF-8, with or without a BOM; recognised from the "
            "header row. A lone watched/watchlist CSV is taken as the watchlist when its file name contains "
            "`watchlist`. At most 50,000 data rows, and ZIP members of at most 50 MiB uncompressed.",
        },
    )


class ImportedRatingsSchema(OutputSchema):
    created = fields.Integer(metadata={"description": "Movies the caller had no rating of before, and has now."})
    updated = fields.Integer(metadata={"description": "Movies whose rating value changed."})


class UnmatchedRowSchema(OutputSchema):
    title = fields.String(metadata={"example": "A Film Nobody Has Heard Of"})
    year = fields.Integer(allow_none=True, metadata={"description": "null when blank or unreadable.", "example": 1971})


class ImportReportSchema(OutputSchema):
    format = fields.String(metadata={"enum": ["letterboxd", "imdb"]})
    rows = fields.Integer(metadata={"description": "Data rows read, across every file."})
    matched = fields.Integer(metadata={"description": "Rows matched to a movie."})
    ratings = fields.Nested(ImportedRatingsSchema)
    watches = fields.Integer(metadata={"description": "Diary entries this import created."})
    watchlist = fields.Integer(metadata={"description": "Watchlist entries this import created."})
    unmatched = fields.List(
        fields.Nested(UnmatchedRowSchema),
        metadata={"description": "The first 100 unmatched rows, in file order, each title and year once."},
    )
    unmatched_count = fields.Integer(metadata={"description": "Every unmatched row."})
