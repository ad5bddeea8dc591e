"""The shipments upload form (the same importer as `manage.py import_shipments`)."""
import io

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .shipments import import_shipments


class ShipmentUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_("Columns: model, month (YYYY-MM), units."))
    encoding = forms.ChoiceField(label=_("Encoding"), choices=[("utf-8-sig", "UTF-8"), ("gb18030", "GB18030")],
                                 initial="utf-8-sig")
    dry_run = forms.BooleanField(label=_("Check only (dry run): write nothing"), required=False)
    skip_bad = forms.BooleanField(label=_("Import the good rows even if some rows have errors"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large."))
        return upload

    def run(self, *, by, now):
        data = self.cleaned_data
        raw = data["file"].read()
        try:
            text = raw.decode(data["encoding"])
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not in the chosen encoding.")) from None
        return import_shipments(io.StringIO(text), by=by, now=now, skip_bad=data["skip_bad"],
                                dry_run=data["dry_run"])
