"""The case journal as a record of structured events.

A service records WHAT happened – an event code and its parameters (codes, dates, counts,
names of catalogue entries and organisations), with the actor, the actor's organisation and
the visibility – never a sentence in the actor's interface language. The sentence is made
when the entry is READ, in the reader's language (``render``), so that a handler using
English and a colleague using Swedish both read the same permanent record in their own.

Each event is an ``Event``: a Swedish message id (translated through the catalogue when
read) and, for parameters that are choice codes, how to show the code. The events of
``cases`` (case, persons, case work, sharing, plan) are here; the apps built on ``cases``
register theirs from ``AppConfig.ready()`` through ``cases.extensions.journal_events``.

The stored ``text`` is the Swedish rendering at the time of writing: entries written before
events existed (and a handler's own notes) have only that, and are shown as written; an
entry whose event is no longer known falls back to it as well.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import TextChoices
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Organisation, User
from cases import extensions
from cases.models import (
    CaseClosure,
    ContactBan,
    Disclosure,
    FollowUp,
    JournalEntry,
    Participant,
    Party,
    Person,
    ProtectionCase,
    ProtectiveMeasure,
)
from cases.models.disclosure import SCOPE_FIELDS

Label = Callable[[Any], str]


@dataclass(frozen=True)
class Event:
    """``template``: the Swedish message id with ``%(name)s`` placeholders; ``labels``: how
    a parameter's stored value is shown to the reader (e.g. a choice code as its label)."""

    template: str
    labels: Mapping[str, Label] = field(default_factory=dict)

    def render(self, params: Mapping[str, Any]) -> str:
        values = {
            name: self.labels[name](value) if name in self.labels else value
            for name, value in params.items()
            if name != "then"
        }
        text = _(self.template) % values
        # Optional sentences that follow (e.g. "Planerade åtgärder: …"), each an event.
        for code, sub in params.get("then", []):
            text += " " + render_event(code, sub)
        return text


def choice(choices: type[TextChoices], *, lower: bool = False) -> Label:
    def label(value: Any) -> str:
        try:
            text = str(choices(value).label)
        except ValueError:
            text = str(value)
        return text.lower() if lower else text

    return label


def scope_list(codes: Any) -> str:
    return ", ".join(str(SCOPE_FIELDS[c]).lower() for c in SCOPE_FIELDS if c in set(codes))


def field_labels(labels: Any) -> str:
    return ", ".join(_(label) for label in labels)


def changes(value: Any) -> str:
    """``{"protected": [labels], "other": [labels]}`` as "Ändrade skyddade uppgifter: adress;
    ändrade: kategori" – the field labels only, never the values."""
    parts = []
    if value.get("protected"):
        fields = field_labels(value["protected"])
        parts.append(_("Ändrade skyddade uppgifter: %(fields)s") % {"fields": fields})
    if value.get("other"):
        template = _("ändrade: %(fields)s") if parts else _("Ändrade: %(fields)s")
        parts.append(template % {"fields": field_labels(value["other"])})
    return "; ".join(parts) or _("Sparade utan ändringar")


def until_label(value: Any) -> str:
    return str(value) if value else _("tills vidare")


PARTY = choice(Party)
PARTY_LOWER = choice(Party, lower=True)
MEASURE_STATUS = choice(ProtectiveMeasure.Status)
ROLE_LOWER = choice(Participant.Role, lower=True)
PROTECTION_LOWER = choice(Person.Protection, lower=True)

