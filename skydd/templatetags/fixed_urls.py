"""``{% url %}`` as Django writes it, with the address of a view named literally and without
arguments (``{% url 'cases:list' %}``) kept on the tag once it is known.

A page of the case list reverses fifteen such names – the menu, the forms' actions – and
each ``reverse()`` walks the resolver's candidates again (about 60 µs, issue 16, profiled).
The address depends only on what is in the key: the script prefix, the URL configuration
(the request's or the setting's), the current application and autoescaping. Installed as a
template builtin (``TEMPLATES`` ``builtins``), so it stands in for Django's tag everywhere;
every other use – arguments, ``as var``, a name from a variable – is Django's own node.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template import Library, Node, defaulttags
from django.template.base import Parser, Token
from django.urls import get_script_prefix, get_urlconf

register = Library()


class FixedURLNode(defaulttags.URLNode):
    def __init__(self, node: defaulttags.URLNode) -> None:
        super().__init__(node.view_name, node.args, node.kwargs, node.asvar)
        self.known: dict[tuple[Any, ...], str] = {}

    def render(self, context: Any) -> str:
        request = getattr(context, "request", None)
        current_app = getattr(request, "current_app", None)
        if current_app is None:
            current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
        key = (
            get_script_prefix(),
            get_urlconf() or settings.ROOT_URLCONF,
            current_app,
            context.autoescape,
        )
        found = self.known.get(key)
        if found is None:
            found = self.known[key] = super().render(context)
        return found


@register.tag
def url(parser: Parser, token: Token) -> Node:
    node = defaulttags.url(parser, token)
    literal = isinstance(node.view_name.var, str) and not node.view_name.filters
    if literal and not node.args and not node.kwargs and node.asvar is None:
        return FixedURLNode(node)
    return node
