"""Who sees which assessment, per disclosure scope, in both directions."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.models import Membership
from cases import access
from cases.models import Disclosure
from riskassessment import services
from tests.factories import UserFactory, make_case, make_disclosure
from tests.riskassessment.helpers import case_access, final_assessment, sara

pytestmark = pytest.mark.django_db


def _disclose_back(case, unit, **scope) -> Disclosure:
    disclosure = make_disclosure(case, unit, **scope)
    disclosure.direction = Disclosure.Direction.TO_POLICE
    disclosure.save()
    return disclosure


def _social_final(social, case):
    """Köping's own final assessment (any instrument; FREDA would be added by an admin)."""
    return final_assessment(social, case, sara(), level="medium")


# --- cases.access.received_scopes -----------------------------------------------------------


def test_received_scopes_of_police_are_the_active_disclosures_back(handler, koping, unit_b):
    case = make_case(handler)
    assert access.received_scopes(case_access(handler, case)) == frozenset()
    make_disclosure(case, koping, scope_risk_full=True)  # police → social: not "received"
    assert access.received_scopes(case_access(handler, case)) == frozenset()
    _disclose_back(case, unit_b, scope_risk_full=True)  # to another unit: not ours
    assert access.received_scopes(case_access(handler, case)) == frozenset()
    back = _disclose_back(case, case.unit, scope_persons=False, scope_risk_summary=True)
    got = access.received_scopes(case_access(handler, case))
    assert "scope_risk_summary" in got and "scope_risk_full" not in got
    back.withdrawn_at = timezone.now()
    back.save()
    assert access.received_scopes(case_access(handler, case)) == frozenset()


def test_received_scopes_of_social_services_are_their_access_scopes(handler, social, koping):
    case = make_case(handler)
    make_disclosure(case, koping, handlers=[social], scope_risk_full=True)
    ca = case_access(social, case)
    assert access.received_scopes(ca) == ca.scopes


# --- police assessments as social services see them ------------------------------------------


@pytest.mark.parametrize(
    ("scopes", "expected"),
    [
        ({"scope_risk_summary": False, "scope_risk_full": False}, None),
        ({"scope_risk_summary": True, "scope_risk_full": False}, "summary"),
        ({"scope_risk_summary": True, "scope_risk_full": True}, "full"),
        ({"scope_risk_summary": False, "scope_risk_full": True}, "full"),
    ],
)
def test_social_services_see_police_assessments_per_scope(
    handler, social, koping, scopes, expected
):
    case = make_case(handler)
    final = final_assessment(handler, case)
    make_disclosure(case, koping, handlers=[social], **scopes)
    ca = case_access(social, case)
    assert services.visibility(ca, final) == expected
    rows = services.assessment_rows(ca)
    assert [r.visibility for r in rows] == ([expected] if expected else [])


def test_police_drafts_are_never_shown_to_social_services(handler, social, koping):
    case = make_case(handler)
    draft, _ = services.start_assessment(handler, case, instrument=sara())
    make_disclosure(case, koping, handlers=[social], scope_risk_full=True)
    ca = case_access(social, case)
    assert services.visibility(ca, draft) is None
    assert services.assessment_rows(ca) == []
    with pytest.raises(services.NotAllowed):
        services.get_visible(ca, draft.pk)


def test_police_always_see_police_assessments_drafts_included(handler, colleague, head):
    case = make_case(handler)
    draft, _ = services.start_assessment(handler, case, instrument=sara())
    access.break_the_glass(colleague, case, reason="Akut – skyddspersonen ringde jourtid")
    for reader in (handler, head, colleague):
        assert services.visibility(case_access(reader, case), draft) == "full"


# --- social services' own assessments ---------------------------------------------------------


def test_social_services_record_their_own_assessment(handler, social, koping):
    case = make_case(handler)
    make_disclosure(case, koping, handlers=[social], scope_risk_summary=False)
    ca = case_access(social, case)
    assert services.may_assess(ca)
    own = _social_final(social, case)
    assert own.organisation == koping and own.is_final
    assert services.visibility(ca, own) == "full"


