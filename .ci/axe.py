"""Fetch axe-core for the accessibility tests from the npm registry.

A pinned version checked against the registry's sha512 integrity, unpacked into
.tools/axe-core/ (not committed, not served: only the browser tests read it).
No Node needed. Run by `make test-browser`; does nothing when already present.
"""

from __future__ import annotations

import base64
import hashlib
import io
import sys
import tarfile
import urllib.request
from pathlib import Path

VERSION = "4.14.1"
URL = f"https://registry.npmjs.org/axe-core/-/axe-core-{VERSION}.tgz"
INTEGRITY = (
    "sha512-"
    "FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
)
DEST = Path(__file__).resolve().parent.parent / ".tools" / "axe-core"
FILES = {"package/axe.min.js": "axe.min.js", "package/LICENSE": "LICENSE"}


def main() -> int:
    marker = DEST / f"VERSION-{VERSION}"
    if marker.exists():
        return 0
    with urllib.request.urlopen(URL, timeout=60) as response:
        data = response.read()
    digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if digest != INTEGRITY:
        print(f"axe-core {VERSION}: integrity mismatch ({digest})", file=sys.stderr)
        return 1
    DEST.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member, name in FILES.items():
            extracted = tar.extractfile(member)
            if extracted is None:
                print(f"axe-core {VERSION}: {member} is missing", file=sys.stderr)
                return 1
            (DEST / name).write_bytes(extracted.read())
    for old in DEST.glob("VERSION-*"):
        old.unlink()
    marker.write_text(URL + "\n")
    print(f"axe-core {VERSION} from the npm registry → {DEST}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
