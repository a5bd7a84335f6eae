"""Break the glass with a reason that says something, and the head's review of each opening.

A reason is the only thing that tells the head why a colleague opened a case: it must have
substance (``reason_problem``: a minimum length, more than one word, not a placeholder such
as "ok", "test", "asdf", "..." or one repeated character). The head of the case's unit marks
each opening reviewed with a comment (``review``); the review is kept beside the opening
(which is flagged ``reviewed`` in the same transaction) and the opening's access-log rows
are never touched. ``unreviewed_count`` is what the
head's start page shows.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.db import IntegrityError, connections, transaction
from django.db.models import Q, QuerySet, Value
from django.utils.translation import gettext as _

from accounts.models import Membership, Organisation, User, active_memberships
from cases.errors import Conflict, Invalid, NotAllowed
from cases.models import BreakGlassAccess, BreakGlassReview

MIN_REASON_LENGTH = 15
MIN_REVIEW_LENGTH = 3
# Words that say nothing on their own (compared without case, spaces and punctuation).
PLACEHOLDERS = frozenset(
    {
        "ok",
        "okej",
        "okay",
        "test",
        "testar",
        "testing",
        "asdf",
        "qwerty",
        "abc",
        "xxx",
        "hej",
        "jobb",
        "arbete",
        "behov",
        "behöver",
        "nödåtkomst",
        "nödläge",
        "ärende",
        "läsa",
        "kolla",
        "info",
        "inget",
        "vet ej",
        "na",
    }
)


def reason_problem(reason: str) -> str | None:
    """Why ``reason`` is not good enough, in Swedish, or None when it is."""
    text = " ".join(reason.split())
    letters = re.sub(r"[\W\d_]+", "", text.lower())
    words = re.findall(r"\w{2,}", text.lower())
    if not text:
        return _("Ange varför du behöver öppna ärendet.")
    placeholder = (
        not letters
        or letters in PLACEHOLDERS
        or len(set(letters)) <= 2
        or set(words) <= PLACEHOLDERS
        or len(set(words)) == 1
    )
    if placeholder:
        return _(
            "Skriv det verkliga skälet, t.ex. ”Skyddspersonen ringde jourtid och ansvarig "
            "handläggare nås inte”. Ett platshållarord räcker inte."
        )
    if len(text) < MIN_REASON_LENGTH or len(words) < 2:
        return _(
            "Skälet är för kort: beskriv med minst %(n)s tecken varför du behöver öppna ärendet nu."
        ) % {"n": MIN_REASON_LENGTH}
    return None


def openings_for_head(user: User) -> QuerySet[BreakGlassAccess]:
    """Break-the-glass openings of the cases of the police units the user heads.

    The units as ids (from the memberships read once per user object), not as a subquery:
    PostgreSQL then knows how many cases a unit has, and for a 40,000-case unit hashes the
    few openings rather than the unit's cases (issue 16)."""
    if user.is_staff or user.is_superuser:
        return BreakGlassAccess.objects.none()
    units = [
        m.organisation_id
        for m in active_memberships(user)
        if m.role == Membership.Role.HEAD
        and m.organisation.kind == Organisation.Kind.POLICE_UNIT
        and m.organisation.is_active
    ]
    return BreakGlassAccess.objects.filter(case__unit_id__in=units)


def unreviewed_count(user: User) -> int:
    """The openings without a review, by the opening's ``reviewed`` flag (kept by ``review``):
    the partial index breakglass_unreviewed holds only them (issue 16; before, NOT EXISTS over
    every review)."""
    return openings_for_head(user).filter(reviewed=False).count()


def head_list(user: User, *, now: datetime, since: datetime) -> list[tuple[int, bool]]:
    """The openings of the head's list (cases.sharing.logviews.break_glass_list): those not
    reviewed, active at ``now`` or granted since ``since``; as (id, unreviewed), newest
    first. Every unreviewed opening is among them, so their number is ``unreviewed_count``.

    Two parts that no opening is in twice, as one UNION ALL (issue 16): the current ones
    from the indexes on granted_at and expires_at, and the older unreviewed ones from the
    partial index of the unreviewed (``reviewed`` is false until the head's review, written
    in the review's transaction). As one OR, PostgreSQL checked every opening of the country
    against a hash of the unit's 40,000 cases; as an anti-join with the reviews, the older
    part grew with every opening ever reviewed."""
    current = Q(granted_at__gte=since) | Q(expires_at__gt=now)
    columns = ("pk", "granted_at", "unreviewed")
    openings = openings_for_head(user).order_by()
    recent = openings.filter(current).annotate(unreviewed=Q(reviewed=False))
    older = openings.filter(reviewed=False).exclude(current).annotate(unreviewed=Value(True))
    rows = recent.values_list(*columns).union(older.values_list(*columns), all=True)
    # No savepoint of its own: inside an enclosing transaction the setting lasts as long as
    # that one (serial plans for the page's few other statements too).
    with transaction.atomic(using=rows.db, savepoint=False):
        _serial_plan(rows.db)
        return [(pk, unreviewed) for pk, _at, unreviewed in rows.order_by("-granted_at", "-pk")]


def _serial_plan(using: str) -> None:
    """No parallel workers for the rest of the transaction (``SET LOCAL``, PostgreSQL). On
    the national data PostgreSQL chose a parallel plan for the list's openings (a parallel
    scan of the openings and of the unit's 40,000 case ids): on two shared cores 44 ms
    median against 28 ms serial, the same rows (issue 16)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")


def review(head: User, grant: BreakGlassAccess, *, comment: str) -> BreakGlassReview:
    """Mark one opening reviewed. Only a head of the case's unit; once (a second review of
    the same opening is a conflict, whoever saved first)."""
    comment = comment.strip()
    if not openings_for_head(head).filter(pk=grant.pk).exists():
        raise NotAllowed(_("Bara enhetschefen granskar nödåtkomster."))
    if len(comment) < MIN_REVIEW_LENGTH:
        raise Invalid(_("Skriv en kommentar till granskningen."))
    try:
        with transaction.atomic():
            written = BreakGlassReview.objects.create(
                grant=grant, reviewed_by=head, comment=comment
            )
            # The flag the head's list reads, in the review's transaction: both or neither.
            BreakGlassAccess.objects.filter(pk=grant.pk).update(reviewed=True)
    except IntegrityError as exc:
        raise Conflict(_("Nödåtkomsten är redan granskad.")) from exc
    grant.reviewed = True
    return written