EVENTS: dict[str, Event] = {
    # --- the case, its persons and handlers
    "case_opened": Event(gettext_noop("Ärendet öppnades.")),
    "handlers_named": Event(gettext_noop("Ansvariga handläggare: %(names)s.")),
    "handler_assigned": Event(gettext_noop("Handläggare tilldelad: %(name)s.")),
    "handler_removed": Event(gettext_noop("Handläggare borttagen: %(name)s.")),
    "case_saved": Event(
        gettext_noop("Ärendeuppgifter sparade. %(changes)s."), {"changes": changes}
    ),
    "person_saved": Event(
        gettext_noop("Personuppgifter sparade. %(changes)s."), {"changes": changes}
    ),
    "participant_added": Event(gettext_noop("Deltagare tillagd (%(role)s)."), {"role": ROLE_LOWER}),
    "participant_removed": Event(
        gettext_noop("Deltagare borttagen (%(role)s)."), {"role": ROLE_LOWER}
    ),
    "person_already_registered": Event(
        gettext_noop(
            "Personnumret för en deltagare (%(role)s) var redan registrerat: den befintliga "
            "personposten används."
        ),
        {"role": ROLE_LOWER},
    ),
    "person_match_elsewhere": Event(
        gettext_noop(
            "Deltagaren (%(role)s) finns också i ett ärende som registreraren inte har "
            "åtkomst till."
        ),
        {"role": ROLE_LOWER},
    ),
    "protection_raised": Event(
        gettext_noop("Skyddsnivån för en deltagare (%(role)s) höjdes till %(level)s."),
        {"role": ROLE_LOWER, "level": PROTECTION_LOWER},
    ),
    "protection_proposal_changed": Event(
        gettext_noop(
            "Föreslagen skyddsnivå för ny deltagare (%(role)s) var %(proposed)s; "
            "handläggaren valde %(chosen)s."
        ),
        {"role": ROLE_LOWER, "proposed": PROTECTION_LOWER, "chosen": PROTECTION_LOWER},
    ),
    "dwelling_added": Event(gettext_noop("Hemligt boende registrerat.")),
    "dwelling_removed": Event(gettext_noop("Hemligt boende borttaget.")),
    # --- case work
    "measure_added": Event(
        gettext_noop("Skyddsåtgärd tillagd: %(kind)s (%(party)s, %(status)s)."),
        {"party": PARTY, "status": MEASURE_STATUS},
    ),
    "measure_changed": Event(
        gettext_noop("Skyddsåtgärd ändrad: %(kind)s (%(party)s, %(status)s)."),
        {"party": PARTY, "status": MEASURE_STATUS},
    ),
    "measure_status": Event(
        gettext_noop("Skyddsåtgärd %(kind)s: %(status)s."),
        {"status": choice(ProtectiveMeasure.Status, lower=True)},
    ),
    "ban_added": Event(
        gettext_noop("Kontaktförbud registrerat: %(type)s (%(status)s)."),
        {"type": choice(ContactBan.BanType), "status": choice(ContactBan.Status)},
    ),
    "ban_changed": Event(
        gettext_noop("Kontaktförbud ändrat: %(type)s (%(status)s)."),
        {"type": choice(ContactBan.BanType), "status": choice(ContactBan.Status)},
    ),
    "breach_added": Event(gettext_noop("Överträdelse av kontaktförbud registrerad (%(date)s).")),
    "follow_up_planned": Event(
        gettext_noop("Uppföljning planerad: %(kind)s senast %(date)s."),
        {"kind": choice(FollowUp.Kind)},
    ),
    "follow_up_changed": Event(
        gettext_noop("Uppföljning ändrad: %(kind)s senast %(date)s."),
        {"kind": choice(FollowUp.Kind)},
    ),
    "follow_up_done": Event(
        gettext_noop("Uppföljning utförd %(date)s: %(kind)s."), {"kind": choice(FollowUp.Kind)}
    ),
    "support_informed": Event(
        gettext_noop("Information om stöd registrerad (%(count)s verksamheter, %(role)s)."),
        {"role": ROLE_LOWER},
    ),
    "support_referred": Event(
        gettext_noop("Hänvisning till stöd registrerad (%(count)s verksamheter, %(role)s)."),
        {"role": ROLE_LOWER},
    ),
    "case_closed": Event(
        gettext_noop("Ärendet avslutades: %(reason)s."), {"reason": choice(CaseClosure.Reason)}
    ),
    "measures_ended_on_close": Event(
        gettext_noop("%(count)s planerade eller pågående åtgärder avslutades med ärendet.")
    ),
    "disclosure_ended_on_close": Event(
        gettext_noop("Utlämnandet till %(recipient)s upphörde när ärendet avslutades.")
    ),
    "closing_note_added": Event(gettext_noop("Anteckning efter avslutet tillagd.")),
    "case_reopened": Event(gettext_noop("Ärendet återöppnades av enhetschefen.")),
    "legal_hold_set": Event(gettext_noop("Bevarandebeslut: ärendet gallras inte.")),
    "legal_hold_removed": Event(
        gettext_noop("Bevarandebeslutet hävdes: ärendet gallras enligt gallringsfristen.")
    ),
    # --- sharing
    "disclosed": Event(
        gettext_noop(
            "Utlämnande till %(recipient)s (%(basis)s), gäller %(valid_from)s – %(until)s. "
            "Omfattning: %(scopes)s."
        ),
        {
            "basis": choice(Disclosure.LegalBasis),
            "until": until_label,
            "scopes": scope_list,
        },
    ),
    "disclosure_withdrawn": Event(gettext_noop("Utlämnandet till %(recipient)s återkallades.")),
    "disclosure_handlers": Event(
        gettext_noop(
            "%(recipient)s ändrade vilka handläggare som har tillgång till utlämnandet "
            "(%(count)s st)."
        )
    ),
    # --- the joint protection plan
    "plan_started": Event(gettext_noop("Skyddsplan version %(number)s påbörjad.")),
    "plan_superseded": Event(gettext_noop("Version %(number)s är ersatt.")),
    "plan_changed": Event(
        gettext_noop("Skyddsplan version %(number)s ändrad (avsnitt %(sections)s).")
    ),
    "plan_confirmations_cleared": Event(gettext_noop("Tidigare bekräftelser nollställdes.")),
    "plan_confirmed": Event(
        gettext_noop("Skyddsplan version %(number)s bekräftad av %(party)s."),
        {"party": PARTY_LOWER},
    ),
    "plan_agreed": Event(gettext_noop("Skyddsplan version %(number)s är överenskommen.")),
}


def event(code: str) -> Event | None:
    if code in EVENTS:
        return EVENTS[code]
    for events in extensions.journal_events:
        if code in events:
            return events[code]
    return None


def render_event(code: str, params: Mapping[str, Any]) -> str:
    known = event(code)
    if known is None:
        raise KeyError(code)
    return known.render(params)


def render(entry: JournalEntry) -> str:
    """The entry in the current (reader's) language."""
    if entry.event:
        try:
            return render_event(entry.event, entry.params or {})
        except (KeyError, TypeError, ValueError):
            pass  # an event no longer known, or its parameters changed: the stored text
    return entry.text


def record(
    case: ProtectionCase,
    actor: User | None,
    code: str,
    *,
    visibility: str = JournalEntry.Visibility.POLICE_INTERNAL,
    organisation: Organisation | None = None,
    occurred_on: date | None = None,
    **params: Any,
) -> JournalEntry:
    """Journal an event of the case. ``params`` must be JSON values (codes, ISO dates,
    counts, catalogue and organisation names) – never personal data of the persons."""
    if event(code) is None:
        raise KeyError(f"Unknown journal event {code!r}")
    with translation.override("sv"):
        text = render_event(code, params)
    return JournalEntry.objects.create(
        case=case,
        author=actor,
        author_organisation=organisation,
        kind=JournalEntry.Kind.EVENT,
        visibility=visibility,
        occurred_on=occurred_on or timezone.localdate(),
        event=code,
        params=dict(params),
        text=text,
    )
