"""No development references in what users read (issue 15): templates (outside {# #}
comments) and the translatable strings of the Python code carry no issue numbers, no "seed"
and no "bilaga 3"."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["accounts", "alarms", "cases", "notifications", "riskassessment", "skydd", "stats"]
DEV = re.compile(r"\bseed\b|\bbilaga\s*3\b|\bissue\s*#?\d+|\(issue\b", re.IGNORECASE)
COMMENT = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.DOTALL)
# A translatable string: _("…"), gettext("…"), gettext_lazy("…"), ngettext("…"), pgettext.
MESSAGE = re.compile(r"\b(?:_|gettext(?:_lazy)?|ngettext|pgettext)\(\s*((?:\"[^\"]*\"\s*)+)")


def dev_references(text: str) -> list[str]:
    return [m.group(0) for m in DEV.finditer(text)]


def test_the_pattern_catches_what_it_should() -> None:
    assert dev_references("Ej synlig (bilaga 3, seed 003).") == ["bilaga 3", "seed"]
    assert dev_references("Risknivån (issue 5)") != []
    assert dev_references("Bilagor till planen, utsädesfri") == []


def test_templates_have_no_development_references() -> None:
    found = {}
    for path in (ROOT / "templates").rglob("*"):
        if path.suffix in {".html", ".txt"}:
            hits = dev_references(COMMENT.sub("", path.read_text(encoding="utf-8")))
            if hits:
                found[str(path.relative_to(ROOT))] = hits
    assert not found, found


def test_translatable_strings_have_no_development_references() -> None:
    found = {}
    scanned = 0
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for match in MESSAGE.finditer(path.read_text(encoding="utf-8")):
                scanned += 1
                hits = dev_references(match.group(1))
                if hits:
                    found.setdefault(str(path.relative_to(ROOT)), []).extend(hits)
    assert scanned > 500  # the pattern does find the messages
    assert not found, found
