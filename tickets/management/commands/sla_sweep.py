"""python manage.py sla_sweep [--at ISO-8601]: the beat task's sweep, on demand or replayed."""
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tickets.escalations import sweep


class Command(BaseCommand):
    help = "Raise SLA warnings and escalations due at the given instant (default: now)."

    def add_arguments(self, parser):
        parser.add_argument("--at", help="evaluate as of this instant, e.g. 2026-11-23T14:00+08:00")

    def handle(self, *args, at=None, **options):
        now = self._parse(at) if at else timezone.now()
        raised = sweep(now=now)
        self.stdout.write(f"{raised} escalation(s) raised as of {timezone.localtime(now).isoformat()}")

    @staticmethod
    def _parse(value):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise CommandError(f"--at: not an ISO-8601 instant: {value!r}") from None
        return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
