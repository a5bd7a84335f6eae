"""Create the keys of a local `make run` once, under var/local/ (mode 0600, never in git).

`make run` serves without DEBUG, as production does, and production settings refuse the
public development keys; this gives the local run keys of its own. Existing keys are kept,
so sessions and personnummer search survive a restart.
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

KEYS = {"secret_key": 64, "personnummer_hmac_key": 48}


def ensure(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)
    for name, length in KEYS.items():
        path = directory / name
        if not path.exists() or len(path.read_text(encoding="utf-8").strip()) < 50:
            path.write_text(secrets.token_urlsafe(length), encoding="utf-8")
        path.chmod(0o600)


if __name__ == "__main__":
    ensure(Path(sys.argv[1] if len(sys.argv) > 1 else "var/local"))
