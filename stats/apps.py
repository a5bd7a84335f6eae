from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    name = "stats"
    label = "statistics"
    verbose_name = "Statistik"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from stats.sql import register_sqlite_median

        connection_created.connect(register_sqlite_median, dispatch_uid="stats_sqlite_median")
