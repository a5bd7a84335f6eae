from django.apps import AppConfig


class AlarmsConfig(AppConfig):
    name = "alarms"
    verbose_name = "Larmutrustning"

    def ready(self) -> None:
        from alarms import hooks, journal, panels, rules
        from alarms.models import Loan
        from cases import extensions

        extensions.journal_events.register(journal.EVENTS)
        extensions.case_panels.register(panels.case_panel, order=25)
        extensions.case_page_rows.register(Loan)
        extensions.closing_blockers.register(hooks.active_loans_block_closing, order=20)
        extensions.participant_blockers.register(hooks.loans_name_the_participant, order=20)
        extensions.case_flags.register(hooks.pending_case_flags, order=20)
        extensions.purge_hooks.register(hooks.purge_case, order=20)
        rules.register_all()
