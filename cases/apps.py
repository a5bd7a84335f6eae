from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Skyddsärenden"

    def ready(self) -> None:
        from cases import extensions
        from cases.casework import panels as casework_panels
        from cases.casework.services import (
            bans_in_force_notice,
            open_follow_ups_block_closing,
            running_disclosures_notice,
        )
        from cases.plan import panels as plan_panels
        from cases.sharing import panels as sharing_panels

        extensions.case_panels.register(casework_panels.case_panel, order=20)
        extensions.case_panels.register(plan_panels.case_panel, order=30)
        extensions.case_panels.register(sharing_panels.case_panel, order=40)
        extensions.closing_blockers.register(open_follow_ups_block_closing, order=10)
        extensions.closing_notices.register(running_disclosures_notice, order=10)
        extensions.closing_notices.register(bans_in_force_notice, order=20)
