"""Risk assessment instruments shipped with Skydd, as plain data.

Loaded by a data migration into the ``riskassessment`` models; this module has no Django
imports and does nothing at import time (call :func:`validate` from the migration or a test).

All instruments are structured professional judgement (SPJ): the assessor rates each factor
and then makes the summary judgements. Factor ratings are never summed into the decision.

Only short public factor labels are included. The manuals (SARA:SV, SAM, PATRIARK,
Check-10+) are copyrighted, so no manual text or coding guidance is shipped here; each
organisation adds its own guidance text per factor through the admin.

Translations (our Swedish rendering, marked ``"translated": True`` per factor; an admin can
correct them):

* SARA:SV factors 1-10 (11-15 use the Swedish wording shared with Check-10+).
* SAM: all 30 factors. V4-V10 have not been verified against the manual and are marked
  ``"verified": False`` so that the admin knows to check them.
* PATRIARK: all 15 factors (translated from a Norwegian rendering).
* Check-10+ factor labels are the original Swedish ones (not translated).
* Part (domain) labels and summary-judgement labels are our own short Swedish wording.

Keys:

* ``time_frames``: ``["current", "earlier"]`` (nuvarande/tidigare, each factor rated twice)
  or ``["single"]``.
* :data:`SCALES`: the rating scales (loaded as ``RatingScale`` rows; an administrator adds
  more in the admin). A factor's ``scale`` is the code of a factor scale; optional ``ticks``
  are extra check boxes.
* summary judgement ``kind``: ``"level"`` (on the judgement scale ``scale``, by default
  :data:`DEFAULT_LEVEL_SCALE`, låg/medel/hög), ``"text"``
  or ``"yes_no_text"`` (ja/nej plus text); ``required`` means it must be filled in before the
  assessment can be finalised; ``police_only`` (optional) marks intelligence material that
  social services never see.
"""

SCALES: list[dict] = [
    {
        "code": "ndj",
        "name": "Nej / Delvis / Ja / Uppgift saknas",
        "use": "factor",
        "steps": [
            {"code": "N", "label": "Nej"},
            {"code": "D", "label": "Delvis"},
            {"code": "J", "label": "Ja"},
            {"code": "-", "label": "Uppgift saknas", "omitted": True},
        ],
    },
    {
        "code": "yes_no",
        "name": "Ja / Nej / Uppgift saknas",
        "use": "factor",
        "steps": [
            {"code": "J", "label": "Ja"},
            {"code": "N", "label": "Nej"},
            {"code": "-", "label": "Uppgift saknas", "omitted": True},
        ],
    },
    {
        "code": "levels",
        "name": "Låg / medel / hög",
        "use": "judgement",
        "steps": [
            {"code": "low", "label": "Låg"},
            {"code": "medium", "label": "Medel"},
            {"code": "high", "label": "Hög"},
        ],
    },
]

# Factor scales and the levels of summary judgements, by code (views of SCALES above).
RATING_SCALES: dict[str, list[dict]] = {
    scale["code"]: scale["steps"] for scale in SCALES if scale["use"] == "factor"
}
JUDGEMENT_SCALES: dict[str, list[dict]] = {
    scale["code"]: scale["steps"] for scale in SCALES if scale["use"] == "judgement"
}
DEFAULT_LEVEL_SCALE = "levels"
LEVELS: list[tuple[str, str]] = [
    (step["code"], step["label"]) for step in JUDGEMENT_SCALES[DEFAULT_LEVEL_SCALE]
]

TIME_FRAMES: tuple[str, ...] = ("current", "earlier", "single")
SUMMARY_KINDS: tuple[str, ...] = ("level", "text", "yes_no_text")

