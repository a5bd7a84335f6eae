"""Fictional demo plans: a draft joint protection plan on each open demo case that is shared
with social services with the plan in scope. Idempotent: cases that have a plan are skipped."""

from __future__ import annotations

from cases.models import Disclosure, ProtectionCase
from cases.plan import services
from cases.services import responsible_handlers

POLICE_TEXT = (
    "genomföra informations- och säkerhetssamtal med skyddspersonen, följa upp "
    "kontaktförbudet och vara kontaktväg dygnet runt via ansvarig handläggare (demo)."
)
SOCIAL_TEXT = (
    "ordna tillfälligt skyddat boende vid behov, ge stöd till barnen och samordna "
    "kontakten med kvinnojouren (demo)."
)


def seed() -> bool:
    created = False
    shared = Disclosure.objects.active().filter(
        direction=Disclosure.Direction.TO_SOCIAL, scope_plan=True
    )
    cases = ProtectionCase.objects.filter(
        status=ProtectionCase.Status.OPEN, pk__in=shared.values("case_id"), plans__isnull=True
    ).order_by("pk")[:3]
    for case in cases:
        handlers = responsible_handlers(case)
        if not handlers:
            continue
        police = handlers[0]
        plan = services.start_version(police, case)
        services.update_texts(
            police, plan, expected_version=plan.version, changes={"police_commitments": POLICE_TEXT}
        )
        disclosure = shared.filter(case=case).prefetch_related("handlers").first()
        social = disclosure.handlers.first() if disclosure else None
        if social is not None:
            plan.refresh_from_db()
            services.update_texts(
                social,
                plan,
                expected_version=plan.version,
                changes={"social_commitments": SOCIAL_TEXT},
            )
        created = True
    return created
