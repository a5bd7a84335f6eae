"""The national data set, part two: the rows of each case (persons, participants with their
addresses, secret dwellings, measures, kontaktförbud, follow-ups, journal, disclosures,
guardian permissions), written by COPY.
Split from bench/national_rows.py, which makes the organisations, users and case skeletons."""

from __future__ import annotations

from datetime import timedelta
from itertools import accumulate
from typing import Any

from django.contrib.auth.models import Permission

from bench.national_copy import Tables
from bench.national_places import address, participant_address, secret_dwelling
from bench.national_rows import BAN_MEASURES, GUARDIAN, _Case, _Generator, _weighted
from cases.models import (
    ContactBan,
    Disclosure,
    FollowUp,
    JournalEntry,
    MeasureKind,
    Participant,
    ProtectionCase,
    ProtectionCaseUserObjectPermission,
    ProtectiveMeasure,
)


def _case_rows(g: _Generator, cases: list[_Case], log: Any) -> None:
    rng = g.rng
    kinds = {k.code: k for k in MeasureKind.objects.all()}
    other_kinds = [k for code, k in kinds.items() if code not in BAN_MEASURES]
    kind_weights = list(
        accumulate(
            4.0
            if k.code in ("skyddslarm", "informations-sakerhetssamtal", "kontaktperson-polis")
            else 1.0
            for k in other_kinds
        )
    )
    view = Permission.objects.get(codename="view_protectioncase", content_type__app_label="cases")
    change = Permission.objects.get(
        codename="change_protectioncase", content_type__app_label="cases"
    )
    numbers: dict[tuple[int, int], int] = {}
    actors: list[list[int]] = [[] for _u in g.units]
    t = Tables()
    g.case_refs = {}
    for n, c in enumerate(sorted(cases, key=lambda c: (c.unit, c.opened))):
        unit = g.units[c.unit]
        key = (c.unit, c.opened.year)
        numbers[key] = numbers.get(key, 0) + 1
        reference = f"{unit.reference_prefix}-{c.opened.year}-{numbers[key]:05d}"
        g.case_refs[c.pk] = reference
        is_open = c.closed is None
        t.add(
            ProtectionCase,
            pk=c.pk,
            reference=reference,
            unit_id=unit.pk,
            year=c.opened.year,
            number=numbers[key],
            category=c.category,
            status="open" if is_open else "closed",
            threat_picture="Fiktiv hotbild (nationella testdata).",
            restricted=c.restricted,
            opened_on=c.opened,
            closed_on=c.closed,
            created_by_id=c.responsible[0],
        )
        for user_id in c.responsible:
            for perm in (view, change):
                t.add_row(ProtectionCaseUserObjectPermission, GUARDIAN, (c.pk, perm.pk, user_id))
        # Participants: the protected person, usually a threat actor, children, a relative.
        roles = ["protected"]
        if rng.random() < 0.85:
            roles.append("threat_actor")
        roles += ["child"] * _weighted(rng, [(0, 45), (1, 20), (2, 22), (3, 13)])
        if rng.random() < 0.25:
            roles.append("relative")
        parts: dict[str, int] = {}
        household = address(g, c.unit)
        for role in roles:
            pool = actors[c.unit]
            if role == "threat_actor" and pool and rng.random() < 0.05:
                person_id = rng.choice(pool)  # a known threat actor in another case
            else:
                person_id = g.person(t, adult=role != "child")
                if role == "threat_actor":
                    pool.append(person_id)
                    del pool[:-500]
            part_id = g.next_id("participant")
            parts.setdefault(role, part_id)
            street, postal, city = participant_address(g, c.unit, role, household)
            if role == "protected":
                secret_dwelling(g, c, t, person_id)
            t.add(
                Participant,
                pk=part_id,
                case_id=c.pk,
                person_id=person_id,
                role=role,
                relationship=("former_partner" if role == "threat_actor" else ""),
                phone=f"070-{rng.randint(1000000, 9999999)}" if role == "protected" else "",
                street_address=street,
                postal_code=postal,
                city=city,
            )
        c.parts = parts
        _case_work(g, c, t, kinds, other_kinds, kind_weights, parts)
        if n % 20000 == 19999 or n == len(cases) - 1:
            t.flush()
            log(f"    {n + 1} cases")


