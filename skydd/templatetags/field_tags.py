"""A form field with its label, help text and errors, written in Python:
``{% field_block field %}`` (``core/_field.html``) and ``{% check_block field %}``
(``cases/_check.html``, a checkbox before its label).

As included templates, a list page's filter and search fields were about a tenth of its
rendering (issue 16, profiled): each include pushes a context and resolves a dozen
variables for a few lines of markup. Both templates now call these, so every form writes
the same HTML; tests/test_field_tags.py holds it equal to what the templates wrote. Every
value goes through ``conditional_escape`` (a label or help text marked safe stays as it is,
as ``{{ }}`` leaves it).
"""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _help(field: BoundField) -> str:
    if not field.help_text:
        return ""
    text = conditional_escape(field.help_text)
    return f'<p class="help" id="{conditional_escape(field.auto_id)}_helptext">{text}</p>'


def _errors(field: BoundField) -> str:
    errors = field.errors
    if not errors:
        return ""
    items = "".join(f"<li>{conditional_escape(str(error))}</li>" for error in errors)
    return f'<ul class="errorlist" id="{conditional_escape(field.auto_id)}_error">{items}</ul>'


def _label(field: BoundField) -> str:
    label = conditional_escape(field.label)
    return f'<label for="{conditional_escape(field.id_for_label)}">{label}'


@register.simple_tag
def field_block(field: BoundField) -> SafeString:
    """``core/_field.html``: label (with * if required), help text, errors, the widget."""
    error = " field--error" if field.errors else ""
    required = ' <span class="required" aria-hidden="true">*</span>' if field.field.required else ""
    return mark_safe(  # noqa: S308 - every value above and the widget's HTML are escaped
        f'<div class="field{error}">\n'
        f"  {_label(field)}{required}</label>\n"
        f"  {_help(field)}\n"
        f"  {_errors(field)}\n"
        f"  {conditional_escape(str(field))}\n"
        "</div>\n"
    )


@register.simple_tag
def check_block(field: BoundField) -> SafeString:
    """``cases/_check.html``: errors, the checkbox, its label, help text."""
    error = " field--error" if field.errors else ""
    return mark_safe(  # noqa: S308 - every value above and the widget's HTML are escaped
        f'<div class="field field--check{error}">\n'
        f"  {_errors(field)}\n"
        f"  {conditional_escape(str(field))} {_label(field)}</label>\n"
        f"  {_help(field)}\n"
        "</div>\n"
    )
