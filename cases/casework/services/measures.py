"""Protective measures: add, change, end or decline."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases import errors
from cases.casework.policy import (
    may_change_row,
    may_edit_party,
    may_plan_from_assessment,
    note_to_save,
    writing_organisation_id,
)
from cases.casework.services.bans import (
    MEASURE_KIND_FOR_BAN,
    mark_contact_ban,
    refresh_contact_ban_flags,
)
from cases.casework.services.common import (
    _access,
    _bump,
    _journal,
    _require,
    ensure_open,
)
from cases.models import (
    FollowUp,
    MeasureKind,
    ProtectionCase,
    ProtectiveMeasure,
)


def _check_measure_dates(start: date | None, end: date | None) -> None:
    if start and end and end < start:
        raise errors.Invalid(_("Slutdatumet kan inte vara före startdatumet."), field="end_date")


def add_measure(
    actor: User,
    case: ProtectionCase,
    *,
    kind: MeasureKind,
    responsible_party: str = "",
    status: str = ProtectiveMeasure.Status.PLANNED,
    start_date: date | None = None,
    end_date: date | None = None,
    note: str = "",
    statement_date: date | None = None,
    statement_text: str = "",
    note_shared: bool | None = None,
) -> ProtectiveMeasure:
    """Add a measure from the catalogue; the party defaults to the kind's default party.
    A police note is police-internal unless ``note_shared``; a social-services note is
    shared."""
    party = responsible_party or kind.default_party
    case_access = _access(actor, case)
    _require(may_edit_party(case_access, party))
    _check_measure_dates(start_date, end_date)
    note, shared = note_to_save(case_access, None, note, note_shared)
    with transaction.atomic():
        ensure_open(case, lock=True)
        measure = ProtectiveMeasure.objects.create(
            case=case,
            kind=kind,
            responsible_party=party,
            status=status,
            start_date=start_date,
            end_date=end_date,
            note=note,
            note_shared=shared,
            statement_date=statement_date if kind.records_statement else None,
            statement_text=statement_text if kind.records_statement else "",
            organisation_id=writing_organisation_id(case_access, party),
            created_by=actor,
        )
        if kind.code in MEASURE_KIND_FOR_BAN:
            mark_contact_ban(case)
        _journal(
            case_access,
            "measure_added",
            kind=kind.name,
            party=measure.responsible_party,
            status=measure.status,
        )
    return measure


def update_measure(
    actor: User,
    measure: ProtectiveMeasure,
    *,
    expected_version: int | None,
    kind: MeasureKind,
    responsible_party: str,
    status: str,
    start_date: date | None,
    end_date: date | None,
    note: str | None = None,
    statement_date: date | None = None,
    statement_text: str = "",
    note_shared: bool | None = None,
) -> ProtectiveMeasure:
    """Change a measure. Raises ConflictError when someone else saved it meanwhile.
    ``note`` None keeps the note (social services never see nor change a police-internal
    one)."""
    case_access = _access(actor, measure.case)
    party = responsible_party or kind.default_party
    # Social services may neither edit a police measure (or another recipient's) nor hand
    # one of theirs to the police.
    _require(may_change_row(case_access, measure) and may_edit_party(case_access, party))
    _check_measure_dates(start_date, end_date)
    note, shared = note_to_save(case_access, measure, note, note_shared)
    # The kind the row had: the object's, when it is the version being replaced.
    kind_before = measure.kind_id if measure.version == expected_version else None
    with transaction.atomic():
        ensure_open(measure.case, lock=True)
        _bump(
            ProtectiveMeasure,
            measure.pk,
            expected_version,
            kind=kind,
            responsible_party=party,
            status=status,
            start_date=start_date,
            end_date=end_date,
            note=note,
            note_shared=shared,
            statement_date=statement_date if kind.records_statement else None,
            statement_text=statement_text if kind.records_statement else "",
            updated_at=timezone.now(),
        )
        if kind.code in MEASURE_KIND_FOR_BAN:
            mark_contact_ban(measure.case)
        elif kind.pk != kind_before:
            # It may have been the case's only kontaktförbud measure.
            refresh_contact_ban_flags(ProtectionCase.objects.filter(pk=measure.case_id))
        measure.refresh_from_db()
        _journal(
            case_access,
            "measure_changed",
            kind=kind.name,
            party=measure.responsible_party,
            status=measure.status,
        )
    return measure


def set_measure_status(
    actor: User,
    measure: ProtectiveMeasure,
    status: str,
    *,
    expected_version: int | None,
    on: date | None = None,
) -> ProtectiveMeasure:
    """End (status "ended", end date today unless given) or decline a measure."""
    if status not in (ProtectiveMeasure.Status.ENDED, ProtectiveMeasure.Status.DECLINED):
        raise errors.Invalid(_("Okänd status."), field="status")
    case_access = _access(actor, measure.case)
    _require(may_change_row(case_access, measure))
    values: dict[str, Any] = {"status": status, "updated_at": timezone.now()}
    if status == ProtectiveMeasure.Status.ENDED and measure.end_date is None:
        end = on or timezone.localdate()
        # A measure planned to start later and ended now ends on its start day.
        values["end_date"] = max(end, measure.start_date) if measure.start_date else end
    with transaction.atomic():
        ensure_open(measure.case, lock=True)
        _bump(ProtectiveMeasure, measure.pk, expected_version, **values)
        measure.refresh_from_db()
        _journal(case_access, "measure_status", kind=measure.kind.name, status=measure.status)
    return measure


def plan_from_assessment(
    actor: User,
    case: ProtectionCase,
    *,
    kinds: list[MeasureKind],
    instrument: str,
    assessed_on: date,
    reassess_on: date | None,
    party: str,
) -> tuple[list[ProtectiveMeasure], FollowUp | None]:
    """What a finalised risk assessment plans: its recommended measures (planned, each with
    its kind's default party) and the reassessment follow-up of the assessing party, assigned
    to the assessor. Journalled by the assessment's own event (one entry for the whole step).
    Called inside the finalising transaction, which has locked the case row."""
    case_access = _access(actor, case)
    _require(may_plan_from_assessment(case_access))
    with transaction.atomic():
        ensure_open(case, lock=True)
        note = _("Rekommenderad i riskbedömning %(instrument)s %(date)s.") % {
            "instrument": instrument,
            "date": assessed_on.isoformat(),
        }
        measures = ProtectiveMeasure.objects.bulk_create(
            ProtectiveMeasure(
                case=case,
                kind=kind,
                responsible_party=kind.default_party,
                status=ProtectiveMeasure.Status.PLANNED,
                note=note,
                note_shared=True,  # the system's own line, naming the instrument and date
                organisation_id=writing_organisation_id(case_access, kind.default_party),
                created_by=actor,
            )
            for kind in kinds
        )
        if any(kind.code in MEASURE_KIND_FOR_BAN for kind in kinds):
            mark_contact_ban(case)
        follow_up = None
        if reassess_on:
            follow_up = FollowUp.objects.create(
                case=case,
                kind=FollowUp.Kind.REASSESSMENT,
                due_date=reassess_on,
                assignee=actor,
                responsible_party=party,
                note=_("Omprövning av riskbedömning (%(instrument)s).")
                % {"instrument": instrument},
                note_shared=True,
                organisation_id=writing_organisation_id(case_access, party),
                created_by=actor,
            )
    return measures, follow_up
