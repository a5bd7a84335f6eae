"""Opening a case in a unit and its responsible handlers."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from datetime import date
from typing import Any, NamedTuple

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from accounts.models import Membership, Organisation, User
from cases import access, errors, guard, journal
from cases.models import (
    ProtectionCase,
    ProtectionCaseUserObjectPermission,
)
from cases.services.common import _stamp

logger = logging.getLogger(__name__)


def next_reference(unit: Organisation, year: int) -> tuple[int, str]:
    """Allocate the next number for a unit and year. Call inside a transaction."""
    # Lock the unit row so that two concurrent intakes never get the same number.
    Organisation.objects.select_for_update().get(pk=unit.pk)
    last = ProtectionCase.objects.filter(unit=unit, year=year).aggregate(n=Max("number"))["n"]
    number = (last or 0) + 1
    return number, f"{unit.reference_prefix}-{year}-{number:05d}"


def create_case(
    user: User,
    *,
    unit: Organisation,
    category: str,
    threat_picture: str = "",
    restricted: bool = False,
    opened_on: date | None = None,
    responsible: list[User] | None = None,
) -> ProtectionCase:
    """Open a case in a unit the user belongs to; the user becomes responsible handler."""
    if unit.pk not in access.police_unit_ids(user):
        raise errors.NotAllowed(_("Bara enhetens medlemmar kan öppna ärenden i enheten."))
    opened = opened_on or timezone.localdate()
    with transaction.atomic():
        number, reference = next_reference(unit, opened.year)
        case = ProtectionCase(
            unit=unit,
            year=opened.year,
            number=number,
            reference=reference,
            category=category,
            threat_picture=threat_picture,
            restricted=restricted,
            opened_on=opened,
            created_by=user,
        )
        _stamp(case, user, "Ärendet öppnades.")
        case.save()
        for handler in {user, *(responsible or [])}:
            _grant(handler, case)
        journal.record(case, user, "case_opened", organisation=unit)
    return case


def _grant(user: User, case: ProtectionCase) -> None:
    assign_perm(access.VIEW_PERM, user, case)
    assign_perm(access.CHANGE_PERM, user, case)


def assign_handler(actor: User, case: ProtectionCase, handler: User) -> None:
    """The head (or a responsible handler) assigns a unit handler to the case."""
    case_access = guard.access_for_change(actor, case, need="edit")
    guard.require(case_access.may_manage)
    if case.unit_id not in access.police_unit_ids(handler):
        raise errors.Invalid(_("Handläggaren måste tillhöra ärendets enhet."), field="handler")
    with transaction.atomic():
        guard.ensure_open(case, lock=True)
        _grant(handler, case)
        journal.record(
            case, actor, "handler_assigned", organisation=case.unit, name=handler.full_name
        )


def unassign_handler(actor: User, case: ProtectionCase, handler: User) -> None:
    case_access = guard.access_for_change(actor, case, need="edit")
    guard.require(case_access.may_manage)
    with transaction.atomic():
        # Lock the case so that two heads removing the last two handlers cannot both succeed.
        guard.ensure_open(case, lock=True)
        current = responsible_handlers(case)
        if handler not in current:
            raise errors.Invalid(_("Handläggaren är inte ansvarig för ärendet."))
        if len(current) == 1:
            raise errors.Invalid(_("Ärendet måste ha minst en ansvarig handläggare."))
        remove_perm(access.VIEW_PERM, handler, case)
        remove_perm(access.CHANGE_PERM, handler, case)
        journal.record(
            case, actor, "handler_removed", organisation=case.unit, name=handler.full_name
        )


def responsible_handlers(case: ProtectionCase) -> list[User]:
    ids = ProtectionCaseUserObjectPermission.objects.filter(
        content_object=case, permission__codename="change_protectioncase"
    ).values("user_id")
    return list(User.objects.filter(pk__in=ids).order_by("full_name"))


def _unit_handlers(unit_ids: list[int]) -> QuerySet[User]:
    return (
        User.objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__organisation_id__in=unit_ids,
            memberships__role__in=(Membership.Role.HANDLER, Membership.Role.HEAD),
        )
        .distinct()
        .order_by("full_name")
    )


def unit_handlers(unit_ids: list[int]) -> list[User]:
    """Active handlers and heads of these police units: who may be made responsible."""
    return list(_unit_handlers(unit_ids))


def unit_handler_choices(
    unit_ids: list[int], leave_out: Iterable[User] = ()
) -> list[tuple[int, str]]:
    """``unit_handlers`` as (id, name) for a select, without the users in ``leave_out``: a
    big unit's 400 handlers as whole users were a fifth of a list page and read twice on
    every case page (issue 16)."""
    skip = {u.pk for u in leave_out}
    return [
        (pk, full_name or email)
        for pk, full_name, email in _unit_handlers(unit_ids).values_list("pk", "full_name", "email")
        if pk not in skip
    ]


# The case list's "Ansvarig" filter: the choices of its units, kept in the cache (Redis in
# production, shared by the web processes) under the token of the last change to any
# membership or user. A big unit's 400 handlers read and sorted on every list page were about
# 3 ms of its 20–30 (issue 16). The filter and the case page's "Tilldela" select read them
# from here; assigning a handler reads the database (unit_handler_choices) and
# assign_handler checks the membership again.
FILTER_CHOICES_KEY = "case-list:handlers:{units}"
FILTER_CHOICES_TOKEN = "case-list:handlers:token"
FILTER_CHOICES_SECONDS = 600  # a bound on staleness, should a change not reach the token


def filter_handler_choices(unit_ids: list[int]) -> list[tuple[int, str]]:
    """``unit_handler_choices(unit_ids)`` for the case list's filter, from the cache where
    it is current. The cache failing is no error: the choices are read from the database."""
    if not unit_ids:
        return []
    key = FILTER_CHOICES_KEY.format(units=",".join(map(str, sorted(set(unit_ids)))))
    try:
        found = cache.get_many([FILTER_CHOICES_TOKEN, key])
    except Exception:  # the cache is an optimisation only
        logger.warning("case list: the cache is unavailable; handlers read from the database")
        return unit_handler_choices(unit_ids)
    token = found.get(FILTER_CHOICES_TOKEN, "")
    cached = found.get(key)
    if cached is not None and cached[0] == token:
        return [(pk, name) for pk, name in cached[1]]
    # The token is read before the database: a change committed after this read sets a new
    # token, so what is stored now cannot outlive it.
    choices = unit_handler_choices(unit_ids)
    try:
        cache.set(key, (token, choices), timeout=FILTER_CHOICES_SECONDS)
    except Exception:
        logger.warning("case list: the cache is unavailable; handlers not kept")
    return choices


# What of a user the choices show or depend on; a save of other fields only (the login's
# last_login) leaves them as they are.
_CHOICE_FIELDS = frozenset({"full_name", "email", "is_active"})


def handlers_changed(
    sender: Any, update_fields: Any = None, created: bool = False, **kwargs: Any
) -> None:
    """A membership or user was saved or deleted: the filter's choices are read anew once
    the change is committed (not before: a reader in between would keep the old rows). A
    user just created has no membership yet (those are saved after, with their own signal),
    and a save of fields the choices do not show changes nothing."""
    if sender is User and (
        created or (update_fields is not None and not _CHOICE_FIELDS & set(update_fields))
    ):
        return

    def renew() -> None:
        try:
            cache.set(FILTER_CHOICES_TOKEN, uuid.uuid4().hex, timeout=None)
        except Exception:
            logger.warning("case list: the cache is unavailable; handler token not renewed")

    transaction.on_commit(renew, robust=True)


class Handler(NamedTuple):
    pk: int
    full_name: str


def case_page_handlers(
    case: ProtectionCase, unit_ids: list[int] | None
) -> tuple[list[Handler], list[tuple[int, str]]]:
    """``responsible_handlers(case)`` (their ids and names) in one hand-written statement
    and, with ``unit_ids``, the unit's other handlers the page may assign
    (``filter_handler_choices``, the case list's cached choices, without the responsible
    ones). As two ORM queries they cost about 3 ms of Python per page for well under 1 ms of
    SQL, and the unit's 400 handlers read on every case page another 2–3 ms (issue 16,
    profiled on the national data). Assigning reads the handlers from the database again
    (views.assign_handler), so a choice the cache still showed is refused there. Plain SQL
    that PostgreSQL and SQLite both read; tests/cases/test_case_page_handlers.py holds it to
    the two functions' answer."""
    grant = ProtectionCaseUserObjectPermission._meta
    user = User._meta.db_table
    permission = grant.get_field("permission").related_model._meta.db_table
    sql = (
        f"SELECT DISTINCT u.id, u.full_name FROM {grant.db_table} g "  # noqa: S608 - names and placeholders
        f"JOIN {user} u ON u.id = g.user_id JOIN {permission} p ON p.id = g.permission_id "
        f"WHERE g.content_object_id = %s AND p.codename = %s ORDER BY 2, 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [case.pk, access.CHANGE_PERM.split(".")[1]])
        responsible = [Handler(pk, name) for pk, name in cursor.fetchall()]
    if unit_ids is None:
        return responsible, []
    skip = {h.pk for h in responsible}
    candidates = [(pk, name) for pk, name in filter_handler_choices(unit_ids) if pk not in skip]
    return responsible, candidates
