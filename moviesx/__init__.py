"""MoviesX: the JSON API of a social movie app."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, routes, errors, commands, logging."""
    overrides = dict(config or {})
    app = Flask(__name__, instance_path=overrides.pop("INSTANCE_PATH", None), static_folder=None)
    load_config(app, overrides)
    limit_blas_threads()
    configure_logging(app)
    configure_http(app)
    register_extensions(app)
    connect_signals(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_request_hooks(app)
    register_commands(app)
    prepare_media(app)
    return app


def load_config(app: Flask, overrides: Mapping[str, Any]) -> None:
    from moviesx.config import Config

    app.config.update(Config(app.instance_path).as_dict())
    app.config.update(overrides)


def limit_blas_threads() -> None:
    """One BLAS thread in every process that builds the app (gunicorn's master before it forks its workers, which
    inherit the setting; the RQ worker; the CLI).

    The request path's linear algebra is small (the fold-in's solve of a 64 x 64 system by default, one matrix-vector product
    over the item factors), so BLAS threads cost more to wake than they save, and they compete with the server's
    request threads for the cores: per computed feed they took more CPU time than wall time. The limit is process-wide
    state of the BLAS library, so it is set here once rather than per request (threadpoolctl's context manager, as
    training uses it, would restore the previous limit under concurrent requests). It must run after numpy has loaded
    its BLAS: threadpoolctl limits the libraries loaded at the time.
    """
    import numpy  # noqa: F401 - loads the BLAS library the limit applies to
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def configure_logging(app: Flask) -> None:
    from moviesx.logging import configure

    configure(app)


def configure_http(app: Flask) -> None:
    """URL converters, slash handling, JSON output, proxy trust (API.md 1.1, 1.4) and no cookie session."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    from moviesx.http.converters import register_converters
    from moviesx.http.sessions import NoCookieSession

    app.session_interface = NoCookieSession()
    app.url_map.strict_slashes = False
    app.url_map.merge_slashes = False
    register_converters(app)
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.json.compact = True
    hops = app.config["TRUST_PROXY"]
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)


def register_extensions(app: Flask) -> None:
    from moviesx import models  # noqa: F401 - every model must be known to Alembic and the mapper
    from moviesx.extensions import api, babel, cache, cors, db, limiter, migrate
    from moviesx.http.language import active_language
    from moviesx.services.connections import ping_idle_connections
    from moviesx.services.feed.invalidation import install_listeners

    db.init_app(app)
    with app.app_context():
        ping_idle_connections(db.engine)
    install_listeners()  # the session listeners that invalidate cached feeds, once per process
    migrate.init_app(app, db, directory=str(app.config.get("MIGRATIONS_DIR", _migrations_dir())), render_as_batch=True)
    cache.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=active_language)
    cors.init_app(
        app,
        resources={r"/api/*": {}, r"/media/*": {}},
        origins=app.config["CORS_ORIGINS"],
        supports_credentials=True,
        expose_headers=["Retry-After", "ETag", "Content-Disposition"],
        methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type", "Accept", "Accept-Language", "X-Request-ID"],
        max_age=86400,
        vary_header=True,  # only with several origins: moviesx.http.hooks adds Vary: Origin for a single one
        always_send=False,  # a request without Origin gets no CORS headers (API.md 1.5)
    )
    api.init_app(app, spec_kwargs={"servers": [{"url": "/"}]})
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})


def connect_signals(app: Flask) -> None:
    """What follows a domain event in this app: a rating (or many at once) or unseen mark warms the user's feed; each
    rating also counts toward a retrain. Connected per app, so that nothing fires for an app this factory did not build."""
    from moviesx.services.feed.cache import warm_later
    from moviesx.services.feed.recommender import note_rating_change
    from moviesx.signals import rating_changed, ratings_changed, unseen_changed

    rating_changed.connect(note_rating_change, sender=app)
    rating_changed.connect(warm_later, sender=app)
    ratings_changed.connect(note_rating_change, sender=app)
    ratings_changed.connect(warm_later, sender=app)
    unseen_changed.connect(warm_later, sender=app)


def _migrations_dir():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "migrations"


def register_blueprints(app: Flask) -> None:
    from moviesx.blueprints import register

    register(app)


def register_error_handlers(app: Flask) -> None:
    from moviesx.http.errors import register_error_handlers as register

    register(app)


def register_request_hooks(app: Flask) -> None:
    from moviesx.http.hooks import register_hooks

    register_hooks(app)


def register_commands(app: Flask) -> None:
    from moviesx.cli import register

    register(app)


def prepare_media(app: Flask) -> None:
    from moviesx.services.media import install_default_images

    install_default_images(app)
