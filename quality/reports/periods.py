"""What a report is asked for: a period (a month or a free date range, in the center's
time zone) and the filters (product line, model, service type, engineer, service area,
service point)."""
import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from spares.models import Warehouse, WarehouseKind
from tickets import choices
from tickets.models import ProductLine, ProductModel
from tickets.selectors import engineers

MAX_RANGE_DAYS = 366 * 2
MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"


@dataclass(frozen=True)
class ReportQuery:
    start: date  # first day, inclusive
    end: date  # last day, inclusive
    product_line: int | None = None
    model: int | None = None
    service_type: str = ""
    engineer: int | None = None
    area: str = ""  # the customer's area (urban, suburban, remote)
    service_point: int | None = None  # the branch that handles the ticket (spares.Warehouse)

    @property
    def since(self):
        return _local_midnight(self.start)

    @property
    def until(self):
        return _local_midnight(self.end + timedelta(days=1))

    @property
    def first_month(self):
        return self.start.replace(day=1)

    def filter_params(self):
        """The filters as query-string parameters (for links: drill-down, exports)."""
        params = {"product_line": self.product_line, "model": self.model,
                  "service_type": self.service_type, "engineer": self.engineer, "area": self.area,
                  "service_point": self.service_point}
        return {k: v for k, v in params.items() if v}

    def period_params(self):
        if self.start.day == 1 and self.end == month_end(self.start):
            return {"month": f"{self.start:%Y-%m}"}
        return {"date_from": self.start.isoformat(), "date_to": self.end.isoformat()}

    def params(self):
        return {**self.period_params(), **self.filter_params()}


def _local_midnight(day):
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def month_end(first):
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def add_months(first, months):
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def last_month(today):
    return add_months(today.replace(day=1), -1)


class ReportFilterForm(forms.Form):
    """Period and filters, shared by the page, the exports and the API (400 on bad input)."""

    month = forms.RegexField(regex=MONTH_PATTERN, required=False, label=_("Month"),
                             error_messages={"invalid": _("Write the month as YYYY-MM.")})
    date_from = forms.DateField(required=False, label=_("From"))
    date_to = forms.DateField(required=False, label=_("To"))
    product_line = forms.ModelChoiceField(ProductLine.objects.all(), required=False, label=_("Product line"))
    model = forms.ModelChoiceField(ProductModel.objects.all(), required=False, label=_("Model"))
    service_type = forms.ChoiceField(choices=[("", "---------"), *choices.ServiceType.choices], required=False,
                                     label=_("Service type"))
    engineer = forms.ModelChoiceField(queryset=None, required=False, label=_("Engineer"))
    area = forms.ChoiceField(choices=[("", "---------"), *choices.Area.choices], required=False,
                             label=_("Service area"))
    service_point = forms.ModelChoiceField(Warehouse.objects.filter(kind=WarehouseKind.SERVICE_POINT),
                                           required=False, label=_("Service point"))

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["engineer"].queryset = engineers()
        self.fields["engineer"].label_from_instance = lambda u: u.get_full_name() or u.get_username()

    def clean(self):
        data = super().clean()
        month, start, end = data.get("month"), data.get("date_from"), data.get("date_to")
        if month and (start or end):
            raise forms.ValidationError(_("Choose a month or a date range, not both."))
        if month:
            start = date(int(month[:4]), int(month[5:]), 1)
            end = month_end(start)
        elif start or end:
            if not (start and end):
                raise forms.ValidationError(_("Give both ends of the date range."))
            if end < start:
                self.add_error("date_to", _("The end is before the start."))
            elif (end - start).days > MAX_RANGE_DAYS:
                self.add_error("date_to", _("Choose a range of at most two years."))
        else:
            start = last_month(self.today)
            end = month_end(start)
        data["start"], data["end"] = start, end
        return data

    def report_query(self):
        data = self.cleaned_data
        return ReportQuery(
            start=data["start"], end=data["end"],
            product_line=data["product_line"].pk if data.get("product_line") else None,
            model=data["model"].pk if data.get("model") else None,
            service_type=data.get("service_type") or "",
            engineer=data["engineer"].pk if data.get("engineer") else None,
            area=data.get("area") or "",
            service_point=data["service_point"].pk if data.get("service_point") else None,
        )
