"""python manage.py load_holidays --country CN --year 2027 [--calendar NAME]"""
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tickets.exceptions import InvalidInput
from tickets.services.holidays import calendars_for, load_holidays


class Command(BaseCommand):
    help = ("Load statutory holidays and make-up working days (from the `holidays` library) into the "
            "business calendar(s). Days already in a calendar are kept as they are (edit them in the admin).")

    def add_arguments(self, parser):
        parser.add_argument("--country", default="CN", help="ISO country code (default CN)")
        parser.add_argument("--year", type=int, action="append",
                            help="year to load; repeat for several (default: this year and next)")
        parser.add_argument("--calendar", help="business calendar name (default: every calendar)")

    def handle(self, *args, country, year=None, calendar=None, **options):
        this_year = timezone.localdate().year
        years = year or [this_year, this_year + 1]
        try:
            for record in calendars_for(calendar):
                for one_year in years:
                    result = load_holidays(record, country=country.upper(), year=one_year)
                    self.stdout.write(
                        f"{record.name} {one_year}: {result.holidays} holiday(s), {result.workdays} make-up "
                        f"working day(s) added; {result.kept} already there")
                    if result.holidays and not result.workdays and country.upper() == "CN":
                        self.stdout.write(f"  note: no make-up working days for {one_year} in the library yet "
                                          f"(the State Council publishes them late in the year before)")
        except InvalidInput as refusal:
            raise CommandError(str(refusal)) from None
