"""Valid POST data for every route that writes (issue 9: the matrix's POST leg proves the
write). ``WRITES[name](world, persona, kwargs)`` may prepare the world (inside the test's
savepoint, rolled back after each POST) and returns the form data; the persona allowed by
the route's ``expect`` must then change a row, every other persona must change nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.utils import timezone

from tests.cases.helpers import person_post
from tests.matrix import World, writes_alarms

Data = dict[str, Any]
Write = Callable[[World, str, dict[str, Any]], Data]


def _today(days: int = 0) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _party(persona: str) -> str:
    return "social" if persona == "social" else "police"


def _object(kwargs: dict[str, Any], model_label: str) -> Any:
    """The object of the case that the URL's ``pk`` names, as saved now."""
    from django.apps import apps

    model = apps.get_model(model_label)
    return model.objects.get(pk=kwargs["pk"], case__key=kwargs["key"])


def _participants(world: World) -> dict[str, Any]:
    return {p.role: p for p in world.case.participants.all()}


def intake(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
    from tests.cases.test_intake import intake_post

    membership = world.users[persona].memberships.filter(organisation__kind="police").first()
    return intake_post(membership.organisation if membership else world.case.unit)


def case_edit(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
    world.case.refresh_from_db()
    return {"version": world.case.version, "category": "other", "threat_picture": "Ändrad"}


def participant_add(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
    return {"role": "relative", "existing": "", **person_post("person", first_name="Ny")}


def person_edit(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
    from cases.models import Participant, Person

    person = Person.objects.get(key=kwargs["person_key"])
    # This case's contact details (none when the route puts a person under another case).
    row = Participant.objects.filter(person=person, case__key=kwargs["key"]).order_by("pk").first()
    return {
        "version": person.version,
        "contact_version": row.contact_version if row else 1,
        **person_post(first_name="Ändrad"),
    }


def participant_remove(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
    world.case.contact_bans.all().delete()  # a party to a kontaktförbud is not removed
    return {}


def dwelling_add(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
    return {"description": "Nytt boende", "address": "Matrisvägen 3"}


def unassign(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
    from cases.services.handlers import _grant

    _grant(world.users["head"], world.case)  # a second handler, so one may be removed
    return {"handler": world.users["handler"].pk}


def measure_add(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
    from cases.models import MeasureKind

    code = "ekonomiskt-bistand" if persona == "social" else "skyddslarm"
    return {
        "kind": MeasureKind.objects.get(code=code).pk,
        "status": "planned",
        "responsible_party": _party(persona) if persona == "social" else "",
    }


def measure_edit(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
    measure = _object(kwargs, "cases.ProtectiveMeasure")
    return {
        "version": measure.version,
        "kind": measure.kind_id,
        "responsible_party": measure.responsible_party,
        "status": "active",
        "note": "Ändrad i matrisen",
    }


def versioned(model_label: str) -> Write:
    def data(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
        return {"version": _object(kwargs, model_label).version}

    return data


def ban_data(world: World) -> Data:
    roles = _participants(world)
    return {
        "ban_type": "ordinary",
        "status": "requested",
        "protected_participant": roles["protected"].pk,
        "restricted_participant": roles["threat_actor"].pk,
        "valid_from": _today(),
        "valid_until": _today(30),
    }


def ban_add(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
    return ban_data(world)


def ban_edit(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
    return {
        **ban_data(world),
        "version": _object(kwargs, "cases.ContactBan").version,
        "status": "granted",
    }


def follow_up_add(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
    user = world.users[persona]
    return {
        "kind": "conversation",
        "due_date": _today(7),
        "responsible_party": _party(persona),
        "assignee": user.pk,
    }


def follow_up_edit(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
    follow_up = _object(kwargs, "cases.FollowUp")
    return {
        "version": follow_up.version,
        "kind": follow_up.kind,
        "due_date": _today(9),
        "responsible_party": follow_up.responsible_party,
        "assignee": follow_up.assignee_id or "",
    }


def follow_up_complete(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
    version = _object(kwargs, "cases.FollowUp").version
    return {"version": version, "done_on": _today(), "outcome": "Klart"}


def support(role: str) -> Write:
    def data(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
        from cases.models import SupportOrganisation

        org = SupportOrganisation.objects.filter(active=True).first()
        assert org is not None
        person = _participants(world)[role].pk
        if role == "threat_actor":  # a referral names one threat actor
            return {"participant": person, "organisations": [org.pk], "informed_on": _today()}
        return {
            "participants": [person],
            "organisations": [org.pk],
            "informed_on": _today(),
            "may_contact": "yes",
        }

    return data


def case_close(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
    world.case.follow_ups.update(done_on=timezone.localdate(), outcome="Klart")
    writes_alarms.return_active_loans(world)  # an alarm on loan blocks the closing
    return {"reason": "threat_gone", "final_note": "Avslutat i matrisen", "confirmed": "1"}


def legal_hold_remove(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
    from cases.models import LegalHold

    LegalHold.objects.create(case=world.case, reason="Tvist", set_by=world.users["head"])
    return {}


def legal_hold(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
    return {"reason": "Skäl angivet i matrisen", "version": 0}


def disclosure_create(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
    from tests.cases.sharing_support import valid_post

    return valid_post(world.case.disclosures.first().recipient)


def plan_edit(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
    from cases.plan.services import current_plan

    plan = current_plan(world.case)
    assert plan is not None
    return {"version": plan.version, "threat_text": "Ändrad hotbild", "measures_text": "Larm"}


def plan_confirm(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
    return {"version": 1}


def plan_new(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
    world.case.plans.all().delete()  # no draft in the way of a new version
    return {}


def ra_start(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
    from riskassessment.models import Instrument

    return {"instrument": Instrument.objects.get(code="SAM", active=True).pk}


def ra_edit(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
    draft = world.objects["ra_draft"]
    draft.refresh_from_db()
    return {"version": draft.version, "assessed_on": _today(), "notes": "Matris"}


def ra_finalise(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
    """The draft with every judgement made, so that the confirmation page's POST finalises."""
    from riskassessment import services

    draft = world.objects["ra_draft"]
    draft.refresh_from_db()
    structure = services.load_structure(draft.instrument)
    data = services.AssessmentInput(
        judgements={
            d.pk: services.JudgementInput(level="high", answer=True, text="Matris")
            for d in structure.definitions
        }
    )
    draft = services.save_draft(world.users["handler"], draft, data=data, expected_version=None)
    return {"version": draft.version}


def reason(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
    return {"reason": "Skäl angivet i matrisen"}


def nothing(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
    return {}


WRITES: dict[str, Write] = {
    "cases:create": intake,
    "cases:edit": case_edit,
    "cases:journal_add": lambda w, p, k: {
        "occurred_on": _today(),
        "visibility": "police",
        "text": "Anteckning i matrisen",
    },
    "cases:participant_add": participant_add,
    "cases:participant_remove": participant_remove,
    "cases:person_edit": person_edit,
    "cases:dwelling_add": dwelling_add,
    "cases:dwelling_remove": nothing,
    "cases:assign_handler": lambda w, p, k: {"handler": w.users["colleague"].pk},
    "cases:unassign_handler": unassign,
    "cases:measure_add": measure_add,
    "cases:measure_edit": measure_edit,
    "cases:measure_end": versioned("cases.ProtectiveMeasure"),
    "cases:measure_decline": versioned("cases.ProtectiveMeasure"),
    "cases:contact_ban_add": ban_add,
    "cases:contact_ban_edit": ban_edit,
    "cases:contact_ban_breach_add": lambda w, p, k: {
        "occurred_on": _today(),
        "description": "Ringde",
    },
    "cases:followup_add": follow_up_add,
    "cases:followup_edit": follow_up_edit,
    "cases:followup_complete": follow_up_complete,
    "cases:support_info_add": support("protected"),
    "cases:referral_add": support("threat_actor"),
    "cases:case_close": case_close,
    "cases:case_reopen": reason,
    "cases:closing_note_add": lambda w, p, k: {"text": "Anteckning i efterhand"},
    "cases:legal_hold": legal_hold,
    "cases:legal_hold_remove": legal_hold_remove,
    "cases:disclosure_create": disclosure_create,
    "cases:disclosure_withdraw": reason,
    "cases:disclosure_handlers": lambda w, p, k: {"handlers": [], "seen": ""},
    "cases:break_glass": reason,
    "cases:break_glass_review": lambda w, p, k: {"comment": "Granskad i matrisen"},
    "cases:plan_edit": plan_edit,
    "cases:plan_confirm": plan_confirm,
    "cases:plan_new": plan_new,
    "riskassessment:start": ra_start,
    "riskassessment:edit": ra_edit,
    "riskassessment:finalise": ra_finalise,
    "riskassessment:reassess": nothing,
    "riskassessment:discard": versioned("riskassessment.Assessment"),
    **writes_alarms.WRITES,
}
# Who actually writes where the route's expected status is not the whole story: breaking the
# glass is for the colleague without access (the others are just sent to the case).
WRITERS: dict[str, set[str]] = {"cases:break_glass": {"colleague"}, **writes_alarms.WRITERS}
# POST routes that read only (a search, the case-list filter), or write only the access log
# (a report).
READ_ONLY_POSTS = {"cases:search", "cases:access_report", "cases:list"}
# POST routes outside the case data whose write is proven in their own tests: a password
# change needs a live code of the second factor (tests/e2e/test_login_e2e.py).
OWN_TESTS = {"accounts:password_change"}
