"""The server's VAPID key pair for Web Push, made on first use and kept in the data folder.

Browsers tie a push subscription to the public key, so the pair must outlive
restarts and be the same for every worker and app server sharing the folder.
"""

from __future__ import annotations

import base64
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from py_vapid import Vapid

FILE_NAME = "vapid_private.pem"


def key_path() -> Path:
    return Path(settings.DATA_DIR) / FILE_NAME


def _create(path: Path) -> None:
    """Write a new private key to `path` (0600) unless another process got there first."""
    vapid = Vapid()
    vapid.generate_keys()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".vapid-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(vapid.private_pem())
        os.chmod(tmp, 0o600)
        # link() fails if the file exists: two first starts at once keep one key,
        # and nobody ever reads a half-written file.
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(tmp)


@lru_cache(maxsize=4)
def _load(path: Path) -> Vapid:
    if not path.exists():
        _create(path)
    return Vapid.from_file(private_key_file=str(path))


def keys() -> Vapid:
    """The key pair, made now if this is the first time."""
    return _load(key_path())


def public_key() -> str:
    """The public key as browsers want it: the uncompressed point, base64url without padding."""
    raw = keys().public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
