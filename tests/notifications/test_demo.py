"""A fresh demo (`make run`): the first sweep gives each demo user who has something due
one digest; an immediate second sweep sends nothing."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command

from accounts.models import User
from notifications.content import preview_for
from notifications.models import Message
from notifications.sweep import sweep

pytestmark = pytest.mark.django_db


def test_fresh_demo_first_sweep_one_digest_each_second_sweep_nothing() -> None:
    call_command("seed_demo", verbosity=0)
    result = sweep()
    digests = Message.objects.filter(kind=Message.Kind.DIGEST, status=Message.Status.SENT)
    with_something = {user.pk for user in User.objects.all() if preview_for(user)}
    assert len(with_something) >= 3
    assert sorted(digests.values_list("recipient_id", flat=True)) == sorted(with_something)
    assert result.delivery.sent == len(mail.outbox)
    sent = len(mail.outbox)
    again = sweep()
    assert again.digests == 0 and again.delivery.sent == 0
    assert len(mail.outbox) == sent
