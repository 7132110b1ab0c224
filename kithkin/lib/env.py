"""Configuration helpers: every setting comes from an environment variable."""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


class ConfigError(Exception):
    """A setting has a value Kithkin cannot use. The message is one plain line."""


def envbool(name: str, default: str = "False") -> bool:
    value = os.getenv(name, default).strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ConfigError(f"{name} should be true or false, not {value!r}.")


def envint(name: str, default: str) -> int:
    value = os.getenv(name, default).strip()
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{name} should be a whole number, not {value!r}.") from None


def envchoice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.getenv(name, default).strip().lower()
    if value not in choices:
        allowed = " | ".join(choices)
        raise ConfigError(f"{name} should be one of {allowed}, not {value!r}.")
    return value


def envlist(name: str, default: str = "") -> list[str]:
    """Comma-separated values; set but empty counts as unset."""
    return [part.strip() for part in (os.getenv(name) or default).split(",") if part.strip()]


def folder(name: str, default: Path) -> Path:
    """The folder named by environment variable `name`, created if missing."""
    path = Path(os.getenv(name) or default).expanduser().resolve()
    try:
        # Private to the account that runs Kithkin: it holds sensitive data.
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as e:
        raise ConfigError(f"{name}: cannot create the folder {path} ({e.strerror}).") from e
    return path


def secret_key(folder: Path) -> str:
    """Return SECRET_KEY from the environment, or the one kept in the data folder.

    1. SECRET_KEY set: use it.
    2. Otherwise read <data>/secret_key.
    3. If that file is missing, create it with O_EXCL, so that when several
       server processes start at once exactly one writes and the rest read it.
    """
    from_env = os.getenv("SECRET_KEY", "").strip()
    if from_env:
        return from_env

    path = folder / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    except OSError as e:
        raise ConfigError(f"SECRET_KEY: cannot create the key file {path} ({e.strerror}).") from e
    else:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(64))

    for _ in range(50):
        try:
            key = path.read_text().strip()
        except OSError as e:
            raise ConfigError(f"SECRET_KEY: cannot read the key file {path} ({e.strerror}).") from e
        if key:
            return key
        # Another process created the file a moment ago and is still writing.
        time.sleep(0.01)
    raise ConfigError(f"SECRET_KEY: the key file {path} is empty; delete it and start again.")
