"""Code only the CLI needs (API.md 10): demo seeding, catalogue and MovieLens imports, offline evaluation.

Nothing on the request path imports this package; `moviesx/cli/*` (and the benchmarks) do.
"""
