"""Django settings for Kithkin.

Everything is read from environment variables (see the table in README.md).
Nothing secret lives in the repository: when SECRET_KEY is unset, a key is made on
first start and kept in the data folder.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

from kithkin.lib.env import (
    ConfigError,
    envbool,
    envchoice,
    envint,
    envlist,
    folder,
    secret_key,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = folder("KITHKIN_DATA_DIR", BASE_DIR / "data")

SECRET_KEY = secret_key(DATA_DIR)
DEBUG = envbool("DEBUG", "False")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

# open: anyone who can reach the server can sign up; invite: only with an invite
# link from someone who already has an account; closed: the host adds accounts.
REGISTRATION = envchoice("KITHKIN_REGISTRATION", "open", ("open", "invite", "closed"))
SITE_NAME = os.getenv("KITHKIN_SITE_NAME", "Kithkin")
# Where people reach Kithkin (e.g. https://kithkin.example.org): reminders and emails
# sent by the worker link back to it; without it they name the page instead.
SITE_URL = os.getenv("KITHKIN_SITE_URL", "").strip().rstrip("/")

INSTALLED_APPS = [
    "kithkin.accounts",
    "kithkin.front",
    "kithkin.support",
    "kithkin.today",
    "kithkin.circle",
    "kithkin.wellbeing",
    "kithkin.plans",
    "kithkin.partners",
    "kithkin.nudges",
    "kithkin.api",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "ninja",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kithkin.lib.middleware.content_security_policy",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kithkin.accounts.middleware.user_preferences",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # django-axes asks to be last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kithkin.urls"
WSGI_APPLICATION = "kithkin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kithkin.front.context_processors.branding",
            ],
        },
    },
]


# Database: the embedded SQLite file in the data folder, unless DATABASE_URL says
# otherwise (postgres://user:password@host:5432/name).
def _database() -> dict[str, Any]:
    url = os.getenv("DATABASE_URL", "").strip()
    if not url:
        url = f"sqlite:///{DATA_DIR / 'kithkin.sqlite3'}"
    try:
        db = dj_database_url.parse(url, conn_max_age=envint("KITHKIN_DB_CONN_MAX_AGE", "60"))
    except (ValueError, KeyError) as e:
        raise ConfigError(
            f"DATABASE_URL is not a database address Kithkin understands ({e})."
        ) from None
    if not db.get("NAME") or db["NAME"] == ":memory:":
        # An in-memory SQLite database would forget everything at the next start.
        raise ConfigError("DATABASE_URL needs a database name (or a file path for SQLite).")
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers go on while one writer writes; IMMEDIATE takes the
        # write lock when a transaction starts, so concurrent writers queue on the
        # busy timeout instead of failing half-way with "database is locked".
        db["CONN_MAX_AGE"] = 0
        db["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    elif db["ENGINE"] == "django.db.backends.postgresql":
        db["CONN_HEALTH_CHECKS"] = True
        db.setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    else:
        raise ConfigError("DATABASE_URL should point to PostgreSQL (postgres://...) or SQLite.")
    return dict(db)


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "today"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a day: long enough for a slow inbox

# Login throttling: a lock on a username from one address after five wrong
# passwords, lifted after 15 minutes.
AXES_FAILURE_LIMIT = envint("KITHKIN_LOGIN_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "kithkin.lib.net.client_ip"
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False
BEHIND_PROXY = envbool("KITHKIN_BEHIND_PROXY", "False")

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English (US)")), ("en-gb", _("English (UK)"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = folder("KITHKIN_STATIC_ROOT", DATA_DIR / "static")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "kithkin.lib.storage.StaticStorage"},
}

# Email: printed to the console until EMAIL_HOST is set.
EMAIL_HOST = os.getenv("EMAIL_HOST", "")
EMAIL_PORT = envint("EMAIL_PORT", "587")
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "True")
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", "False")
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "Kithkin <kithkin@localhost>")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)

# Security headers. X-Content-Type-Options, Referrer-Policy and
# Cross-Origin-Opener-Policy come from SecurityMiddleware's defaults;
# Content-Security-Policy from kithkin.lib.middleware.
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Set KITHKIN_HTTPS=true when people reach Kithkin over https:// (behind a reverse
# proxy that terminates TLS): cookies become Secure, plain http is redirected and
# browsers are told to stay on https (HSTS).
HTTPS = envbool("KITHKIN_HTTPS", "False")
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = envbool("KITHKIN_SSL_REDIRECT", "True")
    # No SECURE_PROXY_SSL_HEADER: gunicorn sets the scheme from X-Forwarded-Proto,
    # and only for proxies in KITHKIN_FORWARDED_ALLOW_IPS, so a client talking to
    # the app port directly cannot claim to be on https.
    SECURE_HSTS_SECONDS = envint("KITHKIN_HSTS_SECONDS", "31536000")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("KITHKIN_HSTS_INCLUDE_SUBDOMAINS", "True")
    SECURE_HSTS_PRELOAD = envbool("KITHKIN_HSTS_PRELOAD", "True")

NINJA_PAGINATION_PER_PAGE = 50

# API rate limits, in django-ninja's "requests/period" form (period: s, min, hour or
# day), or "off". KITHKIN_API_RATE is per token; KITHKIN_API_FAILED_AUTH_RATE counts
# requests without a valid token, per client address (see kithkin.lib.net.client_ip).
_RATE = re.compile(r"[1-9]\d*/(s|sec|min|m|hour|h|day|d)")


def _rate(name: str, default: str) -> str | None:
    value = os.getenv(name, default).strip().lower()
    if value == "off":
        return None
    if not _RATE.fullmatch(value):
        raise ConfigError(f"{name} should be like 300/min (per s, min, hour or day) or off.")
    return value


API_RATE = _rate("KITHKIN_API_RATE", "300/min")
API_FAILED_AUTH_RATE = _rate("KITHKIN_API_FAILED_AUTH_RATE", "30/min")

# The rate limits count requests in the "api" cache: files in the data folder, so
# every gunicorn worker and thread on this machine shares one count (an in-memory
# cache would count per process, and the database one would add a write to every
# request). Several machines behind one address each count on their own.
CACHES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "api": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": DATA_DIR / "cache" / "api",
        # One file per token or address seen in the last period; past this many, a
        # third are dropped at random (their counts start again).
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("KITHKIN_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},
    },
}
