"""Fictional case work on the demo cases (run by `manage.py seed_demo` after cases.demo).

Copes with whatever demo cases exist: it adds measures, kontaktförbud, follow-ups and support
information to open cases that have no case work yet, so running it again changes nothing.
Every note says "(demo)".
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cases.casework.services import mark_contact_ban
from cases.models import (
    ContactBan,
    ContactBanBreach,
    FollowUp,
    MeasureKind,
    Participant,
    Party,
    ProtectionCase,
    ProtectiveMeasure,
    SupportInformation,
    SupportOrganisation,
)
from cases.services import responsible_handlers

DEMO = "(demo)"


@transaction.atomic
def seed() -> bool:
    """Returns True when anything was added."""
    today = timezone.localdate()
    kinds = {kind.code: kind for kind in MeasureKind.objects.all()}
    kvinnofrid = SupportOrganisation.objects.filter(name="Kvinnofridslinjen").first()
    violence_line = SupportOrganisation.objects.filter(kind="violence_users").first()
    created = False
    cases = ProtectionCase.objects.filter(status=ProtectionCase.Status.OPEN).order_by("pk")
    for index, case in enumerate(cases):
        if case.measures.exists() or case.follow_ups.exists() or case.contact_bans.exists():
            continue
        created = True
        handlers = responsible_handlers(case)
        handler = handlers[0] if handlers else None
        participants = list(case.participants.select_related("person"))
        protected = next((p for p in participants if p.role == Participant.Role.PROTECTED), None)
        threat = next((p for p in participants if p.role == Participant.Role.THREAT_ACTOR), None)

        def measure(
            code: str,
            status: str,
            start_days: int | None,
            case: ProtectionCase = case,
            handler: User | None = handler,
            **extra: object,
        ) -> None:
            kind = kinds.get(code)
            if kind is None:
                return
            ProtectiveMeasure.objects.create(
                case=case,
                kind=kind,
                responsible_party=kind.default_party,
                status=status,
                start_date=today - timedelta(days=start_days) if start_days is not None else None,
                note=f"Exempel {DEMO}",
                created_by=handler,
                **extra,
            )

        measure("skyddslarm", ProtectiveMeasure.Status.ACTIVE, 30)
        measure(
            "informations-sakerhetssamtal",
            ProtectiveMeasure.Status.ENDED,
            40,
            end_date=today - timedelta(days=39),
        )
        measure("ekonomiskt-bistand", ProtectiveMeasure.Status.PLANNED, None)
        if index % 2 == 1:
            measure(
                "skyddade-personuppgifter",
                ProtectiveMeasure.Status.ACTIVE,
                25,
                statement_date=today - timedelta(days=20),
                statement_text=f"Polisen tillstyrker sekretessmarkering {DEMO}.",
            )
        if protected and threat and index % 2 == 0:
            ban = ContactBan.objects.create(
                case=case,
                ban_type=ContactBan.BanType.EXTENDED,
                status=ContactBan.Status.GRANTED,
                decision_date=today - timedelta(days=21),
                deciding_body=f"Åklagarmyndigheten {DEMO}",
                valid_from=today - timedelta(days=20),
                valid_until=today + timedelta(days=160),
                protected_participant=protected,
                restricted_participant=threat,
                note=DEMO,
                created_by=handler,
            )
            mark_contact_ban(case)
            if index % 4 == 0:
                ContactBanBreach.objects.create(
                    ban=ban,
                    occurred_on=today - timedelta(days=5),
                    reported_on=today - timedelta(days=4),
                    description=f"Hotutövaren sågs utanför arbetsplatsen {DEMO}.",
                    created_by=handler,
                )
        # One case in four is left without a next follow-up, to show the warning.
        if index % 4 != 3:
            FollowUp.objects.create(
                case=case,
                kind=FollowUp.Kind.CONVERSATION,
                due_date=today - timedelta(days=3) if index % 3 == 0 else today + timedelta(days=7),
                assignee=handler,
                responsible_party=Party.POLICE,
                note=f"Ring skyddspersonen {DEMO}",
                created_by=handler,
            )
            FollowUp.objects.create(
                case=case,
                kind=FollowUp.Kind.MEASURES_REVIEW,
                due_date=today - timedelta(days=30),
                done_on=today - timedelta(days=29),
                outcome=f"Åtgärderna räcker tills vidare {DEMO}.",
                assignee=handler,
                responsible_party=Party.POLICE,
                created_by=handler,
            )
        if protected and kvinnofrid:
            SupportInformation.objects.create(
                case=case,
                participant=protected,
                organisation=kvinnofrid,
                informed_on=today - timedelta(days=30),
                informed_by=handler,
                note=DEMO,
                may_contact=True,
            )
        if threat and violence_line:
            SupportInformation.objects.create(
                case=case,
                participant=threat,
                organisation=violence_line,
                is_referral=True,
                informed_on=today - timedelta(days=28),
                informed_by=handler,
                note=DEMO,
            )
    return created
