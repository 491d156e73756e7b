from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "progress"
    verbose_name = "Live progress"

    def ready(self):
        """Register the broadcast as extraction's notifier: extraction never imports progress."""
        from extraction.notifications import set_notifier

        from .broadcast import broadcast_session

        set_notifier(broadcast_session)