def _case_work(
    g: _Generator,
    c: _Case,
    t: Tables,
    kinds: dict[str, MeasureKind],
    other_kinds: list[MeasureKind],
    kind_weights: list[float],
    parts: dict[str, int],
) -> None:
    """Measures, kontaktförbud, follow-ups, a journal note and the disclosures of one case."""
    rng, today, is_open = g.rng, g.today, c.closed is None
    end = c.closed or today
    for _k in range(_weighted(rng, [(1, 5), (2, 15), (3, 25), (4, 25), (5, 20), (6, 10)])):
        kind = rng.choices(other_kinds, cum_weights=kind_weights)[0]
        status = rng.choice(["planned", "active"] if is_open else ["ended", "declined"])
        t.add(
            ProtectiveMeasure,
            case_id=c.pk,
            kind_id=kind.pk,
            responsible_party=kind.default_party,
            status=status,
            start_date=c.opened if status != "planned" else None,
            end_date=end if status == "ended" else None,
            created_by_id=c.responsible[0],
            contact_ban_id=None,
        )
    if "threat_actor" in parts and rng.random() < 0.22:
        ban_id = g.next_id("ban")
        status = _weighted(
            rng,
            [
                ("granted", 60),
                ("extended", 10),
                ("requested", 10),
                ("refused", 10),
                ("revoked", 10),
            ],
        )
        valid_from = min(today, c.opened + timedelta(days=rng.randint(1, 20)))
        t.add(
            ContactBan,
            pk=ban_id,
            case_id=c.pk,
            ban_type=_weighted(
                rng,
                [("ordinary", 80), ("shared_home", 10), ("extended", 8), ("specially_extended", 2)],
            ),
            status=status,
            decision_date=valid_from,
            deciding_body="Åklagarmyndigheten (fiktiv)",
            valid_from=valid_from,
            valid_until=valid_from + timedelta(days=365),
            protected_participant_id=parts["protected"],
            restricted_participant_id=parts["threat_actor"],
            created_by_id=c.responsible[0],
        )
        for code in BAN_MEASURES[: 1 + (rng.random() < 0.5)]:
            t.add(
                ProtectiveMeasure,
                case_id=c.pk,
                kind_id=kinds[code].pk,
                responsible_party="police",
                status="active" if is_open else "ended",
                start_date=valid_from,
                end_date=None if is_open else max(end, valid_from),
                created_by_id=c.responsible[0],
                contact_ban_id=ban_id,
            )
    for f in range(_weighted(rng, [(0, 10), (1, 45), (2, 30), (3, 15)])):
        done = not is_open or (f == 0 and rng.random() < 0.5)
        due = c.opened + timedelta(days=30 * (f + 1))
        if is_open and not done:
            due = today + timedelta(days=rng.randint(-20, 90))
        t.add(
            FollowUp,
            case_id=c.pk,
            kind=rng.choice(["conversation", "measures_review", "reassessment"]),
            due_date=due,
            assignee_id=rng.choice(c.responsible),
            done_on=min(due, end) if done else None,
            outcome="Genomförd (fiktiv)." if done else "",
        )
    t.add(
        JournalEntry,
        case_id=c.pk,
        author_id=c.responsible[0],
        author_organisation_id=g.units[c.unit].pk,
        occurred_on=c.opened,
        text="Ärendet öppnat efter anmälan (fiktiv anteckning).",
    )
    for org_id, start, until, withdrawn, handler in c.disclosures:
        consent = rng.random() < 0.5
        pk = g.next_id("disclosure")
        t.add(
            Disclosure,
            pk=pk,
            case_id=c.pk,
            recipient_id=org_id,
            legal_basis="consent" if consent else "osl_10_2",
            consent_given_by="Skyddspersonen" if consent else "",
            consent_form="written" if consent else "",
            consent_date=start if consent else None,
            valid_from=start,
            valid_until=until,
            created_by_id=c.responsible[0],
            withdrawn_at=withdrawn,
            ended_by_closing=c.closed is not None,
        )
        if handler:
            through = Disclosure.handlers.through
            t.add(through, disclosure_id=pk, user_id=handler)
