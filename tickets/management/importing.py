"""What the import_* commands share: arguments, the acting user, progress and the report."""
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from tickets.exceptions import PermissionDenied
from tickets.imports import ImportFileError


class ImportCommand(BaseCommand):
    importer = None  # tickets.imports.import_customers / import_tickets
    what = ""

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file with a header row")
        parser.add_argument("--user", required=True,
                            help="login of the staff member the import is recorded under (needs the add permissions)")
        parser.add_argument("--skip-bad", action="store_true",
                            help="import the good rows and report the bad ones (default: a file with errors imports nothing)")
        parser.add_argument("--dry-run", action="store_true", help="validate only; write nothing")
        parser.add_argument("--encoding", default="utf-8-sig", help="file encoding (default utf-8-sig; e.g. gb18030)")
        parser.add_argument("--progress-every", type=int, default=1000, help="print progress every N rows")

    def handle(self, *args, file, user, skip_bad, dry_run, encoding, progress_every, **options):
        by = get_user_model().objects.filter(username=user, is_active=True).first()
        if by is None:
            raise CommandError(f"--user: no active user with the login {user!r}")
        try:
            with open(file, encoding=encoding, newline="") as stream:
                report = type(self).importer(stream, by=by, skip_bad=skip_bad, dry_run=dry_run,
                                             progress=self._progress, every=max(progress_every, 1))
        except FileNotFoundError:
            raise CommandError(f"{file}: no such file") from None
        except LookupError:
            raise CommandError(f"--encoding: unknown encoding {encoding!r}") from None
        except (ImportFileError, PermissionDenied) as error:
            raise CommandError(f"{file}: {error}; nothing was imported") from None
        for problem in report.errors:
            self.stderr.write(str(problem))
        created = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in sorted(report.created.items()))
        if dry_run:
            self.stdout.write(f"{report.rows} rows checked, {len(report.errors)} with errors; nothing written (dry run)")
        elif not report.imported:
            raise CommandError(f"{file}: {len(report.errors)} of {report.rows} rows have errors; nothing was imported "
                               "(fix them, or use --skip-bad to import the good rows)")
        else:
            self.stdout.write(self.style.SUCCESS(
                f"{report.rows - report.skipped} of {report.rows} rows imported ({created or 'nothing new'})"
                + (f"; {report.skipped} bad rows skipped" if report.skipped else "")))

    def _progress(self, phase, rows):
        self.stderr.write(f"… {rows} rows {phase}")
