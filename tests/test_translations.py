"""The English catalogue is complete: every string the app marks for translation has an
English text that is neither missing nor fuzzy, with the same placeholders, and the committed
``django.mo`` is compiled from the committed ``django.po``."""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "locale" / "en" / "LC_MESSAGES"
# The README's command: the same sources, the same layout of the file.
MAKEMESSAGES = [
    "makemessages",
    "-l",
    "en",
    "--no-location",
    "--no-obsolete",
    "--ignore=.venv",
    "--ignore=.tools",
    "--ignore=node_modules",
    "--ignore=tests",
    "--ignore=bench",
]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str = ""
    msgctxt: str | None = None
    msgstr: list[str] = field(default_factory=list)
    fuzzy: bool = False

    @property
    def key(self) -> str:
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid


def _unquote(text: str) -> str:
    return text[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file as gettext writes it (no obsolete entries)."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            if current is not None:
                entries.append(current)
            current, target = None, None
            continue
        if current is None:
            current = Entry()
        if line.startswith("#,"):
            current.fuzzy = "fuzzy" in line
        elif line.startswith("#"):
            continue
        elif line.startswith('"') and target is not None:
            name, index = target
            if name == "msgstr":
                current.msgstr[index] += _unquote(line)
            else:
                setattr(current, name, (getattr(current, name) or "") + _unquote(line))
        else:
            keyword, _, value = line.partition(" ")
            match = re.fullmatch(r"msgstr\[(\d)\]", keyword)
            if match or keyword == "msgstr":
                current.msgstr.append(_unquote(value))
                target = ("msgstr", len(current.msgstr) - 1)
            elif keyword in ("msgid", "msgid_plural", "msgctxt"):
                setattr(current, keyword, _unquote(value))
                target = (keyword, 0)
    return [e for e in entries if e.msgid or e.msgstr]


def _problems(entries: list[Entry]) -> list[str]:
    problems = []
    for entry in entries:
        if entry.msgid == "":  # the header
            continue
        if entry.fuzzy:
            problems.append(f"fuzzy: {entry.msgid!r}")
        elif not all(entry.msgstr):
            problems.append(f"untranslated: {entry.msgid!r}")
        else:
            wanted = set(PLACEHOLDER.findall(entry.msgid + entry.msgid_plural))
            for text in entry.msgstr:
                if set(PLACEHOLDER.findall(text)) != wanted:
                    problems.append(f"placeholders differ: {entry.msgid!r} → {text!r}")
    return problems


def test_the_english_catalogue_has_no_untranslated_or_fuzzy_entry() -> None:
    entries = parse_po(CATALOGUE / "django.po")
    assert len(entries) > 1500
    assert _problems(entries) == []


def test_the_compiled_catalogue_is_the_committed_one() -> None:
    with (CATALOGUE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    catalog: dict[object, str] = compiled._catalog  # type: ignore[attr-defined]
    for entry in parse_po(CATALOGUE / "django.po"):
        if entry.msgid == "":
            continue
        if entry.msgid_plural:
            assert catalog.get((entry.key, 0)) == entry.msgstr[0], entry.msgid
        else:
            assert catalog.get(entry.key) == entry.msgstr[0], (
                f"{entry.msgid!r}: run compilemessages (README, the English catalogue)"
            )


def test_every_string_in_the_app_is_in_the_catalogue(tmp_path: Path) -> None:
    """makemessages over a copy of the sources: a string added without its English text
    comes out untranslated (or fuzzy, if gettext guessed from a similar one). Needs GNU
    gettext (``make test`` installs it)."""
    assert shutil.which("xgettext"), "GNU gettext is missing: apt-get install gettext"
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".git",
            ".venv",
            ".tools",
            "node_modules",
            "var",
            "__pycache__",
            "*_cache",
            "*.mo",
        ),
    )
    env = {**os.environ, "DEBUG": "1", "REDIS_URL": "", "DJANGO_SETTINGS_MODULE": "skydd.settings"}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'unused.sqlite3'}"
    result = subprocess.run(
        [sys.executable, "manage.py", *MAKEMESSAGES],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    fresh = parse_po(copy / "locale" / "en" / "LC_MESSAGES" / "django.po")
    assert _problems(fresh) == []
    committed = {e.key for e in parse_po(CATALOGUE / "django.po")}
    assert {e.key for e in fresh} == committed, "run makemessages (README, the English catalogue)"
