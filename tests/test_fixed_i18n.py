"""skydd.templatetags.fixed_i18n: ``{% translate "literal" %}`` keeps its text per language once
translated – and writes what Django's tag writes in every case its key covers (issue 16)."""

from __future__ import annotations

from typing import Any

from django.template import Context, Engine, Template, engines
from django.templatetags import i18n
from django.test import override_settings
from django.utils import translation

from skydd.templatetags.fixed_i18n import FixedTranslateNode

SOURCE = (
    '{% load i18n %}{% translate "Logga ut" %}|{% trans "Byt språk" %}|'
    '{% translate "Logga ut" as out %}[{{ out }}]|{% translate "<b>Språk</b>" %}|'
    '{% translate "Hundra %% säkert" %}'
)


def _template(source: str) -> Template:
    return engines["django"].from_string(source).template  # the project's libraries


def _djangos(source: str) -> Template:
    return Engine(libraries={"i18n": "django.templatetags.i18n"}).from_string(source)


def _nodes(source: str) -> list[Any]:
    return [node for node in _template(source).nodelist if not isinstance(node, str)][1:]


def test_a_plain_literal_is_kept_and_everything_else_is_djangos() -> None:
    (node,) = _nodes('{% load i18n %}{% translate "Logga ut" %}')
    assert type(node) is FixedTranslateNode
    (kept_as,) = _nodes('{% load i18n %}{% translate "Logga ut" as out %}')
    assert type(kept_as) is FixedTranslateNode
    for source in (
        "{% load i18n %}{% translate name %}",
        '{% load i18n %}{% translate "Logga ut"|lower %}',
        '{% load i18n %}{% translate "Maj" context "månad" %}',
        '{% load i18n %}{% translate "Logga ut" noop %}',
    ):
        (node,) = _nodes(source)
        assert type(node) is i18n.TranslateNode, source
    # The rest of the library is Django's own.
    (current,) = _nodes("{% load i18n %}{% get_current_language as code %}")
    assert type(current) is i18n.GetCurrentLanguageNode


def test_it_writes_what_djangos_tag_writes_in_each_language_and_follows_the_language() -> None:
    ours = _template(SOURCE)
    for language, logout in (("sv", "Logga ut"), ("en", "Log out"), ("sv", "Logga ut")):
        with translation.override(language):
            for _ in range(2):  # the second time from what it kept
                written = ours.render(Context())
                assert written == _djangos(SOURCE).render(Context()), language
                assert written.startswith(f"{logout}|"), written
                assert f"[{logout}]" in written
    assert "Hundra %" in written  # percent signs as Django leaves them
    assert "<b>Språk</b>" in written  # a literal is the template's own text, as in Django


def test_autoescaping_and_a_changed_catalogue_setting_are_other_keys() -> None:
    source = '{% load i18n %}{% autoescape off %}{% translate "Logga ut" %}{% endautoescape %}'
    ours = _template(source)
    with translation.override("en"):
        assert ours.render(Context()) == "Log out"
        block: Any = ours.nodelist[1]
        node = next(n for n in block.nodelist if isinstance(n, FixedTranslateNode))
        seen = set(node.known)
        with override_settings(LOCALE_PATHS=[]):  # the project's catalogue gone
            translation.activate("en")  # (a changed setting resets the active language)
            assert ours.render(Context()) == _djangos(source).render(Context()) == "Logga ut"
        translation.activate("en")
        assert ours.render(Context()) == "Log out"
        assert len(node.known) > len(seen)


def test_i18n_is_the_only_tag_library_name_used_twice() -> None:
    """templates.W003 is silenced in settings for "i18n" alone (our library shadows Django's
    on purpose): any other name given to two tag modules still fails here."""
    warnings = [w for w in engines["django"].check() if w.id == "templates.W003"]
    assert len(warnings) == 1, [w.msg for w in warnings]
    assert warnings[0].msg.startswith("'i18n' is used for multiple template tag modules")
    assert "skydd.templatetags.fixed_i18n" in warnings[0].msg
