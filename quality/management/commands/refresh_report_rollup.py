"""python manage.py refresh_report_rollup [--from DATE --to DATE | --days N]: rebuild the
daily report rollup on demand (the beat task does the recent and changed days)."""
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from quality.reports import rollup


class Command(BaseCommand):
    help = "Rebuild the daily rollup behind the report trends (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", type=date.fromisoformat, help="first day (YYYY-MM-DD)")
        parser.add_argument("--to", dest="end", type=date.fromisoformat, help="last day (YYYY-MM-DD)")
        parser.add_argument("--days", type=int, help="the last N days up to today")

    def handle(self, *args, start, end, days, **options):
        today = timezone.localdate(timezone.now())
        if days is not None:
            if start or end or days < 1:
                raise CommandError("--days N (N ≥ 1) cannot be combined with --from/--to")
            start, end = today - timedelta(days=days - 1), today
        elif not (start and end):
            raise CommandError("give --from and --to, or --days")
        if end < start:
            raise CommandError("--to is before --from")
        rows = rollup.refresh_days(start, end)
        self.stdout.write(self.style.SUCCESS(f"{(end - start).days + 1} days rebuilt ({start} to {end}), {rows} rows"))
