import logging
import os
import threading

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skydd.settings")
application = get_wsgi_application()


def _warm_pdf() -> None:
    from skydd.pdf import warm

    try:
        warm()
    except Exception:  # a failed warm-up only means a slower first PDF
        logging.getLogger(__name__).warning("PDF warm-up failed", exc_info=True)


# The first PDF after a start is as fast as later ones: WeasyPrint warms up beside the
# server (a thread, so the process starts answering at once).
if os.environ.get("SKYDD_WARM_PDF", "1") != "0":
    threading.Thread(target=_warm_pdf, name="warm-pdf", daemon=True).start()
