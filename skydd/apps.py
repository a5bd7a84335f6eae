from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SkyddConfig(AppConfig):
    name = "skydd"
    verbose_name = "Skydd"

    def ready(self) -> None:
        from skydd.dbroles import after_migrate

        # Once per migrate run (sender: this app), after every app's migrations.
        post_migrate.connect(after_migrate, sender=self, dispatch_uid="skydd-db-roles")
