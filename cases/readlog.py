"""One access-log row per read of a case.

A page visit and the form round-trips and redirects that follow it within READ_WINDOW (same
user, case and grounds) are one read: cases.access writes no second row. PDFs, exports,
search hits and e-mails are acts of their own (a PDF leaves the office, a search hit shows
persons) and always logged; so is every denial.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.utils import timezone

from accounts.models import User
from cases.models import AccessLogEntry, ProtectionCase

READ_WINDOW = timedelta(minutes=15)
WINDOWED_CHANNELS = (AccessLogEntry.Channel.DETAIL, AccessLogEntry.Channel.PART)


def read_recently(user: User, case: ProtectionCase, channel: str, via: str) -> bool:
    """A granted page read of this case by this user on the same grounds within READ_WINDOW
    (one query on the (user, -at) index). Written out: every case page asks, and the ORM's
    exists() cost about 1 ms of Python for a 0.1 ms answer (issue 16); plain SQL for
    PostgreSQL and SQLite, tests/cases/test_readlog_sql.py holds it to the ORM's."""
    if channel not in WINDOWED_CHANNELS:
        return False
    since = connection.ops.adapt_datetimefield_value(timezone.now() - READ_WINDOW)
    sql = (
        f"SELECT 1 FROM {AccessLogEntry._meta.db_table} WHERE user_id = %s AND case_id = %s "  # noqa: S608 - names and placeholders
        f"AND granted = %s AND via = %s AND channel IN (%s, %s) AND at >= %s LIMIT 1"
    )
    params = [user.pk, case.pk, True, via, *(c.value for c in WINDOWED_CHANNELS), since]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() is not None
