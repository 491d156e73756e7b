"""daphne: its app config, without importing the server (Twisted) in every process.

- Upstream: daphne 4.2.3 `daphne/apps.py` imports `daphne.server` at import time, to install Twisted's
  reactor early, so every `manage.py` command (and every Celery worker) loads Twisted and autobahn.
  `daphne`'s own `runserver` and the `daphne` command import the server themselves before serving,
  so nothing needs the early import here. No upstream issue exists; the text to file is in
  docs/upstream.md ("daphne: import the server only when serving").
- Why: the import costs a command's start-up ~0.15-0.3 s: on `extract_metadata` over the shared corpus
  (a headline figure of the metadata issue, ExifTool's batch speed x2) that is 10-30% of the run
  (`python bench/bench_extraction.py`, once with `DAPHNE_APP_PATCH=0`; figures in docs/performance.md).
- Switch: DAPHNE_APP_PATCH=0 lists `daphne` itself in INSTALLED_APPS.
"""

from django.apps import AppConfig, apps
from django.core import checks


class DaphneConfig(AppConfig):
    """The `daphne` app (its `runserver` command), with daphne's own check by app name."""

    name = "daphne"
    verbose_name = "Daphne"

    def ready(self):
        checks.register(check_daphne_before_staticfiles, checks.Tags.staticfiles)


def check_daphne_before_staticfiles(app_configs, **kwargs):
    """daphne's own check (daphne.E001), by app name: its runserver must win over staticfiles' one."""
    names = [config.name for config in apps.get_app_configs()]
    if names.index("daphne") > names.index("django.contrib.staticfiles"):
        return [checks.Error("daphne must be listed before django.contrib.staticfiles in INSTALLED_APPS.",
                             id="imgmvp.E001")]
    return []
