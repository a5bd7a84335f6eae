"""Gallring: closed cases are purged when the retention period of their organisation kind has
passed, unless a legal hold stops it.

What goes: the case and everything that cascades from it (participants, measures, bans,
follow-ups, journal, disclosures, assessments, plans, …), its change history, and the persons
who belong to no other case (with their history and dwellings). What stays: a PurgeProtocol
row with the reference and counts only, and the access log — its rows keep the reference
(AccessLogEntry.case has no database constraint and the log is append-only, so it is never
updated). Safe to run twice: a purged case is no longer found, a protocol is written once.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import date, timedelta

from django.db import transaction
from django.db.models import ProtectedError, Q, QuerySet, RestrictedError
from django.utils import timezone

from cases import extensions
from cases.models import (
    ContactBan,
    Participant,
    Person,
    ProtectionCase,
    PurgeProtocol,
    RetentionPolicy,
)

log = logging.getLogger(__name__)

BATCH_SIZE = 500


def due_for_purge(today: date | None = None) -> QuerySet[ProtectionCase]:
    """Closed cases whose retention period has passed (closed on or before today minus the
    period of the owning organisation's kind) and that have no legal hold. An organisation
    kind without a RetentionPolicy is never purged."""
    today = today or timezone.localdate()
    due = Q(pk__in=[])
    for policy in RetentionPolicy.objects.all():
        due |= Q(
            unit__kind=policy.organisation_kind,
            closed_on__lte=today - timedelta(days=policy.retention_days),
        )
    return ProtectionCase.objects.filter(
        due,
        status=ProtectionCase.Status.CLOSED,
        closed_on__isnull=False,
        legal_hold__isnull=True,
    )


def purge_case(case_id: int, *, run_by: str, today: date | None = None) -> PurgeProtocol | None:
    """Purge one case if it is (still) due; returns its protocol, or None when there was
    nothing to do (already purged, reopened, put under legal hold, or locked by another run).
    """
    with transaction.atomic():
        case = (
            due_for_purge(today)
            .filter(pk=case_id)
            .select_for_update(skip_locked=True, of=("self",))
            .first()
        )
        if case is None:
            return None
        reference, closed_on = case.reference, case.closed_on
        person_ids = set(Participant.objects.filter(case=case).values_list("person_id", flat=True))
        counts: Counter[str] = Counter()
        # What other apps keep beyond the case (e.g. a device's loan history) is cut loose
        # from the case and its persons first (cases.extensions.purge_hooks).
        for hook in extensions.purge_hooks:
            counts.update(hook(case))
        # Kontaktförbud protect their participants from deletion: they go first.
        _deleted, per_model = ContactBan.objects.filter(case=case).delete()
        counts.update(per_model)
        case_pk = case.pk
        _deleted, per_model = case.delete()
        counts.update(per_model)
        # After the delete: simple-history records the deletion itself as one more row.
        counts["history.ProtectionCase"] += ProtectionCase.history.filter(id=case_pk).delete()[0]
        orphans = list(
            Person.objects.filter(pk__in=person_ids, participations__isnull=True).values_list(
                "pk", flat=True
            )
        )
        _deleted, per_model = Person.objects.filter(pk__in=orphans).delete()
        counts.update(per_model)
        counts["history.Person"] += Person.history.filter(id__in=orphans).delete()[0]
        protocol = PurgeProtocol.objects.create(
            case_reference=reference,
            closed_on=closed_on,
            counts={label: n for label, n in sorted(counts.items()) if n},
            run_by=run_by[:100],
        )
    log.info("Gallrade ärende %s", reference)
    return protocol


def purge_expired(*, run_by: str, today: date | None = None) -> list[PurgeProtocol]:
    """Purge every case that is due, one transaction per case. A case that something else
    still protects (e.g. a row with on_delete=PROTECT) is skipped and logged by reference."""
    protocols = []
    while True:
        ids = list(due_for_purge(today).order_by("pk").values_list("pk", flat=True)[:BATCH_SIZE])
        done_in_batch = 0
        for case_id in ids:
            try:
                protocol = purge_case(case_id, run_by=run_by, today=today)
            except (ProtectedError, RestrictedError):
                log.warning("Ärende med id %s kunde inte gallras: skyddad koppling", case_id)
                continue
            if protocol is not None:
                protocols.append(protocol)
                done_in_batch += 1
        if len(ids) < BATCH_SIZE or done_in_batch == 0:
            return protocols