INSTRUMENTS: list[dict] = [
    {
        "code": "SARA_SV",
        "per_threat_actor": True,  # one assessment per threat actor (issue 11)
        "name": "SARA:SV",
        "version": "1",
        "description": "Bedömning av risk för partnervåld (Socialstyrelsens metodstöd, B-SAFER).",
        "time_frames": ["current", "earlier"],
        "parts": [
            {
                "code": "A",
                "label": "Partnervåld",
                "factors": [
                    {
                        "code": "1",
                        "label": "Allvarligt fysiskt/sexuellt våld",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "2",
                        "label": "Allvarliga hot, våldstankar eller avsikter",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "3",
                        "label": "Upptrappning av våld eller hot",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "4",
                        "label": "Överträdelse av kontaktförbud eller villkor",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "5",
                        "label": "Negativ attityd till partnervåld",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                ],
            },
            {
                "code": "B",
                "label": "Psykosocial anpassning",
                "factors": [
                    {
                        "code": "6",
                        "label": "Annan allvarlig brottslighet",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "7",
                        "label": "Problem i parrelationen",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "8",
                        "label": "Problem med anställning/ekonomi",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "9",
                        "label": "Missbruk",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "10",
                        "label": "Psykisk störning",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                ],
            },
            {
                "code": "C",
                "label": "Offrets sårbarhet",
                "factors": [
                    {
                        "code": "11",
                        "label": "Inkonsekvent beteende eller attityd gentemot gärningsmannen",
                        "scale": "ndj",
                        "translated": False,
                        "verified": True,
                    },
                    {
                        "code": "12",
                        "label": "Extrem rädsla",
                        "scale": "ndj",
                        "translated": False,
                        "verified": True,
                    },
                    {
                        "code": "13",
                        "label": "Dålig tillgång till social och professionell hjälp",
                        "scale": "ndj",
                        "translated": False,
                        "verified": True,
                    },
                    {
                        "code": "14",
                        "label": "Farlig livssituation",
                        "scale": "ndj",
                        "translated": False,
                        "verified": True,
                    },
                    {
                        "code": "15",
                        "label": "Personliga problem",
                        "scale": "ndj",
                        "translated": False,
                        "verified": True,
                    },
                ],
            },
        ],
        "summary_judgements": [
            {
                "code": "current_risk",
                "label": "Aktuell risk (kommande veckor)",
                "kind": "level",
                "required": True,
            },
            {
                "code": "future_partner_violence",
                "label": "Risk för framtida partnervåld",
                "kind": "level",
                "required": True,
            },
            {
                "code": "severe_violence",
                "label": "Risk för allvarligt/dödligt våld",
                "kind": "level",
                "required": True,
            },
        ],
    },
    {
        "code": "SAM",
        "per_threat_actor": True,  # one assessment per threat actor (issue 11)
        "name": "SAM",
        "version": "1",
        "description": "Bedömning av risk vid förföljelse/stalkning (Kropp, Hart & Lyon 2008).",
        "time_frames": ["current", "earlier"],
        "parts": [
            {
                "code": "N",
                "label": "Förföljelsens karaktär",
                "factors": [
                    {
                        "code": "N1",
                        "label": "Kommunicerar om / samlar information om offret",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "N2",
                        "label": "Kommunicerar med offret",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "N3",
                        "label": "Närmar sig offret",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "N4",
                        "label": "Direktkontakt med offret",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "N5",
                        "label": "Skrämmer offret",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "N6",
                        "label": "Hotar offret",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "N7",
                        "label": "Våldsam mot offret",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "N8",
                        "label": "Förföljelsen är ihållande",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "N9",
                        "label": "Förföljelsen trappas upp",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "N10",
                        "label": "Förföljelsen innebär överträdelse av villkor/kontaktförbud",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                ],
            },
            {
                "code": "P",
                "label": "Förövaren",
                "factors": [
                    {
                        "code": "P1",
                        "label": "Arg",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "P2",
                        "label": "Besatt",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "P3",
                        "label": "Irrationell",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "P4",
                        "label": "Ångerlös / förnekar",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "P5",
                        "label": "Antisocial livsstil",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "P6",
                        "label": "Problem i nära relationer",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "P7",
                        "label": "Problem i andra relationer",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "P8",
                        "label": "Nedstämd/pressad",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "P9",
                        "label": "Missbruk",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "P10",
                        "label": "Problem med anställning/ekonomi",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                ],
            },
            {
                "code": "V",
                "label": "Offrets sårbarhet",
                "factors": [
                    {
                        "code": "V1",
                        "label": "Inkonsekvent beteende gentemot förövaren",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "V2",
                        "label": "Inkonsekvent attityd gentemot förövaren",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "V3",
                        "label": "Dålig tillgång till resurser",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "V4",
                        "label": "Osäker livssituation",
                        "scale": "ndj",
                        "translated": True,
                        "verified": False,
                    },
                    {
                        "code": "V5",
                        "label": "Problem att ta hand om beroende personer",
                        "scale": "ndj",
                        "translated": True,
                        "verified": False,
                    },
                    {
                        "code": "V6",
                        "label": "Problem i nära relationer",
                        "scale": "ndj",
                        "translated": True,
                        "verified": False,
                    },
                    {
                        "code": "V7",
                        "label": "Problem i andra relationer",
                        "scale": "ndj",
                        "translated": True,
                        "verified": False,
                    },
                    {
                        "code": "V8",
                        "label": "Nedstämd/pressad",
                        "scale": "ndj",
                        "translated": True,
                        "verified": False,
                    },
                    {
                        "code": "V9",
                        "label": "Missbruk",
                        "scale": "ndj",
                        "translated": True,
                        "verified": False,
                    },
                    {
                        "code": "V10",
                        "label": "Problem med anställning/ekonomi",
                        "scale": "ndj",
                        "translated": True,
                        "verified": False,
                    },
                ],
            },
        ],
        "summary_judgements": [
            {
                "code": "case_priority",
                "label": "Prioritering av ärendet",
                "kind": "level",
                "required": True,
            },
            {
                "code": "continued_stalking",
                "label": "Risk för fortsatt förföljelse",
                "kind": "level",
                "required": True,
            },
            {"code": "violence", "label": "Risk för våld", "kind": "level", "required": True},
        ],
    },
    {
        "code": "PATRIARK",
        "per_threat_actor": True,  # one assessment per threat actor (issue 11)
        "name": "PATRIARK",
        "version": "1",
        "description": "Bedömning av risk för hedersrelaterat våld (Kropp, Belfrage & Hart 2013).",
        "time_frames": ["current", "earlier"],
        "parts": [
            {
                "code": "T",
                "label": "Våldsmönster",
                "factors": [
                    {
                        "code": "T1",
                        "label": "Attityder som stödjer hedersrelaterat våld",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "T2",
                        "label": "Hot eller planer på våld",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "T3",
                        "label": "Fysiskt våld eller försök",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "T4",
                        "label": "Upptrappning",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "T5",
                        "label": "Våldets varaktighet och intensitet",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                ],
            },
            {
                "code": "P",
                "label": "Förövaren",
                "factors": [
                    {
                        "code": "P1",
                        "label": "Problem med kulturell integration",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "P2",
                        "label": "Upplevd allvarlig normöverträdelse",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "P3",
                        "label": "Familjeproblem",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "P4",
                        "label": "Psykisk ohälsa och missbruk",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "P5",
                        "label": "Antisociala attityder",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                ],
            },
            {
                "code": "S",
                "label": "Offrets sårbarhet",
                "factors": [
                    {
                        "code": "S1",
                        "label": "Inkonsekventa attityder eller beteenden",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "S2",
                        "label": "Extrem rädsla",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "S3",
                        "label": "Dålig tillgång till social eller professionell hjälp",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "S4",
                        "label": "Farlig livssituation",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                    {
                        "code": "S5",
                        "label": "Psykisk ohälsa eller missbruk",
                        "scale": "ndj",
                        "translated": True,
                        "verified": True,
                    },
                ],
            },
        ],
        "summary_judgements": [
            {
                "code": "severe_violence",
                "label": "Risk för allvarligt våld",
                "kind": "level",
                "required": True,
            },
            {
                "code": "acute_honour_violence",
                "label": "Akut risk för hedersrelaterat våld",
                "kind": "level",
                "required": True,
            },
            {"code": "likely_victims", "label": "Troliga offer", "kind": "text", "required": False},
            {"code": "other_risks", "label": "Andra risker", "kind": "text", "required": False},
        ],
    },
    {
        "code": "CHECK10",
        "name": "Check-10+",
        "version": "1",
        "description": "Polisens checklista för bedömning av hot och risk (Belfrage 2008).",
        "time_frames": ["single"],
        "parts": [
            {
                "code": "A",
                "label": "Allmänt",
                "factors": [
                    {
                        "code": "1",
                        "label": "Våld",
                        "scale": "ndj",
                        "translated": False,
                        "verified": True,
                    },
                    {
                        "code": "2",
                        "label": "Hot/Avsikt",
                        "scale": "ndj",
                        "translated": False,
                        "verified": True,
                    },
                    {
                        "code": "3",
                        "label": "Kriminell belastning",
                        "scale": "ndj",
                        "translated": False,
                        "verified": True,
                    },
                    {
                        "code": "4",
                        "label": "Tillgång till vapen",
                        "scale": "ndj",
                        "translated": False,
                        "verified": True,
                    },
                    {
                        "code": "5",
                        "label": "Upptrappning",
                        "scale": "ndj",
                        "translated": False,
                        "verified": True,
                    },
                ],
            },
            {
                "code": "B",
                "label": "Personlighetsrelaterat",
                "factors": [
                    {
                        "code": "6",
                        "label": "Missbruk",
                        "scale": "ndj",
                        "translated": False,
                        "verified": True,
                    },
                    {
                        "code": "7",
                        "label": "Psykiska problem",
                        "scale": "ndj",
                        "translated": False,
                        "verified": True,
                    },
                    {
                        "code": "8",
                        "label": "Kriminell attityd/antisocialt umgänge",
                        "scale": "ndj",
                        "translated": False,
                        "verified": True,
                    },
                    {
                        "code": "9",
                        "label": "Dålig impulskontroll",
                        "scale": "ndj",
                        "translated": False,
                        "verified": True,
                        "ticks": ["aggressiv", "depressiv"],
                    },
                    {
                        "code": "10",
                        "label": "Bristande empati/skuld/ånger",
                        "scale": "ndj",
                        "translated": False,
                        "verified": True,
                    },
                ],
            },
            {
                "code": "C",
                "label": "Offrets sårbarhet",
                "factors": [
                    {
                        "code": "11",
                        "label": "Inkonsekvent beteende eller attityd gentemot gärningsmannen",
                        "scale": "ndj",
                        "translated": False,
                        "verified": True,
                    },
                    {
                        "code": "12",
                        "label": "Extrem rädsla",
                        "scale": "ndj",
                        "translated": False,
                        "verified": True,
                    },
                    {
                        "code": "13",
                        "label": "Dålig tillgång till social och professionell hjälp",
                        "scale": "ndj",
                        "translated": False,
                        "verified": True,
                    },
                    {
                        "code": "14",
                        "label": "Farlig livssituation",
                        "scale": "ndj",
                        "translated": False,
                        "verified": True,
                    },
                    {
                        "code": "15",
                        "label": "Personliga problem",
                        "scale": "ndj",
                        "translated": False,
                        "verified": True,
                    },
                ],
            },
        ],
        "summary_judgements": [
            {"code": "risk", "label": "Risk?", "kind": "level", "required": True},
            {"code": "risk_of_what", "label": "Risk för vad?", "kind": "text", "required": False},
            {
                "code": "protection_needed",
                "label": "Behov av skydd?",
                "kind": "yes_no_text",
                "required": True,
            },
            {"code": "action", "label": "Åtgärd", "kind": "text", "required": False},
        ],
    },
    {
        "code": "HOTBILD",
        "name": "Hotbildsanalys (underrättelse)",
        "version": "1",
        "description": "Underrättelsebaserad hotbildsanalys: fritext och samlad bedömning.",
        "time_frames": ["single"],
        "parts": [],
        "summary_judgements": [
            {
                "code": "threat_level",
                "label": "Samlad bedömning av hotbilden",
                "kind": "level",
                "required": True,
            },
            {
                "code": "analysis",
                "label": "Hotbildsanalys",
                "kind": "text",
                "required": True,
                # Intelligence material: never shown to social services (domain brief §7).
                "police_only": True,
            },
        ],
    },
]


def _check(condition: bool, message: str) -> None:
    # Explicit raise rather than ``assert`` so the checks also run under ``python -O``.
    if not condition:
        raise ValueError(f"instrument_data: {message}")


def _unique(codes: list[str], what: str) -> None:
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    _check(not duplicates, f"duplicate {what} code(s): {duplicates}")


def validate() -> None:
    """Check the internal consistency of the data above; raise ValueError on a problem."""
    _unique([scale["code"] for scale in SCALES], "scale")
    for scale in SCALES:
        scale_code, options = scale["code"], scale["steps"]
        _check(scale["use"] in ("factor", "judgement"), f"scale {scale_code}: unknown use")
        _check(bool(scale["name"]), f"scale {scale_code} has no name")
        _check(bool(options), f"scale {scale_code} has no options")
        _unique([o["code"] for o in options], f"scale {scale_code} option")
        _check(
            sum(1 for o in options if o.get("omitted")) <= 1,
            f"scale {scale_code}: more than one 'uppgift saknas' step",
        )
        for option in options:
            _check(bool(option["label"]), f"scale {scale_code}: option without label")
            _check(0 < len(option["code"]) <= 10, f"scale {scale_code}: code length")

    _unique([i["code"] for i in INSTRUMENTS], "instrument")
    for instrument in INSTRUMENTS:
        ic = instrument["code"]
        for key in ("name", "version", "description"):
            _check(bool(instrument.get(key)), f"{ic}: missing {key}")
        frames = instrument["time_frames"]
        _check(bool(frames), f"{ic}: no time frames")
        _unique(frames, f"{ic} time frame")
        _check(all(f in TIME_FRAMES for f in frames), f"{ic}: unknown time frame in {frames}")
        _check(
            frames == ["single"] or "single" not in frames,
            f"{ic}: 'single' cannot be combined with other time frames",
        )

        parts = instrument["parts"]
        _unique([p["code"] for p in parts], f"{ic} part")
        factor_codes: list[str] = []
        for part in parts:
            _check(bool(part["label"]), f"{ic}/{part['code']}: part without label")
            _check(bool(part["factors"]), f"{ic}/{part['code']}: part without factors")
            for factor in part["factors"]:
                fc = f"{ic}/{factor['code']}"
                factor_codes.append(factor["code"])
                _check(bool(factor["label"]), f"{fc}: factor without label")
                _check(factor["scale"] in RATING_SCALES, f"{fc}: unknown scale {factor['scale']}")
                _check(isinstance(factor["translated"], bool), f"{fc}: translated not bool")
                _check(isinstance(factor["verified"], bool), f"{fc}: verified not bool")
                ticks = factor.get("ticks", [])
                _check(all(isinstance(t, str) and t for t in ticks), f"{fc}: bad ticks")
                _unique(ticks, f"{fc} tick")
        _unique(factor_codes, f"{ic} factor")

        judgements = instrument["summary_judgements"]
        _check(bool(judgements), f"{ic}: no summary judgements")
        _unique([j["code"] for j in judgements], f"{ic} summary judgement")
        for judgement in judgements:
            jc = f"{ic}/{judgement['code']}"
            _check(bool(judgement["label"]), f"{jc}: summary judgement without label")
            _check(judgement["kind"] in SUMMARY_KINDS, f"{jc}: unknown kind {judgement['kind']}")
            if judgement["kind"] == "level":
                scale = judgement.get("scale", DEFAULT_LEVEL_SCALE)
                _check(scale in JUDGEMENT_SCALES, f"{jc}: unknown judgement scale {scale}")
            _check(isinstance(judgement["required"], bool), f"{jc}: required not bool")
            police_only = judgement.get("police_only", False)
            _check(isinstance(police_only, bool), f"{jc}: police_only not bool")
        _check(
            any(j["kind"] == "level" and j["required"] for j in judgements),
            f"{ic}: needs at least one required low/medium/high judgement",
        )
