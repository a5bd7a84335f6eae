"""Only ``cases.access`` makes a ``CaseAccess``; the sharing rules are one policy module
(``cases.sharing.policy``) asked by the views, the panel and the services."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from cases import access, errors
from cases.models import Disclosure
from cases.sharing import panels, policy
from cases.sharing import services as sharing
from tests.factories import make_case, make_disclosure

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "alarms", "cases", "notifications", "riskassessment", "skydd", "stats")


def test_a_case_access_cannot_be_made_outside_cases_access(handler, unit_a) -> None:
    case = make_case(handler)
    with pytest.raises(TypeError, match=r"made by cases\.access only"):
        access.CaseAccess(case, handler, "assigned", unit_a, access.POLICE_SCOPES, may_edit=True)
    with pytest.raises(TypeError):
        access.CaseAccess(
            case, handler, "head", unit_a, access.POLICE_SCOPES, may_edit=True, token=object()
        )
    granted = access.get_case_for_user(handler, case.key, log=False)
    assert granted.via == "assigned" and granted.may_edit


def _makers_outside_access() -> list[str]:
    """Calls of ``CaseAccess(...)``, uses of its token or ``replace(<an access>, ...)`` (a
    copy with other rights) anywhere but cases/access.py."""
    found = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts or path == ROOT / "cases" / "access.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("CaseAccess"):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
                if isinstance(node, ast.Name | ast.Attribute) and "_MADE_HERE" in ast.unparse(node):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: token")
                if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("replace"):
                    args = [ast.unparse(a) for a in node.args]
                    if any("access" in a for a in args):
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno}: replace")
    return found


def test_no_code_outside_cases_access_makes_or_copies_one() -> None:
    assert _makers_outside_access() == []


# --- the sharing policy ----------------------------------------------------------------------


def test_sharing_policy_for_each_reader(handler, head, colleague, social, social_head, koping):
    case = make_case(handler)
    disclosure = make_disclosure(case, koping, handlers=[social])
    access.break_the_glass(colleague, case, reason="Akut – skyddspersonen ringde jourtid")
    readers = {
        name: access.get_case_for_user(user, case.key, log=False)
        for name, user in {
            "handler": handler,
            "head": head,
            "colleague": colleague,
            "social": social,
            "social_head": social_head,
        }.items()
    }
    answers = {
        name: (
            policy.may_disclose(ca),
            policy.may_withdraw(ca),
            policy.sees_every_disclosure(ca),
            policy.may_assign_handlers(ca, ca.user, disclosure),
            policy.may_read_access_log(ca),
        )
        for name, ca in readers.items()
    }
    assert answers == {
        "handler": (True, True, True, False, True),
        "head": (True, True, True, False, True),
        "colleague": (False, False, True, False, False),
        "social": (False, False, False, False, False),
        "social_head": (False, False, False, True, False),
    }


def test_closed_case_may_not_be_disclosed_but_withdrawn(handler, koping) -> None:
    case = make_case(handler)
    make_disclosure(case, koping)
    case.status = case.Status.CLOSED
    case.save(update_fields=["status"])
    case_access = access.get_case_for_user(handler, case.key, log=False, need="edit")
    assert not policy.may_disclose(case_access) and policy.may_withdraw(case_access)
    panel = panels.case_panel(case_access)
    assert (panel["may_disclose"], panel["may_edit"], panel["may_manage"]) == (False, True, True)


def test_services_ask_the_same_policy(handler, colleague, social, social_head, koping) -> None:
    case = make_case(handler)
    disclosure = make_disclosure(case, koping, handlers=[social])
    access.break_the_glass(colleague, case, reason="Akut – skyddspersonen ringde jourtid")
    before = Disclosure.objects.count()
    with pytest.raises(errors.NotAllowed):
        sharing.create_disclosure(
            colleague,
            case,
            recipient=koping,
            legal_basis=Disclosure.LegalBasis.CONSENT,
            scopes=["scope_measures"],
            valid_from=disclosure.valid_from,
        )
    with pytest.raises(errors.NotAllowed):
        sharing.withdraw_disclosure(social_head, disclosure, "Fel mottagare")
    with pytest.raises(errors.NotAllowed):
        sharing.set_disclosure_handlers(social, disclosure, [social])
    assert Disclosure.objects.count() == before
    disclosure.refresh_from_db()
    assert disclosure.withdrawn_at is None
    assert list(disclosure.handlers.all()) == [social]
    sharing.set_disclosure_handlers(social_head, disclosure, [])
    assert list(disclosure.handlers.all()) == []
