"""Matrix entries for the risk-assessment pages (riskassessment/urls.py).

world.case is disclosed to Köping with every risk scope, so ``social`` reads the police's
FINAL assessments in full, but never a police draft, and changes nothing of the police's.
A break-the-glass colleague reads, but may not assess.
"""

from __future__ import annotations

from typing import Any

from riskassessment import services
from riskassessment.models import Instrument
from tests.matrix import Route, World, case_key, everyone, restricted_key

READ = everyone(404, handler=200, colleague=302, colleague_bg=200, head=200, social=200)
POLICE_DRAFT = everyone(404, handler=200, colleague=302, colleague_bg=200, head=200)
ASSESS = everyone(404, handler=200, colleague=302, head=200, social=200)
EDIT_POLICE = everyone(404, handler=200, colleague=302, head=200)
POST_POLICE = everyone(404, handler=302, colleague=302, head=302)


def build(world: World) -> None:
    from cases import access

    handler = world.users["handler"]
    case_access = access.get_case_for_user(handler, world.case.key, log=False)
    sara = Instrument.objects.get(code="SARA_SV", version="1")
    final, _ = services.start_assessment(handler, case_access.case, instrument=sara)
    structure = services.load_structure(sara)
    data = services.AssessmentInput(
        judgements={d.pk: services.JudgementInput(level="high") for d in structure.definitions}
    )
    final = services.save_draft(handler, final, data=data, expected_version=None)
    world.objects["ra_final"] = services.finalise(handler, final, expected_version=None)
    check10 = Instrument.objects.get(code="CHECK10", version="1")
    world.objects["ra_draft"], _ = services.start_assessment(
        handler, case_access.case, instrument=check10
    )


def final_kwargs(world: World) -> dict[str, Any]:
    return {"key": world.case.key, "pk": world.objects["ra_final"].pk}


def draft_kwargs(world: World) -> dict[str, Any]:
    return {"key": world.case.key, "pk": world.objects["ra_draft"].pk}


ROUTES = [
    Route("riskassessment:list", case_key, READ),
    Route("riskassessment:start", case_key, ASSESS),
    Route("riskassessment:compare", case_key, READ),
    Route("riskassessment:detail", final_kwargs, READ),
    Route("riskassessment:edit", draft_kwargs, EDIT_POLICE),
    Route("riskassessment:finalise", draft_kwargs, EDIT_POLICE),
    Route("riskassessment:reassess", final_kwargs, POST_POLICE, post_only=True),
    Route("riskassessment:discard", draft_kwargs, POST_POLICE, post_only=True),
]

EXTRA = [
    Route("riskassessment:detail", draft_kwargs, POLICE_DRAFT),
    Route("riskassessment:list", restricted_key, everyone(404, handler=200, head=200)),
]
