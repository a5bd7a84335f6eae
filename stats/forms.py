"""The period and unit chooser (a GET form: figures are read, never changed)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.formfields import date_field
from cases.statsaccess import StatisticsScope
from stats.periods import PERIOD_CHOICES, Period, periods

EARLIEST = date(2000, 1, 1)
MAX_DAYS = 3660  # ten years
ALL = "all"


class StatisticsForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_CHOICES, initial="this_month")
    start = date_field(_("Från och med"), help_text=_("Gäller när perioden är Valda datum."))
    end = date_field(_("Till och med"), help_text=_("Gäller när perioden är Valda datum."))
    unit = forms.ChoiceField(label=_("Enhet"), required=False)

    def __init__(self, *args: Any, scope: StatisticsScope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.fields["period"].error_messages["invalid_choice"] = _("Välj en av perioderna.")
        if len(scope.organisations) > 1:
            label = (
                _("Alla mina enheter tillsammans")
                if scope.kind == "police"
                else _("Alla mina organisationer tillsammans")
            )
            unit = self.fields["unit"]
            assert isinstance(unit, forms.ChoiceField)
            unit.choices = [(ALL, label)] + [(str(org.pk), org.name) for org in scope.organisations]
            self.fields["unit"].error_messages["invalid_choice"] = _("Välj en av enheterna.")
            if scope.kind == "social":
                self.fields["unit"].label = _("Organisation")
        else:
            del self.fields["unit"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("period") != "custom":
            return data
        start, end = data.get("start"), data.get("end")
        if start is None and "start" not in self.errors:
            self.add_error("start", _("Ange första dagen när du väljer datum."))
        if end is None and "end" not in self.errors:
            self.add_error("end", _("Ange sista dagen när du väljer datum."))
        if start and start < EARLIEST:
            self.add_error("start", _("Välj ett datum från år 2000 och framåt."))
        elif start and end:
            if end < start:
                self.add_error("end", _("Sista dagen kan inte vara före första dagen."))
            elif (end - start).days + 1 > MAX_DAYS:
                self.add_error("end", _("Välj en period på högst tio år."))
        return data

    def chosen(self, today: date) -> tuple[tuple[Period, Period], tuple[int, ...]]:
        """(this period and the previous one, the chosen organisation ids). Call on a valid
        form, or on an unbound one for the defaults (this month, all units)."""
        data = self.cleaned_data if self.is_bound else {}
        choice = data.get("period") or "this_month"
        pair = periods(choice, today, data.get("start"), data.get("end"))
        unit = data.get("unit") or ALL
        ids = tuple(self.scope.organisation_ids)
        if unit != ALL:
            ids = (int(unit),)
        return pair, ids
