"""skydd.templatetags.fixed_urls: ``{% url %}`` keeps a literal, argument-free address once
known – and gives what Django's tag gives in every case its key covers (issue 16)."""

from __future__ import annotations

import pytest
from django.template import Context, Template, defaulttags, engines
from django.test import override_settings
from django.urls import NoReverseMatch, reverse, set_script_prefix

from skydd.templatetags.fixed_urls import FixedURLNode


def _template(source: str) -> Template:
    return engines["django"].from_string(source).template  # the project's builtins


def _node(source: str) -> object:
    return _template(source).nodelist[0]


def test_a_literal_name_without_arguments_is_kept_and_everything_else_is_djangos() -> None:
    assert type(_node("{% url 'cases:list' %}")) is FixedURLNode
    for source in (
        "{% url 'cases:detail' key %}",
        "{% url 'cases:detail' key=key %}",
        "{% url 'cases:list' as where %}",
        "{% url name %}",
        "{% url 'cases:list'|lower %}",
    ):
        assert type(_node(source)) is defaulttags.URLNode, source


def test_the_kept_address_is_djangos_and_follows_the_script_prefix() -> None:
    template = _template("{% url 'cases:list' %}|{% url 'core:overview' %}")
    expected = f"{reverse('cases:list')}|{reverse('core:overview')}"
    assert template.render(Context()) == expected
    assert template.render(Context()) == expected  # now from what it kept
    set_script_prefix("/skydd/")
    try:
        assert template.render(Context()) == "/skydd" + expected.replace("|", "|/skydd")
    finally:
        set_script_prefix("/")
    assert template.render(Context()) == expected


def test_another_url_configuration_is_another_address() -> None:
    template = _template("{% url 'cases:list' %}")
    assert template.render(Context()) == reverse("cases:list")
    with override_settings(ROOT_URLCONF="tests.test_fixed_urls"), pytest.raises(NoReverseMatch):
        template.render(Context())  # this module names no such view
    assert template.render(Context()) == reverse("cases:list")


def test_an_unknown_name_still_fails_and_is_not_kept() -> None:
    template = _template("{% url 'cases:no_such_page' %}")
    for _ in range(2):
        with pytest.raises(NoReverseMatch):
            template.render(Context())


urlpatterns: list[object] = []  # the empty URL configuration of the test above