def test_police_see_a_social_assessment_only_when_disclosed_back(handler, social, koping):
    case = make_case(handler)
    make_disclosure(case, koping, handlers=[social])
    own = _social_final(social, case)
    draft, _ = services.start_assessment(
        social, case, instrument=services.active_instruments().get(code="CHECK10")
    )
    police = case_access(handler, case)
    assert services.visibility(police, own) is None
    assert services.assessment_rows(police) == []

    back = _disclose_back(case, case.unit, scope_risk_summary=True)
    police = case_access(handler, case)
    assert services.visibility(police, own) == "summary"
    assert services.visibility(police, draft) is None  # drafts never cross over
    assert [r.assessment for r in services.assessment_rows(police)] == [own]

    back.scope_risk_full = True
    back.save()
    assert services.visibility(case_access(handler, case), own) == "full"

    back.withdrawn_at = timezone.now()
    back.save()
    assert services.visibility(case_access(handler, case), own) is None


def test_the_social_journal_entry_is_made_only_when_final(handler, social, koping):
    from cases.models import JournalEntry

    case = make_case(handler)
    make_disclosure(case, koping, handlers=[social])
    before = JournalEntry.objects.filter(case=case).count()
    services.start_assessment(social, case, instrument=sara())
    assert JournalEntry.objects.filter(case=case).count() == before


def test_social_services_cannot_change_police_assessments(handler, social, koping):
    case = make_case(handler)
    draft, _ = services.start_assessment(handler, case, instrument=sara())
    final = final_assessment(handler, case, services.active_instruments().get(code="CHECK10"))
    make_disclosure(case, koping, handlers=[social], scope_risk_full=True)
    ca = case_access(social, case)
    assert not services.may_change(ca, draft) and not services.may_reassess(ca, final)
    with pytest.raises(services.NotAllowed):
        services.save_draft(social, draft, data=services.AssessmentInput(), expected_version=None)
    with pytest.raises(services.NotAllowed):
        services.start_reassessment(social, final)


def test_police_cannot_change_a_social_assessment(handler, social, koping):
    case = make_case(handler)
    make_disclosure(case, koping, handlers=[social])
    draft, _ = services.start_assessment(social, case, instrument=sara())
    with pytest.raises(services.NotAllowed):
        services.save_draft(handler, draft, data=services.AssessmentInput(), expected_version=None)


def test_another_municipality_never_sees_koping_assessments(handler, social, koping, sala):
    case = make_case(handler)
    make_disclosure(case, koping, handlers=[social])
    sala_user = UserFactory(email="sala2@sala.test")
    Membership.objects.create(user=sala_user, organisation=sala, role=Membership.Role.HANDLER)
    make_disclosure(case, sala, handlers=[sala_user], scope_risk_full=True)
    own = _social_final(social, case)
    police_final = final_assessment(
        handler, case, services.active_instruments().get(code="CHECK10")
    )
    ca = case_access(sala_user, case)
    assert services.visibility(ca, own) is None
    assert [r.assessment for r in services.assessment_rows(ca)] == [police_final]


def test_latest_final_summaries_follow_the_readers_scope(handler, social, koping):
    case = make_case(handler)
    final_assessment(handler, case)
    make_disclosure(case, koping, handlers=[social], scope_risk_summary=False)
    assert services.latest_final_summaries(case, for_access=case_access(social, case)) == []
    summaries = services.latest_final_summaries(case, for_access=case_access(handler, case))
    assert [s.instrument_name for s in summaries] == ["SARA:SV"]


def test_a_final_social_assessment_leaves_a_shared_journal_entry(handler, social, koping):
    from cases.models import JournalEntry

    case = make_case(handler)
    make_disclosure(case, koping, handlers=[social])
    _social_final(social, case)
    entry = JournalEntry.objects.filter(case=case, author=social).get()
    assert entry.visibility == JournalEntry.Visibility.SHARED
    assert entry.author_organisation == koping


def test_intelligence_text_never_reaches_social_services(handler, social, koping):
    case = make_case(handler)
    hotbild = services.active_instruments().get(code="HOTBILD")
    final = final_assessment(handler, case, hotbild, level="high")
    make_disclosure(case, koping, handlers=[social], scope_risk_full=True)
    police_labels = [
        j.label for j in services.get_visible(case_access(handler, case), final.pk).judgements
    ]
    assert police_labels == ["Samlad bedömning av hotbilden", "Hotbildsanalys"]
    ca = case_access(social, case)
    assert services.visibility(ca, final) == "full"
    assert [j.label for j in services.get_visible(ca, final.pk).judgements] == [
        "Samlad bedömning av hotbilden"
    ]
    summaries = services.latest_final_summaries(case, for_access=ca)
    assert summaries[0].judgements == [("Samlad bedömning av hotbilden", "Hög")]
