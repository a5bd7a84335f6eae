from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from notifications import rules as rules_module
from notifications.models import Preference


class PreferenceForm(forms.ModelForm):
    """The digest on/off, the rules on/off (urgent ones cannot be turned off), the language."""

    rules = forms.MultipleChoiceField(
        label=_("Påminnelser i sammanställningen"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Avmarkera det du inte vill påminnas om."),
    )

    class Meta:
        model = Preference
        fields = ["digest", "language"]
        labels = {
            "digest": _("Skicka mig en daglig sammanställning kl. %(time)s")
            % {"time": settings.NOTIFICATIONS_DIGEST_TIME}
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        optional = [rule for rule in rules_module.registered() if not rule.urgent]
        field = self.fields["rules"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(rule.name, rule.label) for rule in optional]
        muted = set(self.instance.muted_rules or [])
        field.initial = [rule.name for rule in optional if rule.name not in muted]
        self._rule_names = [rule.name for rule in optional]

    def save(self, commit: bool = True) -> Preference:
        preference = super().save(commit=False)
        chosen = set(self.cleaned_data["rules"])
        preference.muted_rules = sorted(name for name in self._rule_names if name not in chosen)
        if commit:
            preference.save()
        return preference
