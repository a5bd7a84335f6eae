from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class SkyddConfig(AppConfig):
    name = "skydd"
    verbose_name = "Skydd"

    def ready(self) -> None:
        from skydd.dbroles import after_migrate

        # post_migrate is sent once per app with models, after every app's migrations; the
        # `cases` app (which owns the access log) stands for the whole run. `skydd` itself
        # has no models, so it is never the sender.
        post_migrate.connect(
            after_migrate, sender=apps.get_app_config("cases"), dispatch_uid="skydd-db-roles"
        )
