"""Configuration: one place that reads the environment (API.md section 11)."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
ENVIRONMENTS = ("development", "production", "testing")
MIB = 1024 * 1024
# HS256 signs tokens with this key: a short one can be brute-forced offline from any token (API.md Part 2, on 11).
MIN_PRODUCTION_SECRET_KEY_LENGTH = 32


class ConfigError(RuntimeError):
    """Raised when the environment cannot produce a working configuration."""


def parse_bool(value: str | bool | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigError(f"Not a boolean: {value!r}")


def _secret_key_file(instance_path: Path) -> str:
    """Outside production, generate a random key once and keep it in the instance folder."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    # Written whole under a private name, then linked into place: two processes starting at once (gunicorn workers,
    # test workers) agree on one key, and none reads a half-written file.
    fd, draft = tempfile.mkstemp(dir=instance_path, prefix=".secret_key.")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        os.link(draft, path)
    except FileExistsError:
        return path.read_text().strip()
    finally:
        os.unlink(draft)
    return key


def engine_options(database_url: str, connect_timeout: int) -> dict[str, Any]:
    """Give up connecting to PostgreSQL after `connect_timeout` seconds, so that an unreachable server answers 503
    within seconds, not after the system's TCP timeout (API.md 21). Pooled connections are checked before use when
    they have been idle (`services.connections`), not each time (`pool_pre_ping`)."""
    options: dict[str, Any] = {}
    if database_url.startswith("postgresql"):
        options["connect_args"] = {"connect_timeout": connect_timeout}
    return options


# A Redis that accepts connections but never answers must fail a cache call in seconds, not hang it (API.md 21);
# reading the stored model is the largest call.
CACHE_REDIS_TIMEOUTS = {"socket_connect_timeout": 2, "socket_timeout": 5}
REDIS_CACHE_TYPE = "moviesx.services.redis_cache.RedisCache"  # Flask-Caching's, with one MSET for many tokens
RATELIMIT_REDIS_TIMEOUT = 0.5  # seconds; Redis answers in about a millisecond


def _ratelimit_storage_options(uri: str) -> dict[str, Any]:
    """Storage failures raise limits' StorageError, which the throttle lets through (API.md 21); a Redis that does
    not answer costs a request at most RATELIMIT_REDIS_TIMEOUT instead of hanging it."""
    options: dict[str, Any] = {"wrap_exceptions": True}
    if uri.startswith(("redis", "valkey")):
        options.update(socket_connect_timeout=RATELIMIT_REDIS_TIMEOUT, socket_timeout=RATELIMIT_REDIS_TIMEOUT)
    return options


