"""Risk assessments: who sees and changes what, and the state changes themselves.

Views validate a form, call one function here and redirect; the demo seed and the tests call
the same functions. Every change takes the acting user and the reader's ``CaseAccess`` (from
``cases.access``, resolved first by the view), checks permission, writes, and journals in one
transaction. Access to the CASE is decided in ``cases.access`` only; this module decides which
of the case's assessments a reader who already has the case may see, from the CaseAccess
scopes and ``cases.access.received_scopes``:

- police readers see every police assessment (drafts included);
- social-services readers see their own organisation's assessments (drafts included) and
  FINAL police assessments as the disclosure allows: ``scope_risk_summary`` the summary
  judgements only, ``scope_risk_full`` everything including the factors;
- a social-services assessment reaches police only when social services disclose it back
  (an active TO_POLICE disclosure to the case's unit with a risk scope), and only when final.

Factor ratings are never summed into a decision: counts are shown as information only.
"""

from __future__ import annotations

from cases.services import ConflictError
from riskassessment.policy import (
    may_assess,
    may_change,
    may_reassess,
    owns,
    visibility,
    visible_assessments,
)
from riskassessment.services.changes import (
    discard_draft,
    finalise,
    missing_judgements,
    save_draft,
    start_assessment,
    start_reassessment,
)
from riskassessment.services.common import (
    FULL,
    OMITTED,
    SUMMARY,
    AssessmentError,
    AssessmentLocked,
    InvalidAssessment,
    MissingJudgements,
    NotAllowed,
    Visibility,
)
from riskassessment.services.comparison import (
    ComparedFactor,
    ComparedJudgement,
    Comparison,
    compare,
)
from riskassessment.services.inputs import (
    AssessmentInput,
    JudgementInput,
    input_from,
)
from riskassessment.services.instruments import (
    InstrumentStructure,
    active_instruments,
    copy_instrument_as_new_version,
    frames_of,
    instrument_in_use,
    load_structure,
)
from riskassessment.services.reading import (
    AssessmentRow,
    FactorLine,
    FactorTable,
    FinalSummary,
    JudgementView,
    RatingCounts,
    assessment_rows,
    factor_table,
    get_visible,
    judgement_view,
    latest_final_summaries,
    rating_display,
)
from riskassessment.services.risk import (
    RiskLevel,
    case_risk_levels,
    level_label,
    threat_actor_label,
)

__all__ = [
    "FULL",
    "OMITTED",
    "SUMMARY",
    "AssessmentError",
    "AssessmentInput",
    "AssessmentLocked",
    "AssessmentRow",
    "ComparedFactor",
    "ComparedJudgement",
    "Comparison",
    "ConflictError",
    "FactorLine",
    "FactorTable",
    "FinalSummary",
    "InstrumentStructure",
    "InvalidAssessment",
    "JudgementInput",
    "JudgementView",
    "MissingJudgements",
    "NotAllowed",
    "RatingCounts",
    "RiskLevel",
    "Visibility",
    "active_instruments",
    "assessment_rows",
    "case_risk_levels",
    "compare",
    "copy_instrument_as_new_version",
    "discard_draft",
    "factor_table",
    "finalise",
    "frames_of",
    "get_visible",
    "input_from",
    "instrument_in_use",
    "judgement_view",
    "latest_final_summaries",
    "level_label",
    "load_structure",
    "may_assess",
    "may_change",
    "may_reassess",
    "missing_judgements",
    "owns",
    "rating_display",
    "save_draft",
    "start_assessment",
    "start_reassessment",
    "threat_actor_label",
    "visibility",
    "visible_assessments",
]
