from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Påminnelser"

    def ready(self) -> None:
        from notifications import case_rules

        case_rules.register_all()
