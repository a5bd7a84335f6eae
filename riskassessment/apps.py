from django.apps import AppConfig

ASSESSOR = ("riskassessment.Assessment", "assessor")  # named on the case page


class RiskassessmentConfig(AppConfig):
    name = "riskassessment"
    verbose_name = "Hot- och riskbedömningar"

    def ready(self) -> None:
        from cases import extensions
        from riskassessment import journal, listing, panels, plan_sources
        from riskassessment.models import Assessment

        extensions.case_panels.register(panels.case_panel, order=10)
        extensions.journal_events.register(journal.EVENTS)
        extensions.plan_sources.register(plan_sources.plan_source)
        extensions.case_risk_levels.register(listing.pending_case_risk_levels)
        extensions.case_page_rows.register(Assessment)
        extensions.case_user_columns.register(ASSESSOR)
