# ruff: noqa: F811
"""No personal data in any e-mail: sentinels planted in every person, dwelling and
free-text field (the site-wide sentinel world, plus the free texts the rules read) never
appear in a subject, body, header, task argument, log line or the dry-run output, while
every rule fires."""

from __future__ import annotations

import logging
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from cases.models import ContactBan, FollowUp, PlanConfirmation, ProtectionPlan
from notifications import case_rules
from notifications.models import DigestRun, Message, Notification
from notifications.schedule import latest_slot
from skydd.celery import app
from tests.factories import make_case, make_disclosure
from tests.test_permission_matrix import world  # noqa: F401
from tests.test_sentinels import _all_sentinels

pytestmark = pytest.mark.django_db


def _plant_rule_inputs(world, planted: dict) -> None:
    case = world.case
    users = world.users
    today = timezone.localdate()
    handler, head = users["handler"], users["head"]
    for name, user in users.items():
        user.full_name = f"SNTLUSER{name.upper()}"
        user.save()
        planted[user.full_name] = None
    FollowUp.objects.create(
        case=case,
        kind="conversation",
        due_date=today + timedelta(days=1),
        assignee=handler,
        note="SNTLFOLLOWUPNOTE",
    )
    FollowUp.objects.create(
        case=case,
        kind="other",
        due_date=today - timedelta(days=10),
        assignee=handler,
        note="SNTLOVERDUENOTE",
        outcome="SNTLOUTCOME",
    )
    participants = list(case.participants.order_by("pk"))
    ContactBan.objects.create(
        case=case,
        ban_type="ordinary",
        status="granted",
        valid_from=today - timedelta(days=60),
        valid_until=today + timedelta(days=5),
        deciding_body="SNTLDECIDINGBODY",
        protected_participant=participants[0],
        restricted_participant=participants[1],
        note="SNTLBANNOTE",
    )
    case.disclosures.filter(recipient__name="Socialtjänsten Köping").update(
        valid_until=today + timedelta(days=3)
    )
    plan = ProtectionPlan.objects.filter(case=case, status="draft").first()
    if plan is None:
        ProtectionPlan.objects.filter(case=case).update(status="superseded")
        plan = ProtectionPlan.objects.create(case=case, number=99)
    ProtectionPlan.objects.filter(pk=plan.pk).update(
        introduction="SNTLPLANINTRO",
        threat_text="SNTLPLANTHREAT",
        police_commitments="SNTLPOLICECOMMIT",
    )
    plan.confirmations.update(cleared_at=timezone.now())
    PlanConfirmation.objects.create(
        plan=plan,
        party="police",
        user=handler,
        user_name="SNTLCONFIRMERNAME",
        organisation=case.unit,
        organisation_name="SNTLORGNAME",
        plan_version=plan.version,
    )
    waiting = make_case(handler, threat_picture="SNTLWAITINGTHREAT")  # no follow-up planned
    koping = world.case.disclosures.get(recipient__name="Socialtjänsten Köping").recipient
    make_disclosure(waiting, koping)  # no handlers yet
    # A shared case closed: the disclosure ends and Köping's head is told.
    from cases.casework import services as casework

    closed = make_case(handler, threat_picture="SNTLCLOSEDTHREAT")
    make_disclosure(closed, koping, handlers=[users["social"]])
    casework.close_case(handler, closed, reason="threat_gone", final_note="SNTLCLOSINGNOTE")
    planted |= dict.fromkeys(
        [
            "SNTLFOLLOWUPNOTE",
            "SNTLOVERDUENOTE",
            "SNTLOUTCOME",
            "SNTLDECIDINGBODY",
            "SNTLBANNOTE",
            "SNTLPLANINTRO",
            "SNTLPLANTHREAT",
            "SNTLPOLICECOMMIT",
            "SNTLCONFIRMERNAME",
            "SNTLWAITINGTHREAT",
            "SNTLCLOSEDTHREAT",
            "SNTLCLOSINGNOTE",
        ]
    )
    del head


def test_no_sentinel_reaches_any_mail_header_log_or_task_argument(
    world, social_head, caplog
) -> None:
    planted = _all_sentinels(world)
    _plant_rule_inputs(world, planted)
    # The day before the latest digest slot is done (before 06:30 that slot is
    # yesterday's, so "today minus one" would leave no digest due).
    DigestRun.objects.create(day=latest_slot(timezone.now()) - timedelta(days=1))
    caplog.set_level(logging.DEBUG)
    dry = StringIO()
    call_command("send_notifications", "--dry-run", stdout=dry)
    out = StringIO()
    call_command("send_notifications", stdout=out)
    # Every case rule fired and produced at least one sent item.
    fired = set(Notification.objects.filter(status="sent").values_list("rule", flat=True))
    assert fired == {rule.name for rule in case_rules.CASE_RULES}
    assert len(mail.outbox) >= 5
    texts = [dry.getvalue(), out.getvalue(), caplog.text]
    for email in mail.outbox:
        texts.append(email.message().as_bytes().decode("utf-8", "replace"))
        texts += [email.subject, email.body, *(alt.content for alt in email.alternatives)]
        texts += [f"{k}: {v}" for k, v in email.extra_headers.items()]
    texts += [str(entry) for entry in app.conf.beat_schedule.values()]
    texts += [
        str(Message.objects.values_list("key", "last_error")),
        str(Notification.objects.values_list("subject", "period", "params")),
    ]
    joined = "\n".join(texts)
    # Sentinels are upper case; bodies may be quoted-printable, so check decoded texts too.
    leaked = sorted(s for s in planted if s and s in joined)
    assert not leaked, leaked


def test_the_sweep_task_takes_no_arguments() -> None:
    entry = app.conf.beat_schedule["sweep-notifications"]
    assert entry["task"] == "notifications.tasks.sweep_notifications"
    assert not entry.get("args") and not entry.get("kwargs")
