"""Monthly shipments per model (the DOA denominator, SPEC §9/§10) from CSV, with the
rules of the other imports (tickets.imports): every row validated first and reported by
line, nothing written from a file with errors unless `skip_bad`, one transaction, dry run.
Columns: model (product model code), month (YYYY-MM), units. A figure already on file
for the model and month is replaced (re-importing a corrected file is safe)."""
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from tickets.exceptions import PermissionDenied
from tickets.imports import _form_errors, _Lookups, _run

from ..models.reports import Shipment
from .periods import MONTH_PATTERN

SHIPMENT_COLUMNS = ["model", "month", "units"]
MAX_UNITS = 100_000_000


class ShipmentRow(forms.Form):
    model = forms.CharField(max_length=60)
    month = forms.RegexField(regex=MONTH_PATTERN, error_messages={"invalid": gettext_lazy("Write the month as YYYY-MM.")})
    units = forms.IntegerField(min_value=0, max_value=MAX_UNITS)


class _ShipmentImport:
    def __init__(self, *, by, now):
        self.by, self.now = by, now
        self.lookups = _Lookups()
        self.seen = {}

    def validate(self, row, line):
        form = ShipmentRow(row)
        if not form.is_valid():
            raise _form_errors(form)
        data = form.cleaned_data
        model = self.lookups.model(data["model"])
        if model is None:
            raise ValidationError({"model": [_("No product model with the code “%(code)s”.") % {"code": data["model"]}]})
        key = (model.pk, data["month"])
        if key in self.seen:
            raise ValidationError({"month": [_("Same model and month as line %(line)d.") % {"line": self.seen[key]}]})
        self.seen[key] = line
        year, month = data["month"].split("-")
        return {"model": model, "month": f"{year}-{month}-01", "units": data["units"]}

    def write(self, plan, line, created):
        _shipment, is_new = Shipment.objects.update_or_create(
            model=plan["model"], month=plan["month"],
            defaults={"units": plan["units"], "imported_at": self.now, "imported_by": self.by})
        created["shipment figures" if is_new else "shipment figures replaced"] += 1


def import_shipments(stream, *, by, now=None, skip_bad=False, dry_run=False, progress=None, every=1000):
    if not by.has_perm("quality.add_shipment"):
        raise PermissionDenied(_("You are not allowed to import shipments."))
    job = _ShipmentImport(by=by, now=now or timezone.now())
    return _run(stream, columns=SHIPMENT_COLUMNS, required=SHIPMENT_COLUMNS, validate=job.validate, write=job.write,
                skip_bad=skip_bad, dry_run=dry_run, progress=progress, every=every)
