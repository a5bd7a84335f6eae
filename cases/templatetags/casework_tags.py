"""``{% load casework_tags %}{% casework_todo %}``: the "Att göra" box for the signed-in user,
for pages whose view does not pass ``todo`` itself (e.g. the start page)."""

from __future__ import annotations

from typing import Any

from django import template

from accounts.models import User

register = template.Library()


@register.inclusion_tag("cases/casework/_todo.html", takes_context=True)
def casework_todo(context: template.Context) -> dict[str, Any]:
    from cases import listing
    from cases.casework.services import todo_for

    request = context.get("request")
    user = getattr(request, "user", None)
    todo = todo_for(user) if isinstance(user, User) and user.is_authenticated else []
    if todo and isinstance(user, User):
        listing.summarise(user, [item.case for item in todo])
    return {"todo": todo}
