"""The joint protection plan's rules: versions, agreement, freezing, each party's own text."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases import errors
from cases.models import (
    JournalEntry,
    Party,
    PlanConfirmation,
    ProtectionCase,
    ProtectionPlan,
)
from cases.models.plan import FrozenPlanError
from cases.plan import services, sources
from cases.plan.services import ConflictError, PlanError
from tests.cases.plan_support import access_for, disclose, part_text, rich_case
from tests.factories import make_case, make_disclosure

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(handler, koping, social) -> ProtectionCase:
    case = make_case(handler)
    make_disclosure(case, koping, handlers=[social])  # scope_plan is on by default
    return case


def agree(handler, social, case) -> ProtectionPlan:
    police = access_for(handler, case)
    plan = services.current_plan(case) or services.start_version(handler, police.case)
    plan = services.confirm(handler, plan, expected_version=plan.version)
    return services.confirm(social, plan, expected_version=plan.version)


def test_parties(handler, head, colleague, social, social_head, case) -> None:
    from cases import access

    access.break_the_glass(colleague, case, reason="Test – skyddspersonen ringde jourtid")
    assert services.party_of(access_for(handler, case)) == Party.POLICE
    assert services.party_of(access_for(head, case)) == Party.POLICE
    assert services.party_of(access_for(colleague, case)) is None  # break-the-glass: read only
    assert services.party_of(access_for(social, case)) == Party.SOCIAL
    assert services.party_of(access_for(social_head, case)) == Party.SOCIAL


def test_social_services_without_plan_in_scope_is_no_party(handler, koping, social) -> None:
    case = make_case(handler)
    make_disclosure(case, koping, handlers=[social], scope_plan=False)
    social_access = access_for(social, case)
    assert services.party_of(social_access) is None
    with pytest.raises(errors.NotAllowed):
        services.start_version(social, social_access.case)


def test_first_version_is_a_draft_with_an_introduction(handler, case) -> None:
    plan = services.start_version(handler, case)
    assert (plan.number, plan.status, plan.version) == (1, "draft", 1)
    assert plan.introduction == services.DEFAULT_INTRODUCTION
    assert plan.snapshot is None
    assert JournalEntry.objects.filter(case=case, text__contains="version 1 påbörjad").exists()


def test_only_one_draft_at_a_time(handler, case) -> None:
    services.start_version(handler, case)
    with pytest.raises(PlanError, match="redan ett utkast"):
        services.start_version(handler, case)
    assert ProtectionPlan.objects.filter(case=case).count() == 1


def test_database_allows_one_current_version_per_case(handler, case) -> None:
    services.start_version(handler, case)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProtectionPlan.objects.create(case=case, number=2)


def test_agreement_needs_both_parties_and_records_name_and_time(handler, social, case) -> None:
    police = access_for(handler, case)
    plan = services.start_version(handler, police.case)

    plan = services.confirm(handler, plan, expected_version=plan.version)
    assert plan.is_draft
    with pytest.raises(PlanError, match="redan bekräftat"):
        services.confirm(handler, plan, expected_version=plan.version)

    plan = services.confirm(social, plan, expected_version=plan.version)
    assert plan.is_agreed and plan.agreed_at is not None and plan.snapshot is not None
    confirmations = {c.party: c for c in plan.confirmations.all()}
    assert confirmations[Party.POLICE].user_name == "Hanna Handläggare"
    assert confirmations[Party.POLICE].organisation_name == "PSS Testlän"
    assert confirmations[Party.SOCIAL].user_name == "Sara Socialsekreterare"
    assert confirmations[Party.SOCIAL].organisation_name == "Socialtjänsten Köping"
    assert all(c.confirmed_at <= timezone.now() for c in confirmations.values())
    assert JournalEntry.objects.filter(
        case=case,
        text="Skyddsplan version 1 är överenskommen.",
        visibility=JournalEntry.Visibility.SHARED,
    ).exists()


def test_two_police_confirmations_do_not_agree_a_plan(handler, head, case) -> None:
    plan = services.start_version(handler, case)
    plan = services.confirm(handler, plan, expected_version=1)
    with pytest.raises(PlanError):
        services.confirm(head, plan, expected_version=1)
    plan.refresh_from_db()
    assert plan.is_draft


def test_each_party_writes_only_its_own_commitments(handler, social, case) -> None:
    police = access_for(handler, case)
    plan = services.start_version(handler, police.case)

    with pytest.raises(errors.NotAllowed):
        services.update_texts(
            social, plan, expected_version=plan.version, changes={"police_commitments": "x"}
        )
    with pytest.raises(errors.NotAllowed):
        services.update_texts(
            handler, plan, expected_version=plan.version, changes={"social_commitments": "y"}
        )
    plan.refresh_from_db()
    assert plan.police_commitments == part_text(plan) == ""

    services.update_texts(
        handler, plan, expected_version=1, changes={"police_commitments": "larma"}
    )
    services.update_texts(
        social, plan, expected_version=2, changes={"social_commitments": "boende"}
    )
    plan.refresh_from_db()
    assert (plan.police_commitments, part_text(plan)) == ("larma", "boende")


def test_joint_texts_are_written_by_both(handler, social, case) -> None:
    plan = services.start_version(handler, case)
    services.update_texts(social, plan, expected_version=1, changes={"follow_up_text": "v"})
    plan.refresh_from_db()
    assert plan.follow_up_text == "v"


def test_break_the_glass_colleague_cannot_write(handler, colleague, case) -> None:
    from cases import access

    plan = services.start_version(handler, case)
    access.break_the_glass(colleague, case, reason="Test – skyddspersonen ringde jourtid")
    with pytest.raises(errors.NotAllowed):
        services.update_texts(colleague, plan, expected_version=1, changes={"introduction": "x"})


def test_an_edit_after_a_confirmation_clears_the_confirmations(handler, social, case) -> None:
    police = access_for(handler, case)
    plan = services.start_version(handler, police.case)
    plan = services.confirm(handler, plan, expected_version=1)

    result = services.update_texts(
        social, plan, expected_version=1, changes={"social_commitments": "ändrat"}
    )
    assert result == services.TextUpdate(changed=True, cleared_confirmations=1)
    assert services.standing_confirmations(plan) == []
    cleared = PlanConfirmation.objects.get(plan=plan)
    assert cleared.cleared_at is not None and cleared.plan_version == 1
    assert JournalEntry.objects.filter(case=case, text__contains="nollställdes").exists()

    # The social confirmation alone does not agree the plan: police must confirm again.
    plan = services.confirm(social, plan, expected_version=plan.version)
    assert plan.is_draft
    plan = services.confirm(handler, plan, expected_version=plan.version)
    assert plan.is_agreed


def test_saving_unchanged_texts_keeps_the_confirmations(handler, case) -> None:
    police = access_for(handler, case)
    plan = services.start_version(handler, police.case)
    plan = services.confirm(handler, plan, expected_version=1)
    result = services.update_texts(
        handler, plan, expected_version=1, changes={"introduction": plan.introduction}
    )
    assert not result.changed
    assert {c.party for c in services.standing_confirmations(plan)} == {Party.POLICE}


def test_stale_edit_is_a_conflict_and_changes_nothing(handler, head, case) -> None:
    plan = services.start_version(handler, case)
    services.update_texts(head, plan, expected_version=1, changes={"threat_text": "chefens"})
    with pytest.raises(ConflictError):
        services.update_texts(
            handler, plan, expected_version=1, changes={"threat_text": "handläggarens"}
        )
    plan.refresh_from_db()
    assert (plan.threat_text, plan.version) == ("chefens", 2)


def test_confirming_a_stale_view_is_a_conflict(handler, social, case) -> None:
    plan = services.start_version(handler, case)
    services.update_texts(handler, plan, expected_version=1, changes={"introduction": "n"})
    with pytest.raises(ConflictError):
        services.confirm(social, plan, expected_version=1)
    assert not PlanConfirmation.objects.exists()


def test_agreed_version_is_never_edited(handler, social, case) -> None:
    plan = agree(handler, social, case)
    with pytest.raises(FrozenPlanError):
        services.update_texts(
            handler, plan, expected_version=plan.version, changes={"introduction": "x"}
        )
    with pytest.raises(FrozenPlanError):
        services.confirm(handler, plan, expected_version=plan.version)
    # Not even through the ORM.
    plan = ProtectionPlan.objects.get(pk=plan.pk)
    plan.police_commitments = "ändrat i efterhand"
    with pytest.raises(FrozenPlanError):
        plan.save()
    with pytest.raises(FrozenPlanError):
        plan.save(update_fields=["police_commitments"])
    assert ProtectionPlan.objects.get(pk=plan.pk).police_commitments == ""


def test_agreed_version_keeps_what_it_showed_when_the_case_changes(handler, social, koping) -> None:
    from cases.models import FollowUp, Participant, Person
    from tests.factories import PersonFactory

    rich = rich_case(handler)
    case = rich.case
    disclose(case, koping, social)
    plan = agree(handler, social, case)
    frozen = dict(plan.snapshot)
    police = access_for(handler, case)
    before = sources.visible(police, plan.snapshot)

    # The case changes afterwards: new person, renamed person, follow-up done, new handler.
    Participant.objects.create(
        case=case, person=PersonFactory(first_name="Senare"), role=Participant.Role.RELATIVE
    )
    Person.objects.filter(pk=rich.protected.pk).update(first_name="Omdöpt")
    FollowUp.objects.filter(case=case).update(done_on=timezone.localdate())

    plan.refresh_from_db()
    assert plan.snapshot == frozen
    after = sources.visible(access_for(handler, case), plan.snapshot)
    assert after == before
    assert "Senare" not in str(after) and "Omdöpt" not in str(after)
    assert after["follow_ups"], "the follow-up stays in the agreed version"
    # A new draft shows the case as it is now.
    draft = services.start_version(handler, police.case)
    live = sources.visible(police, sources.collect(case))
    assert "Omdöpt" in str(live) and not live["follow_ups"]
    assert draft.number == 2


def test_agreed_version_never_shows_more_than_todays_protection_allows(
    handler, social, koping
) -> None:
    from cases.models import Person, SecretDwelling
    from cases.plan.pdf import build_document
    from tests.cases import plan_support as s

    rich = rich_case(handler)
    disclose(rich.case, koping, social, scope_secret_dwelling=True)
    plan = agree(handler, social, rich.case)
    soc = access_for(social, rich.case)
    before = str(build_document(soc, plan).sections)
    assert s.ADDRESS in before and s.DWELLING in before

    # Later: skyddad folkbokföring for the protected person; the dwelling becomes police-only.
    Person.objects.filter(pk=rich.protected.pk).update(
        protection=Person.Protection.SKYDDAD_FOLKBOKFORING
    )
    SecretDwelling.objects.filter(address=s.DWELLING).update(police_only=True)

    after = str(build_document(soc, plan).sections)
    assert s.ADDRESS not in after and s.DWELLING not in after
    police_view = str(build_document(access_for(handler, rich.case), plan).sections)
    assert s.ADDRESS not in police_view
    assert s.DWELLING in police_view  # the assigned handler still knows it
    # A removed dwelling is treated as police-only too; the stored snapshot is unchanged.
    SecretDwelling.objects.filter(address=s.POLICE_ONLY_DWELLING).delete()
    plan.refresh_from_db()
    assert s.ADDRESS in str(plan.snapshot)


def test_new_version_supersedes_and_copies_the_texts(handler, social, case) -> None:
    police = access_for(handler, case)
    plan = services.start_version(handler, police.case)
    services.update_texts(
        handler, plan, expected_version=1, changes={"police_commitments": "larmpaket"}
    )
    plan.refresh_from_db()
    plan = agree(handler, social, case)

    second = services.start_version(social, case)
    plan.refresh_from_db()
    assert plan.status == ProtectionPlan.Status.SUPERSEDED and plan.superseded_at
    assert plan.snapshot is not None
    assert (second.number, second.status) == (2, "draft")
    assert second.police_commitments == "larmpaket"
    assert second.introduction == plan.introduction
    assert not second.confirmations.exists()


def test_closed_case_plan_cannot_change(handler, case) -> None:
    plan = services.start_version(handler, case)
    ProtectionCase.objects.filter(pk=case.pk).update(status=ProtectionCase.Status.CLOSED)
    with pytest.raises(errors.CaseClosed):
        services.update_texts(handler, plan, expected_version=1, changes={"introduction": "x"})
    with pytest.raises(errors.CaseClosed):
        services.confirm(handler, plan, expected_version=1)


def test_plan_of_a_case_the_actor_cannot_open_is_refused(handler, case, other_police) -> None:
    plan = services.start_version(handler, case)
    with pytest.raises(errors.NotAllowed):
        services.update_texts(other_police, plan, expected_version=1, changes={})
    plan.refresh_from_db()
    assert plan.version == 1


def test_latest_final_assessment_per_instrument(handler) -> None:
    from datetime import date, timedelta

    from riskassessment.models import Assessment, Instrument

    case = make_case(handler)
    sara = Instrument.objects.get(code="SARA_SV")
    common = {"case": case, "instrument": sara, "organisation": case.unit, "assessor": handler}
    final = {"status": "final", "finalised_at": timezone.now()}
    Assessment.objects.create(**common, **final, assessed_on=date.today() - timedelta(days=30))
    newest = Assessment.objects.create(**common, **final, assessed_on=date.today())
    Assessment.objects.create(**common, status="draft", assessed_on=date.today())
    from riskassessment.plan_sources import latest_final_assessments

    assert latest_final_assessments(case) == [newest]
