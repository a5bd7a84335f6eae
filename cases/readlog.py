"""One access-log row per read of a case.

A page visit and the form round-trips and redirects that follow it within READ_WINDOW (same
user, case and grounds) are one read: cases.access writes no second row. PDFs, exports,
search hits and e-mails are acts of their own (a PDF leaves the office, a search hit shows
persons) and always logged; so is every denial.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from cases.models import AccessLogEntry, ProtectionCase

READ_WINDOW = timedelta(minutes=15)
WINDOWED_CHANNELS = (AccessLogEntry.Channel.DETAIL, AccessLogEntry.Channel.PART)


def read_recently(user: User, case: ProtectionCase, channel: str, via: str) -> bool:
    """A granted page read of this case by this user on the same grounds within READ_WINDOW
    (one query on the (user, -at) index)."""
    if channel not in WINDOWED_CHANNELS:
        return False
    return AccessLogEntry.objects.filter(
        user=user,
        case=case,
        granted=True,
        via=via,
        channel__in=WINDOWED_CHANNELS,
        at__gte=timezone.now() - READ_WINDOW,
    ).exists()
