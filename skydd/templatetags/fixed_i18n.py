"""``{% load i18n %}`` as Django writes it, with ``{% translate "a literal" %}`` kept on the
tag per language once translated.

Django's tag makes a lazy string of its literal on every render and translates it through
the active catalogue again: about 10 µs a tag, and a case page renders 120 of them, the case
list 60 (issue 16, profiled). The text of a literal without filters or a context depends only
on the language and its catalogues, so the tag keeps what it wrote under the language code
and a generation that a change of LANGUAGES, LANGUAGE_CODE, LOCALE_PATHS or INSTALLED_APPS
(the catalogues Django then reloads, in tests) moves on. Every other use – a variable, a
filter, ``context``, ``noop`` – is Django's own node; ``as var`` is kept too.

Installed as the library named ``i18n`` (``TEMPLATES`` ``libraries``), so every template's
``{% load i18n %}`` takes it; all of Django's other i18n tags and filters are its own.
"""

from __future__ import annotations

from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import Library, Node
from django.template.base import Parser, Token
from django.templatetags import i18n
from django.utils import translation

register = Library()
register.tags.update(i18n.register.tags)
register.filters.update(i18n.register.filters)

_CATALOGUE_SETTINGS = frozenset({"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS"})
_generation = [0]


@receiver(setting_changed)
def _catalogues_changed(setting: str, **kwargs: Any) -> None:
    if setting in _CATALOGUE_SETTINGS:
        _generation[0] += 1


class FixedTranslateNode(i18n.TranslateNode):
    def __init__(self, node: i18n.TranslateNode) -> None:
        super().__init__(node.filter_expression, node.noop, node.asvar, node.message_context)
        self.known: dict[tuple[Any, ...], str] = {}

    def render(self, context: Any) -> str:
        key = (translation.get_language(), _generation[0], context.autoescape)
        found = self.known.get(key)
        if found is None:
            # Django's node writes it once; with ``as var`` it puts it in the context.
            asvar, self.asvar = self.asvar, None
            try:
                found = self.known[key] = super().render(context)
            finally:
                self.asvar = asvar
        if self.asvar:
            context[self.asvar] = found
            return ""
        return found


def _fixed(node: Node) -> Node:
    if not isinstance(node, i18n.TranslateNode) or node.noop or node.message_context:
        return node
    expression = node.filter_expression
    literal = getattr(expression.var, "literal", None)
    if isinstance(literal, str) and not expression.filters:
        return FixedTranslateNode(node)
    return node


@register.tag("translate")
@register.tag("trans")
def do_translate(parser: Parser, token: Token) -> Node:
    return _fixed(i18n.do_translate(parser, token))
