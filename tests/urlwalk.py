"""Walk every URL pattern of the project and build a concrete sample path for each."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

SAMPLE_BY_CONVERTER = {
    "int": "1",
    "str": "x",
    "slug": "x",
    "path": "x",
    "uuid": str(uuid.UUID(int=1)),
}


@dataclass(frozen=True)
class WalkedURL:
    name: str  # "namespace:name", or the route when the pattern has no name
    path: str


def _route_sample(route: str) -> str:
    def repl(match: re.Match[str]) -> str:
        converter = match.group(1) or "str"
        return SAMPLE_BY_CONVERTER.get(converter, "1")

    return re.sub(r"<(?:(\w+):)?\w+>", repl, route)


def _regex_sample(regex: str) -> str:
    text = regex.lstrip("^").rstrip("$").replace("\\Z", "")

    def group(match: re.Match[str]) -> str:
        body = match.group(2)
        first = body.split("|")[0]
        return first if re.fullmatch(r"[\w-]+", first) else "1"

    text = re.sub(r"\(\?P<(\w+)>((?:[^()]|\([^()]*\))*)\)", group, text)
    text = re.sub(r"\(\?:([^()]*)\)\??", lambda m: m.group(1).split("|")[0], text)
    return text.replace("\\", "").replace("?", "")


def _sample(pattern: RoutePattern | RegexPattern) -> str:
    if isinstance(pattern, RoutePattern):
        return _route_sample(str(pattern._route))
    return _regex_sample(pattern._regex)


def walk(
    patterns: list[URLPattern | URLResolver] | None = None, prefix: str = "/", namespace: str = ""
) -> Iterator[WalkedURL]:
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        part = _sample(entry.pattern)  # type: ignore[arg-type]
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from walk(entry.url_patterns, prefix + part, full_ns)
        else:
            name = entry.name or part
            yield WalkedURL(f"{namespace}:{name}" if namespace else name, prefix + part)
