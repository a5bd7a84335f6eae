"""No app imports another app's private helpers (``_name`` or a ``_module``): part of
`make lint`, next to the import-linter contracts in pyproject.toml.

Usage: check_private_imports.py [ROOT]  – exits 1 and lists the offending imports.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

APPS = ("accounts", "cases", "riskassessment", "alarms", "notifications", "stats", "skydd")


def _private(parts: list[str]) -> bool:
    return any(part.startswith("_") and not part.startswith("__") for part in parts)


def offences(root: Path) -> list[str]:
    found = []
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")) if (root / app).is_dir() else []:
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    target = node.module.split(".")
                    if target[0] == app or target[0] not in APPS:
                        continue
                    names = [alias.name for alias in node.names]
                    if _private(target) or any(_private([name]) for name in names):
                        found.append(
                            f"{path.relative_to(root)}:{node.lineno}: from {node.module} "
                            f"import {', '.join(names)}"
                        )
                elif isinstance(node, ast.Import):
                    for alias in node.names:
                        target = alias.name.split(".")
                        if target[0] != app and target[0] in APPS and _private(target):
                            found.append(f"{path.relative_to(root)}:{node.lineno}: {alias.name}")
    return found


def main() -> int:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent
    found = offences(root)
    for line in found:
        print(f"private import across apps: {line}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
