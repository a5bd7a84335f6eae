"""A web or worker process loads what every request needs before it serves the first one, and
then takes it out of the garbage collector's sight (issue 16).

A full collection (CPython's oldest generation) walks every tracked object of the process.
After Django and Skydd have loaded there are about 150,000: on the two-core machine one
full collection took 50–100 ms, and it fell on whichever request happened to allocate at that
moment – the national benchmark's slowest pages were those requests, their p95 two to
three times their p50. ``gc.freeze()`` moves the objects alive now into a permanent
generation that collections skip (the use it is documented for: objects that live as long as
the process). What a request creates is collected as before; a full collection then walks the
10,000 or so objects created since, a few milliseconds.

Frozen objects are never freed, so ``settle`` loads first what a process keeps anyway – the
URL configuration with every view module, Skydd's own templates in the cached loader, the
translation catalogues – and runs one collection before it freezes, so that no garbage is
frozen with them.
"""

from __future__ import annotations

import gc
import logging
from pathlib import Path
from typing import Any

from django.conf import settings

logger = logging.getLogger(__name__)


def _own_template_dirs() -> list[Path]:
    from django.template.utils import get_app_template_dirs

    base = Path(settings.BASE_DIR).resolve()
    engines: list[dict[str, Any]] = settings.TEMPLATES
    dirs = [Path(d) for engine in engines for d in engine.get("DIRS", [])]
    dirs += [Path(d) for d in get_app_template_dirs("templates")]
    # Skydd's templates only: the admin's hundreds are loaded when an administrator asks.
    return [d for d in dirs if d.resolve().is_relative_to(base) and ".venv" not in d.parts]


def load_templates() -> int:
    """Compile Skydd's templates into the engine's cached loader; the number loaded."""
    from django.template.loader import get_template

    loaded = 0
    for directory in _own_template_dirs():
        for path in sorted(directory.rglob("*")):
            if path.suffix in (".html", ".txt") and path.is_file():
                get_template(path.relative_to(directory).as_posix())
                loaded += 1
    return loaded


def settle() -> None:
    """Load what the process keeps, collect once, and freeze what is alive (see above).
    Called when the web process has its application (``skydd.wsgi``), when a Celery worker
    process has started (``skydd.celery``) and, like a server, by the benchmark."""
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 - imports every view module
    loaded = load_templates()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):  # activating a language loads its catalogue
            pass
    gc.collect()
    gc.freeze()
    logger.info("process settled: %d templates, %d objects frozen", loaded, gc.get_freeze_count())
