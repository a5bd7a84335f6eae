"""What removing a participant from a case takes with it, and what stops it (issue 10).

Asked twice: by the confirmation page (so the user sees the consequences before deciding)
and by ``remove_participant`` under the case's row lock (so the answer still holds).
Nothing is removed that the remover cannot see: a dwelling known only to the assigned
police staff blocks the removal for anyone else instead of vanishing with the person.
Other apps add their own blockers (an alarm loan naming the person as its carrier)
through ``cases.extensions.participant_blockers``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases import extensions
from cases.access import CaseAccess
from cases.models import ContactBan, Participant, SecretDwelling, SupportInformation


@dataclass(frozen=True)
class Removal:
    blockers: list[str] = field(default_factory=list)
    goes_with: list[str] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        return not self.blockers


def removal_of(case_access: CaseAccess, participant: Participant) -> Removal:
    case = case_access.case
    blockers: list[str] = []
    goes_with: list[str] = []
    if (
        participant.role == Participant.Role.PROTECTED
        and not case.participants.filter(role=Participant.Role.PROTECTED)
        .exclude(pk=participant.pk)
        .exists()
    ):
        blockers.append(_("Ärendet måste ha minst en skyddsperson."))
    bans = ContactBan.objects.filter(case=case).filter(
        Q(protected_participant=participant) | Q(restricted_participant=participant)
    )
    for ban in bans.order_by("pk"):
        blockers.append(
            _(
                "Personen är part i ett kontaktförbud (%(type)s, %(status)s). Ta bort eller "
                "ändra kontaktförbudet först."
            )
            % {
                "type": ban.get_ban_type_display().lower(),
                "status": ban.get_status_display().lower(),
            }
        )
    for blocker in extensions.participant_blockers:
        blockers.extend(blocker(participant))

    support = SupportInformation.objects.filter(case=case, participant=participant).count()
    if support:
        goes_with.append(
            ngettext(
                "%(count)s registrering av information om stöd eller hänvisning.",
                "%(count)s registreringar av information om stöd eller hänvisning.",
                support,
            )
            % {"count": support}
        )
    person = participant.person
    last_role_here = not person.participations.filter(case=case).exclude(pk=participant.pk).exists()
    if last_role_here:
        dwellings = list(SecretDwelling.objects.filter(case=case, person=person).order_by("pk"))
        hidden = [d for d in dwellings if not case_access.sees_dwelling(d)]
        if hidden:
            blockers.append(
                _(
                    "Det finns uppgifter om personen i ärendet som bara tilldelad polispersonal "
                    "ser. Be en ansvarig handläggare ta bort deltagaren."
                )
            )
        for dwelling in dwellings:
            if dwelling not in hidden:
                goes_with.append(
                    _("Hemligt boende: %(description)s.") % {"description": dwelling.description}
                )
        if not person.participations.exclude(pk=participant.pk).exists():
            goes_with.append(
                _("Personuppgifterna tas bort helt: personen finns inte i något annat ärende.")
            )
    return Removal(blockers, goes_with)
