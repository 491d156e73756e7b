"""The daphne app, configured so that Twisted loads only when a server command needs it."""

from django.apps import AppConfig, apps
from django.core import checks


class DaphneConfig(AppConfig):
    """daphne's own AppConfig imports daphne.server (Twisted, ~150 ms) in every process.

    Listing this config instead keeps daphne's `runserver` (which imports daphne.server itself,
    before any server starts) while commands such as `extract_metadata` start without Twisted.
    """

    name = "daphne"
    verbose_name = "Daphne"

    def ready(self):
        checks.register(check_daphne_before_staticfiles, checks.Tags.staticfiles)


def check_daphne_before_staticfiles(app_configs, **kwargs):
    """daphne's own check, by app name: its runserver must win over staticfiles' one."""
    names = [config.name for config in apps.get_app_configs()]
    if names.index("daphne") > names.index("django.contrib.staticfiles"):
        return [checks.Error("daphne must be listed before django.contrib.staticfiles in INSTALLED_APPS.", id="imgmvp.E001")]
    return []
