"""Every Flask extension, created unbound; create_app binds them."""

from flask_babel import Babel
from flask_caching import Cache
from flask_cors import CORS
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData

from moviesx.http.openapi import Api
from moviesx.http.rate_limits import RateLimits

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# hide_parameters: bound values (user input, possibly huge) never reach logs or error messages; settings from
# SQLALCHEMY_ENGINE_OPTIONS are added to this default.
db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION), engine_options={"hide_parameters": True})
migrate = Migrate()
cache = Cache()
api = Api()
limiter = RateLimits()
babel = Babel()
cors = CORS()
