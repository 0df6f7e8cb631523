"""The home feed's cache (API.md 6.7): `cache` reads and stores entries, `tokens` stamps them and decides whether the
cache can be trusted, `invalidation` records what each commit changes."""
