from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SparesConfig(AppConfig):
    name = "spares"
    verbose_name = _("Spares")

    def ready(self):
        from . import rules, texts  # noqa: F401  (lifecycle receivers; timeline/inbox text kinds)