class Config:
    """Builds the Flask config mapping from environment variables with laptop defaults."""

    def __init__(self, instance_path: str | Path, environ: Mapping[str, str] | None = None):
        self.instance_path = Path(instance_path)
        self.env = os.environ if environ is None else environ

    def _get(self, name: str, default: str | None = None) -> str | None:
        value = self.env.get(name)
        return default if value is None or value == "" else value

    def _int(self, name: str, default: int) -> int:
        raw = self._get(name)
        try:
            return default if raw is None else int(raw)
        except ValueError as exc:
            raise ConfigError(f"{name} must be an integer") from exc

    def _float(self, name: str, default: float) -> float:
        raw = self._get(name)
        try:
            return default if raw is None else float(raw)
        except ValueError as exc:
            raise ConfigError(f"{name} must be a number") from exc

    def _bool(self, name: str, default: bool) -> bool:
        try:
            return parse_bool(self._get(name), default)
        except ConfigError as exc:
            raise ConfigError(f"{name}: {exc}") from exc

    def as_dict(self) -> dict[str, Any]:
        env_name = self._get("MOVIESX_ENV", "development")
        if env_name not in ENVIRONMENTS:
            raise ConfigError(f"MOVIESX_ENV must be one of {', '.join(ENVIRONMENTS)}")
        production = env_name == "production"
        self.instance_path.mkdir(parents=True, exist_ok=True)

        secret_key = self._get("SECRET_KEY")
        if secret_key is None:
            if production:
                raise ConfigError("SECRET_KEY must be set in production")
            secret_key = _secret_key_file(self.instance_path)
        elif production and len(secret_key) < MIN_PRODUCTION_SECRET_KEY_LENGTH:
            raise ConfigError(f"SECRET_KEY must be at least {MIN_PRODUCTION_SECRET_KEY_LENGTH} characters in production")
        database_url = self._get("DATABASE_URL")
        if database_url is None:
            if production:
                raise ConfigError("DATABASE_URL must be set in production")
            database_url = f"sqlite:///{self.instance_path / 'moviesx.db'}"

        redis_url = self._get("REDIS_URL")
        ratelimit_storage = self._get("RATELIMIT_STORAGE_URI", redis_url or "memory://")
        frontend_url = self._get("FRONTEND_URL", "http://localhost:5173").rstrip("/")
        deepl_key = self._get("DEEPL_API_KEY")
        deepl_default = "https://api-free.deepl.com" if (deepl_key or "").endswith(":fx") else "https://api.deepl.com"
        cache = (
            {"CACHE_TYPE": REDIS_CACHE_TYPE, "CACHE_REDIS_URL": redis_url, "CACHE_OPTIONS": dict(CACHE_REDIS_TIMEOUTS)}
            if redis_url
            else {
                "CACHE_TYPE": "FileSystemCache",
                "CACHE_DIR": str(self.instance_path / "cache"),
                "CACHE_THRESHOLD": 0,
            }
        )
        return {
            "MOVIESX_ENV": env_name,
            "TESTING": env_name == "testing",
            "DEBUG": False,
            "SECRET_KEY": secret_key,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SQLALCHEMY_ENGINE_OPTIONS": engine_options(database_url, self._int("DATABASE_CONNECT_TIMEOUT", 5)),
            "REDIS_URL": redis_url,
            **cache,
            "CACHE_DEFAULT_TIMEOUT": 0,
            "CACHE_KEY_PREFIX": "moviesx:",
            "MAIL_SERVER": self._get("MAIL_SERVER"),
            "MAIL_PORT": self._int("MAIL_PORT", 587),
            "MAIL_USERNAME": self._get("MAIL_USERNAME"),
            "MAIL_PASSWORD": self._get("MAIL_PASSWORD"),
            "MAIL_USE_TLS": self._bool("MAIL_USE_TLS", True),
            "MAIL_DEFAULT_SENDER": self._get("MAIL_DEFAULT_SENDER", "MoviesX <no-reply@moviesx.local>"),
            "MAIL_OUTBOX_DIR": self._get("MAIL_OUTBOX_DIR"),
            "FRONTEND_URL": frontend_url,
            "CORS_ORIGINS": [
                origin.strip()
                for origin in self._get("CORS_ORIGINS", "http://localhost:5173,http://127.0.0.1:5173").split(",")
                if origin.strip()
            ],
            "MEDIA_ROOT": self._get("MEDIA_ROOT", str(self.instance_path / "media")),
            "SERVE_MEDIA": self._bool("SERVE_MEDIA", True),
            "GOOGLE_CLIENT_ID": self._get("GOOGLE_CLIENT_ID"),
            "GOOGLE_CLIENT_SECRET": self._get("GOOGLE_CLIENT_SECRET"),
            "GOOGLE_REDIRECT_URI": self._get("GOOGLE_REDIRECT_URI", frontend_url + "/accounts/google/login/callback/"),
            "GOOGLE_TOKEN_URL": self._get("GOOGLE_TOKEN_URL", "https://oauth2.googleapis.com/token"),
            "GOOGLE_USERINFO_URL": self._get("GOOGLE_USERINFO_URL", "https://openidconnect.googleapis.com/v1/userinfo"),
            "DEEPL_API_KEY": deepl_key,
            "DEEPL_SERVER_URL": self._get("DEEPL_SERVER_URL", deepl_default),
            "TRANSLATION_USER_DAILY_CHARS": self._int("TRANSLATION_USER_DAILY_CHARS", 50_000),
            "TRANSLATION_DAILY_CHARS": self._int("TRANSLATION_DAILY_CHARS", 500_000),
            "RATELIMIT_ENABLED": self._bool("RATELIMIT_ENABLED", True),
            "RATELIMIT_STORAGE_URI": ratelimit_storage,
            "RATELIMIT_STORAGE_OPTIONS": _ratelimit_storage_options(ratelimit_storage),
            "JWT_ACCESS_MINUTES": self._int("JWT_ACCESS_MINUTES", 60),
            "JWT_REFRESH_DAYS": self._int("JWT_REFRESH_DAYS", 90),
            "CODE_TTL_SECONDS": self._int("CODE_TTL_SECONDS", 900),
            "EMAIL_COOLDOWN_SECONDS": self._int("EMAIL_COOLDOWN_SECONDS", 60),
            "TRUST_PROXY": self._int("TRUST_PROXY", 0),
            "RECOMMENDER_FACTORS": self._int("RECOMMENDER_FACTORS", 64),
            "RECOMMENDER_REGULARIZATION": self._float("RECOMMENDER_REGULARIZATION", 20.0),
            "RECOMMENDER_ALPHA": self._float("RECOMMENDER_ALPHA", 1.0),
            "RECOMMENDER_ITERATIONS": self._int("RECOMMENDER_ITERATIONS", 20),
            "RECOMMENDER_RETRAIN_AFTER": self._int("RECOMMENDER_RETRAIN_AFTER", 100),
            # The stored model is split into cache values of at most this size (capped at 256 MiB).
            "RECOMMENDER_CHUNK_BYTES": self._int("RECOMMENDER_CHUNK_BYTES", 64 * MIB),
            "FEED_CACHE_SECONDS": self._int("FEED_CACHE_SECONDS", 600),
            "CATALOG_CACHE_SECONDS": self._int("CATALOG_CACHE_SECONDS", 600),
            # The ladder's facts of a user (services/accounts/caller.py); replaced tokens do the invalidation, 0 = off.
            "AUTH_CACHE_SECONDS": self._int("AUTH_CACHE_SECONDS", 600),
            "METRICS_TOKEN": self._get("METRICS_TOKEN"),
            # Set by gunicorn.conf.py: prometheus_client then keeps values in files shared by the workers.
            "PROMETHEUS_MULTIPROC_DIR": self._get("PROMETHEUS_MULTIPROC_DIR"),
            "LOG_LEVEL": self._get("LOG_LEVEL", "INFO").upper(),
            "MAX_CONTENT_LENGTH": 10 * MIB,
            "MAX_FORM_MEMORY_SIZE": 10 * MIB,
            "MAX_UPLOAD_BYTES": 5 * 1024 * 1024,
            "JSON_SORT_KEYS": False,
            "BABEL_DEFAULT_LOCALE": "en",
            "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).parent / "translations"),
            # flask-smorest / OpenAPI
            "API_TITLE": "MoviesX API",
            "API_VERSION": "v1",
            "OPENAPI_VERSION": "3.0.3",
            "OPENAPI_URL_PREFIX": "/api",
            "OPENAPI_JSON_PATH": "schema/",
            "OPENAPI_SWAGGER_UI_PATH": "docs/",
            "OPENAPI_SWAGGER_UI_URL": "/api/docs/assets/",
        }
