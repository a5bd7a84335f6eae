"""``{{ obj|label:"field" }}``: what ``obj.get_field_display`` shows, from a table built
once per field and language. Django's own display method hashes the field's lazy choices
on every call (a translation lookup per choice): on a page of 50 search hits with their
persons that was a thousand lookups (issue 16)."""

from __future__ import annotations

from functools import cache
from typing import Any

from django import template
from django.apps import apps
from django.db.models import Model
from django.utils.translation import get_language

register = template.Library()


@cache
def _labels(model: str, field: str, language: str | None) -> dict[Any, str]:
    choices = apps.get_model(model)._meta.get_field(field).flatchoices  # type: ignore[union-attr]
    return {value: str(text) for value, text in choices}


@register.filter
def label(obj: Model, field: str) -> str:
    value = getattr(obj, field)
    return _labels(obj._meta.label, field, get_language()).get(value, str(value))
