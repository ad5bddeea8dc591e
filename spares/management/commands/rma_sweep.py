"""python manage.py rma_sweep [--at ISO-8601]: the beat task's RMA sweep, on demand or replayed."""
from django.core.management.base import BaseCommand
from django.utils import timezone

from spares.sweep import sweep
from tickets.management.commands.sla_sweep import Command as SlaSweepCommand


class Command(BaseCommand):
    help = "Escalate missed RMA milestones and send the daily 30-day reminders due at the instant (default: now)."

    def add_arguments(self, parser):
        parser.add_argument("--at", help="evaluate as of this instant, e.g. 2026-11-23T14:00+08:00")

    def handle(self, *args, at=None, **options):
        now = SlaSweepCommand._parse(at) if at else timezone.now()
        escalated, reminded = sweep(now=now)
        self.stdout.write(f"{escalated} milestone(s) escalated, {reminded} reminder(s) sent as of "
                          f"{timezone.localtime(now).isoformat()}")
