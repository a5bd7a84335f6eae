"""Admin: the list of undelivered notifications (kind, case references, error – no
personal data), with an action to try again."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.models import Message, Notification, UndeliveredMessage


@admin.register(UndeliveredMessage)
class UndeliveredMessageAdmin(admin.ModelAdmin):
    list_display = ("pk", "kind", "rules", "references", "attempts", "last_error", "due_at")
    list_filter = ("kind",)
    fields = ("kind", "recipient_id", "rules", "references", "attempts", "last_error", "due_at")
    readonly_fields = fields
    actions = ["retry"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[UndeliveredMessage]:
        return super().get_queryset(request).filter(status=Message.Status.FAILED)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("mottagare (id)"))
    def recipient_id(self, obj: Message) -> int:
        return obj.recipient_id

    @admin.display(description=_("påminnelser"))
    def rules(self, obj: Message) -> str:
        return ", ".join(sorted(set(obj.items.values_list("rule", flat=True))))

    @admin.display(description=_("ärenden"))
    def references(self, obj: Message) -> str:
        refs = Notification.objects.filter(message=obj).values_list("case__reference", flat=True)
        return ", ".join(sorted({ref for ref in refs if ref}))

    @admin.action(description=_("Försök skicka igen"))
    def retry(self, request: HttpRequest, queryset: QuerySet[UndeliveredMessage]) -> None:
        count = queryset.update(
            status=Message.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        self.message_user(
            request, _("%(n)s meddelanden skickas vid nästa svep.") % {"n": count}, messages.SUCCESS
        )
