"""Account administration: what an administrator may do to a user, and what a user does to
their own account. Administrators administer, never impersonate: they cannot see a second
factor's secret nor set a password; they send the user a link or remove the user's devices.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.contrib.admin.models import LogEntry
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django_otp import devices_for_user

from accounts.models import AdminActionReview, User
from accounts.signals import end_all_sessions
from accounts.tasks import enqueue_account_email

logger = logging.getLogger(__name__)


def _require_administrator(actor: User) -> None:
    if not (actor.is_active and actor.is_staff and actor.has_perm("accounts.change_user")):
        raise PermissionDenied


def send_password_link(actor: User, user: User, *, invitation: bool = False) -> None:
    """E-mail ``user`` a single-use, time-limited link to choose a password (after commit).

    The current password keeps working until the user chooses a new one; the link stops
    working once it is used (Django's token covers the password hash and the last login).
    """
    _require_administrator(actor)
    enqueue_account_email(user.pk, "invitation" if invitation else "password_reset")


@transaction.atomic
def reset_second_factor(actor: User, user: User) -> int:
    """Delete every second-factor device of ``user`` and end their sessions: the next login
    asks for a new enrolment, by the user. Returns the number of devices removed."""
    _require_administrator(actor)
    devices = list(devices_for_user(user, confirmed=None))
    for device in devices:
        device.delete()
    end_all_sessions(user)
    return len(devices)


def change_own_password(request: HttpRequest, user: User, new_password: str) -> int:
    """Set the user's own password (the form has checked the current one and a TOTP code),
    keep this session and end every other session of the user. Returns sessions ended."""
    password_validation.validate_password(new_password, user)
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        keep = request.session.session_key
        ended = end_all_sessions(user, keep=keep)
    return ended


def mark_admin_actions_reviewed(actor: User, entries: Iterable[LogEntry]) -> tuple[int, int]:
    """Mark administrator actions as reviewed by ``actor``; an administrator never reviews
    their own. Returns (newly reviewed, skipped because they were the actor's own)."""
    if not (actor.is_active and actor.is_staff and actor.has_perm("accounts.view_adminaction")):
        raise PermissionDenied
    own = 0
    reviews = []
    for entry in entries:
        if entry.user_id == actor.pk:
            own += 1
            continue
        reviews.append(AdminActionReview(entry_id=entry.pk, reviewed_by=actor))
    with transaction.atomic():
        already = set(
            AdminActionReview.objects.filter(
                entry_id__in=[r.entry_id for r in reviews]
            ).values_list("entry_id", flat=True)
        )
        fresh = [r for r in reviews if r.entry_id not in already]
        # Two reviewers at once: the second one's duplicates are ignored, not an error.
        AdminActionReview.objects.bulk_create(fresh, ignore_conflicts=True)
    return len(fresh), own
