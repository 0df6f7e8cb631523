"""Configuration from the environment (API.md 11)."""

from __future__ import annotations

import os
import stat

import pytest

from moviesx.config import Config, ConfigError


def test_laptop_defaults(tmp_path):
    config = Config(tmp_path, environ={}).as_dict()
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'moviesx.db'}"
    assert config["CACHE_TYPE"] == "FileSystemCache"
    assert config["CACHE_THRESHOLD"] == 0
    assert config["CACHE_DIR"] == str(tmp_path / "cache")
    assert config["MEDIA_ROOT"] == str(tmp_path / "media")
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert config["CORS_ORIGINS"] == ["http://localhost:5173", "http://127.0.0.1:5173"]
    assert config["GOOGLE_REDIRECT_URI"] == "http://localhost:5173/accounts/google/login/callback/"
    assert (config["JWT_ACCESS_MINUTES"], config["JWT_REFRESH_DAYS"]) == (60, 90)
    assert (config["CODE_TTL_SECONDS"], config["EMAIL_COOLDOWN_SECONDS"]) == (900, 60)
    assert config["MAIL_DEFAULT_SENDER"] == "MoviesX <no-reply@moviesx.local>"
    assert config["RECOMMENDER_RETRAIN_AFTER"] == 100
    assert config["RECOMMENDER_CHUNK_BYTES"] == 64 * 1024 * 1024


def test_secret_key_is_generated_once_with_mode_0600(tmp_path):
    first = Config(tmp_path, environ={}).as_dict()["SECRET_KEY"]
    second = Config(tmp_path, environ={}).as_dict()["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode) == 0o600


def test_redis_url_switches_cache_and_limiter(tmp_path):
    config = Config(tmp_path, environ={"REDIS_URL": "redis://localhost:6379/3"}).as_dict()
    assert config["CACHE_TYPE"] == "moviesx.services.redis_cache.RedisCache"
    assert config["RATELIMIT_STORAGE_URI"] == "redis://localhost:6379/3"


def test_booleans_and_frontend_url(tmp_path):
    config = Config(
        tmp_path,
        environ={"MAIL_USE_TLS": "off", "RATELIMIT_ENABLED": "No", "SERVE_MEDIA": "1", "FRONTEND_URL": "https://app.example/"},
    ).as_dict()
    assert (config["MAIL_USE_TLS"], config["RATELIMIT_ENABLED"], config["SERVE_MEDIA"]) == (False, False, True)
    assert config["FRONTEND_URL"] == "https://app.example"


def test_deepl_server_depends_on_the_key(tmp_path):
    assert Config(tmp_path, environ={"DEEPL_API_KEY": "k:fx"}).as_dict()["DEEPL_SERVER_URL"] == "https://api-free.deepl.com"
    assert Config(tmp_path, environ={"DEEPL_API_KEY": "k"}).as_dict()["DEEPL_SERVER_URL"] == "https://api.deepl.com"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"MOVIESX_ENV": "production", "DATABASE_URL": "postgresql+psycopg://x/y"}, "SECRET_KEY must be set in production"),
        ({"MOVIESX_ENV": "production", "SECRET_KEY": "s" * 40}, "DATABASE_URL must be set in production"),
        (
            {"MOVIESX_ENV": "production", "SECRET_KEY": "s" * 31, "DATABASE_URL": "postgresql+psycopg://x/y"},
            "SECRET_KEY must be at least 32 characters in production",
        ),
        ({"MOVIESX_ENV": "staging"}, "MOVIESX_ENV must be one of development, production, testing"),
        ({"MAIL_PORT": "abc"}, "MAIL_PORT must be an integer"),
    ],
)
def test_invalid_environments_refuse_to_start(tmp_path, environ, message):
    with pytest.raises(ConfigError, match=message):
        Config(tmp_path, environ=environ).as_dict()


def test_production_with_both_settings_starts(tmp_path):
    config = Config(
        tmp_path, environ={"MOVIESX_ENV": "production", "SECRET_KEY": "s" * 32, "DATABASE_URL": "postgresql+psycopg://x/y"}
    ).as_dict()
    assert config["SECRET_KEY"] == "s" * 32
    assert not (tmp_path / "secret_key").exists()


def test_a_short_secret_key_is_accepted_outside_production(tmp_path):
    assert Config(tmp_path, environ={"SECRET_KEY": "short"}).as_dict()["SECRET_KEY"] == "short"


def test_processes_starting_at_once_agree_on_one_generated_secret_key(tmp_path):
    """A fresh checkout: several processes (gunicorn or test workers) create the key file at the same moment."""
    import multiprocessing

    from moviesx.config import _secret_key_file

    with multiprocessing.get_context("fork").Pool(8) as pool:
        keys = pool.map(_secret_key_file, [tmp_path] * 64)
    assert len(set(keys)) == 1 and keys[0] == (tmp_path / "secret_key").read_text()
    assert [path.name for path in tmp_path.iterdir()] == ["secret_key"]
