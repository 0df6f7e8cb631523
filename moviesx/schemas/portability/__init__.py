"""Your data: export (API.md 18) and import from Letterboxd and IMDb (19)."""
