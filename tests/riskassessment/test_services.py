"""Assessments through the service layer: drafts, finalising, reassessment, comparison."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import errors
from cases.models import FollowUp, JournalEntry, MeasureKind, ProtectiveMeasure
from cases.services import ConflictError
from riskassessment import services
from riskassessment.models import Assessment, FactorRating, Instrument
from tests.factories import make_case
from tests.riskassessment.helpers import (
    case_access,
    complete_input,
    final_assessment,
    instrument,
    sara,
)

pytestmark = pytest.mark.django_db


def test_start_creates_a_draft_and_starting_again_finds_it(handler) -> None:
    case = make_case(handler)
    ca = case_access(handler, case)
    first, created = services.start_assessment(handler, ca.case, instrument=sara())
    assert created and first.status == Assessment.Status.DRAFT
    assert first.organisation == case.unit and first.assessor == handler
    again, created_again = services.start_assessment(handler, ca.case, instrument=sara())
    assert again.pk == first.pk and not created_again
    assert case.assessments.count() == 1


def test_a_draft_may_be_incomplete_and_keeps_everything_saved(handler) -> None:
    case = make_case(handler)
    ca = case_access(handler, case)
    assessment, _ = services.start_assessment(handler, ca.case, instrument=sara())
    structure = services.load_structure(sara())
    first, second = structure.factors[:2]
    data = services.AssessmentInput(
        ratings={(first.pk, "current"): "J", (second.pk, "earlier"): "-"},
        evidence={first.pk: "Hot via sms 2026-01-03"},
    )
    saved = services.save_draft(handler, assessment, data=data, expected_version=1)
    assert saved.version == 2
    rows = {(r.factor_id, r.time_frame): r for r in saved.ratings.all()}
    assert rows[(first.pk, "current")].rating == "J"
    assert rows[(first.pk, "current")].evidence == "Hot via sms 2026-01-03"
    assert rows[(first.pk, "earlier")].evidence == ""  # the note lives on the first frame
    assert rows[(second.pk, "earlier")].rating == "-"
    assert rows[(second.pk, "current")].rating == ""  # not rated yet, not "no"
    assert saved.status == Assessment.Status.DRAFT


def test_saving_with_a_stale_version_is_a_conflict_and_changes_nothing(handler, head) -> None:
    case = make_case(handler)
    assessment, _ = services.start_assessment(handler, case, instrument=sara())
    factor = services.load_structure(sara()).factors[0]
    services.save_draft(
        head,
        assessment,
        data=services.AssessmentInput(ratings={(factor.pk, "current"): "D"}),
        expected_version=1,
    )
    with pytest.raises(ConflictError):
        services.save_draft(
            handler,
            assessment,
            data=services.AssessmentInput(ratings={(factor.pk, "current"): "N"}),
            expected_version=1,
        )
    assert assessment.ratings.get(factor=factor, time_frame="current").rating == "D"


def test_finalising_locks_the_assessment(handler) -> None:
    case = make_case(handler)
    final = final_assessment(handler, case)
    assert final.status == Assessment.Status.FINAL and final.finalised_at
    factor = services.load_structure(sara()).factors[0]
    before = final.ratings.get(factor=factor, time_frame="current").rating
    with pytest.raises(services.AssessmentLocked):
        services.save_draft(
            handler,
            final,
            data=services.AssessmentInput(ratings={(factor.pk, "current"): "N"}),
            expected_version=None,
        )
    with pytest.raises(services.AssessmentLocked):
        services.finalise(handler, final, expected_version=None)
    with pytest.raises(services.AssessmentLocked):
        services.discard_draft(handler, final, expected_version=None)
    final.refresh_from_db()
    assert final.ratings.get(factor=factor, time_frame="current").rating == before
    assert final.status == Assessment.Status.FINAL


def test_a_missing_summary_judgement_blocks_finalising_and_names_it(handler) -> None:
    case = make_case(handler)
    ca = case_access(handler, case)
    assessment, _ = services.start_assessment(handler, ca.case, instrument=sara())
    structure = services.load_structure(sara())
    data = complete_input(structure)
    severe = next(d for d in structure.definitions if d.code == "severe_violence")
    del data.judgements[severe.pk]
    assessment = services.save_draft(handler, assessment, data=data, expected_version=None)
    with pytest.raises(services.MissingJudgements) as caught:
        services.finalise(handler, assessment, expected_version=assessment.version)
    assert caught.value.definitions == [severe]
    assert "Risk för allvarligt/dödligt våld" in caught.value.message
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.DRAFT
    assert assessment.ratings.exclude(rating="J").count() == 0  # what was typed is kept
    assert not ProtectiveMeasure.objects.filter(case=case).exists()


def test_optional_text_judgements_do_not_block(handler) -> None:
    case = make_case(handler)
    ca = case_access(handler, case)
    patriark = instrument("PATRIARK")
    assessment, _ = services.start_assessment(handler, ca.case, instrument=patriark)
    structure = services.load_structure(patriark)
    data = complete_input(structure)
    for definition in structure.definitions:
        if not definition.required:
            del data.judgements[definition.pk]
    assessment = services.save_draft(handler, assessment, data=data, expected_version=None)
    final = services.finalise(handler, assessment, expected_version=None)
    assert final.is_final


def test_unrated_factors_become_omitted_when_finalising(handler) -> None:
    case = make_case(handler)
    ca = case_access(handler, case)
    assessment, _ = services.start_assessment(handler, ca.case, instrument=sara())
    structure = services.load_structure(sara())
    data = complete_input(structure)
    first = structure.factors[0]
    data.ratings = {(first.pk, "current"): "J"}
    assessment = services.save_draft(handler, assessment, data=data, expected_version=None)
    final = services.finalise(handler, assessment, expected_version=None)
    assert final.ratings.count() == len(structure.factors) * 2
    assert final.ratings.filter(rating="-").count() == len(structure.factors) * 2 - 1
    assert not final.ratings.filter(rating="").exists()
    assert not final.ratings.filter(rating="N").exists()  # never turned into "no"
    table = services.factor_table(final)
    assert table.omitted_factors == len(structure.factors)


def test_finalising_creates_planned_measures_and_the_reassessment_follow_up(handler) -> None:
    case = make_case(handler)
    alarm = MeasureKind.objects.get(code="skyddslarm")
    housing = MeasureKind.objects.get(code="tillfalligt-skyddat-boende")
    due = timezone.localdate() + timedelta(days=30)
    final = final_assessment(handler, case, measures=[alarm, housing], next_reassessment_on=due)
    measures = {m.kind.code: m for m in ProtectiveMeasure.objects.filter(case=case)}
    assert set(measures) == {"skyddslarm", "tillfalligt-skyddat-boende"}
    assert all(m.status == ProtectiveMeasure.Status.PLANNED for m in measures.values())
    assert measures["skyddslarm"].responsible_party == "police"
    assert measures["tillfalligt-skyddat-boende"].responsible_party == "social"
    assert measures["skyddslarm"].created_by == handler
    follow_up = FollowUp.objects.get(case=case)
    assert follow_up.kind == FollowUp.Kind.REASSESSMENT and follow_up.due_date == due
    assert follow_up.assignee == handler
    entry = JournalEntry.objects.filter(case=case).first()
    assert entry is not None and "Riskbedömning slutförd" in entry.text
    assert "Skyddslarm/larmtelefon" in entry.text and due.isoformat() in entry.text
    assert entry.visibility == JournalEntry.Visibility.POLICE_INTERNAL
    assert set(final.recommended_measures.all()) == {alarm, housing}


def test_no_follow_up_without_a_reassessment_date(handler) -> None:
    case = make_case(handler)
    final_assessment(handler, case)
    assert not FollowUp.objects.filter(case=case).exists()


def test_reassessment_copies_the_ratings_and_evidence(handler) -> None:
    case = make_case(handler)
    previous = final_assessment(handler, case, rating="D")
    new, created = services.start_reassessment(handler, previous)
    assert created and new.previous == previous and new.instrument == previous.instrument
    assert new.status == Assessment.Status.DRAFT
    copied = {(r.factor_id, r.time_frame): (r.rating, r.evidence) for r in new.ratings.all()}
    original = {(r.factor_id, r.time_frame): (r.rating, r.evidence) for r in previous.ratings.all()}
    assert copied == original and len(copied) == 30
    assert not new.judgements.exists()  # the judgement is made afresh
    again, created_again = services.start_reassessment(handler, previous)
    assert again == new and not created_again


def test_only_a_final_assessment_can_be_reassessed(handler) -> None:
    case = make_case(handler)
    draft, _ = services.start_assessment(handler, case, instrument=sara())
    with pytest.raises(services.NotAllowed):
        services.start_reassessment(handler, draft)


def test_break_the_glass_reader_may_not_assess(handler, colleague) -> None:
    from cases import access

    case = make_case(handler)
    access.break_the_glass(colleague, case, reason="Skyddspersonen ringde")
    ca = case_access(colleague, case)
    assert not services.may_assess(ca)
    with pytest.raises(services.NotAllowed):
        services.start_assessment(colleague, ca.case, instrument=sara())


def test_closed_case_takes_no_new_assessment(handler) -> None:
    case = make_case(handler)
    case.status = case.Status.CLOSED
    case.save()
    with pytest.raises(errors.CaseClosed):
        services.start_assessment(handler, case, instrument=sara())


def test_inactive_instrument_cannot_be_started(handler) -> None:
    case = make_case(handler)
    old = sara()
    old.active = False
    old.save()
    with pytest.raises(services.AssessmentError):
        services.start_assessment(handler, case, instrument=old)


def test_discarding_a_draft(handler) -> None:
    case = make_case(handler)
    ca = case_access(handler, case)
    draft, _ = services.start_assessment(handler, ca.case, instrument=sara())
    with pytest.raises(ConflictError):
        services.discard_draft(handler, draft, expected_version=99)
    services.discard_draft(handler, draft, expected_version=draft.version)
    assert not case.assessments.exists()


def test_latest_final_summaries_one_per_instrument(handler) -> None:
    case = make_case(handler)
    final_assessment(handler, case, level="low", assessed_on=timezone.localdate() - timedelta(5))
    final_assessment(handler, case, level="high")
    final_assessment(handler, case, instrument("CHECK10"), level="medium")
    services.start_assessment(handler, case, instrument=instrument("SAM"))  # draft
    summaries = services.latest_final_summaries(case, for_access=case_access(handler, case))
    assert [s.instrument_code for s in summaries] == ["SARA_SV", "CHECK10"] or [
        s.instrument_code for s in summaries
    ] == ["CHECK10", "SARA_SV"]
    by_code = {s.instrument_code: s for s in summaries}
    assert by_code["SARA_SV"].judgements[0] == ("Aktuell risk (kommande veckor)", "Hög")
    assert by_code["SARA_SV"].levels[0][1] == "high"
    assert by_code["SARA_SV"].assessor_name == handler.full_name
    assert by_code["SARA_SV"].organisation_name == case.unit.name
    assert ("Behov av skydd?", "Ja – Larm") in by_code["CHECK10"].judgements


def test_comparison_shows_changed_factors_and_judgements(handler) -> None:
    case = make_case(handler)
    older = final_assessment(
        handler, case, rating="N", level="low", assessed_on=timezone.localdate() - timedelta(30)
    )
    ca = case_access(handler, case)
    new, _ = services.start_reassessment(handler, older)
    structure = services.load_structure(sara())
    data = complete_input(structure, rating="N", level="low")
    first, second, third = structure.factors[:3]
    data.ratings[(first.pk, "current")] = "J"
    data.ratings[(second.pk, "earlier")] = "-"
    data.ratings[(third.pk, "current")] = ""  # left unrated: omitted when finalised
    severe = next(d for d in structure.definitions if d.code == "severe_violence")
    data.judgements[severe.pk] = services.JudgementInput(level="high")
    new = services.save_draft(handler, new, data=data, expected_version=None)
    new = services.finalise(handler, new, expected_version=None)

    comparison = services.compare(ca, new.pk, older.pk)  # any order: older first
    assert comparison.before.assessment == older and comparison.after.assessment == new
    changed = {(f.code, f.frame_label, f.before, f.after) for f in comparison.changed_factors}
    assert changed == {
        (first.code, "Nuvarande", "N", "J"),
        (second.code, "Tidigare", "N", "-"),
        (third.code, "Nuvarande", "N", "-"),
    }
    assert [j.label for j in comparison.changed_judgements] == [severe.label]
    assert comparison.before_table.omitted_factors == 0
    assert comparison.after_table.omitted_factors == 2
    current = comparison.after_table.counts[0]
    assert (current.yes, current.omitted) == (1, 1)


def test_different_instruments_compare_on_their_summary_judgements(handler) -> None:
    # Issue 11: across instruments the summary judgements compare, the factors do not.
    case = make_case(handler)
    a = final_assessment(handler, case)
    b = final_assessment(handler, case, instrument("CHECK10"))
    comparison = services.compare(case_access(handler, case), a.pk, b.pk)
    assert not comparison.same_instrument and comparison.factors == []
    labels = {j.label for j in comparison.judgements}
    assert labels == {d.label for d in a.instrument.summary_definitions.all()} | {
        d.label for d in b.instrument.summary_definitions.all()
    }
    assert comparison.before_label.startswith("SARA:SV")
    with pytest.raises(services.AssessmentError):
        services.compare(case_access(handler, case), a.pk, a.pk)


def test_new_version_of_an_instrument_is_a_new_row_with_the_same_code(handler) -> None:
    case = make_case(handler)
    used = final_assessment(handler, case)
    copy = services.copy_instrument_as_new_version(sara())
    assert copy.code == "SARA_SV" and copy.version == "2" and not copy.active
    assert Instrument.objects.filter(code="SARA_SV").count() == 2
    assert services.load_structure(copy).factors[0].label == (
        services.load_structure(sara()).factors[0].label
    )
    assert used.instrument.version == "1"
    assert FactorRating.objects.filter(assessment=used, factor__part__instrument=copy).count() == 0
    # Different versions of the same instrument can be compared, factor by code.
    copy.active = True
    copy.save()
    ca = case_access(handler, case)
    newer, _ = services.start_assessment(handler, ca.case, instrument=copy)
    newer = services.save_draft(
        handler,
        newer,
        data=complete_input(services.load_structure(copy), rating="J"),
        expected_version=None,
    )
    newer = services.finalise(handler, newer, expected_version=None)
    assert services.compare(ca, used.pk, newer.pk).changed_factors == []
