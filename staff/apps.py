from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("Staff")

    def ready(self):
        from . import backends  # noqa: F401 — connects the permission-cache signals
        from aftersales.hardening import strict_text_fields

        strict_text_fields()
