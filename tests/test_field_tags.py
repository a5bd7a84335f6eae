"""skydd.templatetags.field_tags: the HTML ``core/_field.html`` and ``cases/_check.html``
wrote as templates, for every state of a field (issue 16: written in Python)."""

from __future__ import annotations

import pytest
from django import forms
from django.template import Context, Template
from django.utils.safestring import mark_safe

from skydd.templatetags.field_tags import check_block, field_block

# The two templates as they were, the oracle.
FIELD = (
    '{% load i18n %}<div class="field{% if field.errors %} field--error{% endif %}">\n'
    '  <label for="{{ field.id_for_label }}">{{ field.label }}{% if field.field.required %}'
    ' <span class="required" aria-hidden="true">*</span>{% endif %}</label>\n'
    '  {% if field.help_text %}<p class="help" id="{{ field.auto_id }}_helptext">'
    "{{ field.help_text }}</p>{% endif %}\n"
    '  {% if field.errors %}<ul class="errorlist" id="{{ field.auto_id }}_error">'
    "{% for error in field.errors %}<li>{{ error }}</li>{% endfor %}</ul>{% endif %}\n"
    "  {{ field }}\n"
    "</div>\n"
)
CHECK = (
    '{% load i18n %}<div class="field field--check{% if field.errors %} field--error'
    '{% endif %}">\n'
    '  {% if field.errors %}<ul class="errorlist" id="{{ field.auto_id }}_error">'
    "{% for error in field.errors %}<li>{{ error }}</li>{% endfor %}</ul>{% endif %}\n"
    '  {{ field }} <label for="{{ field.id_for_label }}">{{ field.label }}</label>\n'
    '  {% if field.help_text %}<p class="help" id="{{ field.auto_id }}_helptext">'
    "{{ field.help_text }}</p>{% endif %}\n"
    "</div>\n"
)


class Every(forms.Form):
    name = forms.CharField(label="Namn <b>", help_text="Hjälp & text", max_length=5)
    optional = forms.CharField(required=False)
    safe = forms.CharField(label=mark_safe("<abbr>PNR</abbr>"), help_text=mark_safe("<i>x</i>"))
    choice = forms.ChoiceField(choices=[("a", "A & a"), ("b", "B")])
    mine = forms.BooleanField(required=False, label="Mina <ärenden>", help_text="Bara mina")
    when = forms.DateField(widget=forms.SelectDateWidget, required=False)


@pytest.mark.parametrize(
    "data",
    [None, {}, {"name": "för långt", "safe": "", "choice": "c", "mine": "x", "when_year": "1"}],
)
@pytest.mark.parametrize("prefix", [None, "pnr"])
def test_the_tags_write_what_the_templates_wrote(data, prefix) -> None:
    form = Every(data, prefix=prefix)
    for name in form.fields:
        field = form[name]
        for oracle, tag in ((FIELD, field_block), (CHECK, check_block)):
            assert tag(field) == Template(oracle).render(Context({"field": field})), name


def test_the_templates_call_the_tags() -> None:
    form = Every({"name": "för långt namn"})
    for template, tag in (("core/_field.html", field_block), ("cases/_check.html", check_block)):
        included = Template(f'{{% include "{template}" %}}')
        for name in form.fields:
            assert included.render(Context({"field": form[name]})) == tag(form[name])
