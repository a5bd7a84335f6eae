from django.apps import AppConfig

# The users a case page names (cases.recipients.masked_user_ids), as (model, field) labels.
CASE_USER_COLUMNS = (("cases.JournalEntry", "author"), ("cases.FollowUp", "assignee"))


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Skyddsärenden"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from accounts.models import Membership, User
        from cases import extensions
        from cases.casework import panels as casework_panels
        from cases.casework.services import (
            bans_in_force_notice,
            open_follow_ups_block_closing,
            running_disclosures_notice,
        )
        from cases.plan import panels as plan_panels
        from cases.services.handlers import handlers_changed
        from cases.sharing import panels as sharing_panels

        # The case list's handler filter (cases.services.handlers.filter_handler_choices).
        for model in (Membership, User):
            post_save.connect(handlers_changed, sender=model, dispatch_uid=f"handlers-{model}")
            post_delete.connect(
                handlers_changed, sender=model, dispatch_uid=f"handlers-del-{model}"
            )

        extensions.case_panels.register(casework_panels.case_panel, order=20)
        extensions.case_panels.register(plan_panels.case_panel, order=30)
        extensions.case_panels.register(sharing_panels.case_panel, order=40)
        for column in CASE_USER_COLUMNS:
            extensions.case_user_columns.register(column)
        extensions.closing_blockers.register(open_follow_ups_block_closing, order=10)
        extensions.closing_notices.register(running_disclosures_notice, order=10)
        extensions.closing_notices.register(bans_in_force_notice, order=20)
