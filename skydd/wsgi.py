import logging
import os
import threading

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skydd.settings")
application = get_wsgi_application()


def _settle() -> None:
    from skydd.warm import settle

    try:
        settle()
    except Exception:  # an unsettled process is only slower now and then
        logging.getLogger(__name__).warning("settling the process failed", exc_info=True)


def _warm_pdf() -> None:
    import gc

    from skydd.pdf import warm

    try:
        warm()
    except Exception:  # a failed warm-up only means a slower first PDF
        logging.getLogger(__name__).warning("PDF warm-up failed", exc_info=True)
    else:
        gc.freeze()  # WeasyPrint's fonts and style sheets live as long as the process


# Loaded and frozen before the first request (skydd/warm.py: a full garbage collection then
# walks what requests create, not the whole of Django and Skydd).
if os.environ.get("SKYDD_SETTLE", "1") != "0":
    _settle()


# The first PDF after a start is as fast as later ones: WeasyPrint warms up beside the
# server (a thread, so the process starts answering at once).
if os.environ.get("SKYDD_WARM_PDF", "1") != "0":
    threading.Thread(target=_warm_pdf, name="warm-pdf", daemon=True).start()
