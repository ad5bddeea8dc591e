"""Reports API: `reports/monthly?month=YYYY-MM` (every section) and one endpoint per
section, with the page's filters; the same selectors as the page and the exports."""
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from . import rollup, selectors
from .periods import ReportFilterForm


class CanViewReports(BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.has_perm("quality.view_reports"))


def _rate(**kwargs):
    return serializers.FloatField(allow_null=True, help_text="percent, one decimal; null: nothing to divide by",
                                  **kwargs)


def _minutes():
    return serializers.FloatField(allow_null=True, help_text="minutes; null when no clock stopped")


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


class ServiceTypeRow(serializers.Serializer):
    service_type = serializers.CharField()
    label = serializers.CharField()
    received = serializers.IntegerField()
    completed = serializers.IntegerField()


class ModelVolumeRow(serializers.Serializer):
    model_id = serializers.IntegerField(allow_null=True)
    code = serializers.CharField()
    name = serializers.CharField()
    received = serializers.IntegerField()
    completed = serializers.IntegerField()


class VolumeSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    completed = serializers.IntegerField()
    by_service_type = ServiceTypeRow(many=True)
    by_model = ModelVolumeRow(many=True)


class SuccessSerializer(serializers.Serializer):
    completed = serializers.IntegerField()
    succeeded = serializers.IntegerField()
    not_succeeded = serializers.IntegerField()
    first_time_fixed = serializers.IntegerField()
    success_rate = _rate()
    first_time_fix_rate = _rate()
    repeats = serializers.IntegerField(help_text="completions redoing an earlier completion of the ticket")
    failed = serializers.IntegerField(help_text="completions whose fault came back inside the repeat window")


class DoaRow(serializers.Serializer):
    model_id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    doa = serializers.IntegerField()
    shipped = serializers.IntegerField(allow_null=True, help_text="null: no shipments on file for the period")
    rate = _rate()


class DoaSerializer(serializers.Serializer):
    doa = serializers.IntegerField()
    by_model = DoaRow(many=True)
    shipments_filtered_by_service_type_or_engineer = serializers.BooleanField(
        help_text="true: the DOA count is filtered but shipments cannot be (they have no service type or engineer)")


class SlaRow(serializers.Serializer):
    clock = serializers.CharField()
    label = serializers.CharField()
    met = serializers.IntegerField()
    breached = serializers.IntegerField()
    met_rate = _rate()
    level_1 = serializers.IntegerField()
    level_2 = serializers.IntegerField()
    median_minutes = _minutes()
    p90_minutes = _minutes()


class SlaSerializer(serializers.Serializer):
    met = serializers.IntegerField()
    breached = serializers.IntegerField()
    met_rate = _rate()
    by_clock = SlaRow(many=True)


class EngineerRow(serializers.Serializer):
    engineer_id = serializers.IntegerField()
    engineer = serializers.CharField()
    completed = serializers.IntegerField()
    succeeded = serializers.IntegerField()
    first_time_fixed = serializers.IntegerField()
    first_time_fix_rate = _rate()
    median_completion_minutes = _minutes()
    sla_met = serializers.IntegerField()
    sla_breached = serializers.IntegerField()
    sla_met_rate = _rate()
    callbacks_answered = serializers.IntegerField(help_text="satisfaction callbacks answered on their tickets")
    average_score = serializers.FloatField(allow_null=True, help_text="mean of (attitude + speed + quality) / 3")
    satisfied = serializers.IntegerField(help_text="answered callbacks with every score ≥ 4")
    satisfied_rate = _rate()


def _money(**kwargs):
    return serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False, **kwargs)


class _PartUse(serializers.Serializer):
    issued = serializers.IntegerField(help_text="quantity issued to tickets in the period")
    returned = serializers.IntegerField(help_text="unused quantity returned from tickets in the period")
    used = serializers.IntegerField(help_text="issued less returned")
    cost = _money(help_text="issued less returned, each at its move's unit cost")


class PartRow(_PartUse):
    id = serializers.IntegerField()
    part_number = serializers.CharField()
    name = serializers.CharField()


class PartModelRow(_PartUse):
    id = serializers.IntegerField(allow_null=True)
    code = serializers.CharField()
    name = serializers.CharField()


class PartEngineerRow(_PartUse):
    id = serializers.IntegerField()
    engineer = serializers.CharField()


class PartsSerializer(_PartUse):
    by_part = PartRow(many=True)
    by_model = PartModelRow(many=True)
    by_engineer = PartEngineerRow(many=True)


def _days():
    return serializers.FloatField(allow_null=True, help_text="days, one decimal; null: none returned")


class VendorRow(serializers.Serializer):
    vendor_id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    at_vendor = serializers.IntegerField(help_text="units at the vendor at the end of the period")
    returned = serializers.IntegerField(help_text="units back from the vendor in the period")
    median_days = _days()
    p90_days = _days()
    overdue = serializers.IntegerField(help_text="milestones due in the period not done by their due time")


class MilestoneRow(serializers.Serializer):
    milestone = serializers.CharField()
    label = serializers.CharField()
    overdue = serializers.IntegerField()
    still_open = serializers.IntegerField()


class VendorsSerializer(serializers.Serializer):
    at_vendor = serializers.IntegerField()
    returned = serializers.IntegerField()
    median_days = _days()
    p90_days = _days()
    overdue = serializers.IntegerField()
    by_vendor = VendorRow(many=True)
    by_milestone = MilestoneRow(many=True)


class ComplaintCategoryRow(serializers.Serializer):
    category = serializers.CharField()
    label = serializers.CharField()
    general = serializers.IntegerField()
    major = serializers.IntegerField()


class ComplaintStatusRow(serializers.Serializer):
    status = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


def _score():
    return serializers.FloatField(allow_null=True, help_text="1–5, two decimals; null: no answered callback")


class SatisfactionSerializer(serializers.Serializer):
    callbacks = serializers.IntegerField(help_text="callback attempts in the period")
    answered = serializers.IntegerField()
    average_score = _score()
    attitude = _score()
    speed = _score()
    repair_quality = _score()
    satisfied = serializers.IntegerField(help_text="answered with every score ≥ 4")
    satisfied_rate = _rate()
    not_satisfied = serializers.IntegerField(help_text="answered with a score below 4")
    low_scores = serializers.IntegerField()
    complaints = serializers.IntegerField(help_text="complaints logged in the period")
    complaints_major = serializers.IntegerField()
    complaints_replied_late = serializers.IntegerField()
    complaints_closed = serializers.IntegerField(help_text="complaints closed in the period")
    close_median_days = _days()
    close_p90_days = _days()
    complaints_by_category = ComplaintCategoryRow(many=True)
    complaints_by_status = ComplaintStatusRow(many=True, help_text="current status of the complaints logged")


class TrendRow(serializers.Serializer):
    month = serializers.CharField()
    received = serializers.IntegerField()
    doa_received = serializers.IntegerField()
    completed = serializers.IntegerField()
    succeeded = serializers.IntegerField()
    first_time_fixed = serializers.IntegerField()
    sla_met = serializers.IntegerField()
    sla_breached = serializers.IntegerField()
    success_rate = _rate()
    first_time_fix_rate = _rate()
    sla_met_rate = _rate()


class MonthlySerializer(serializers.Serializer):
    period = PeriodSerializer()
    volume = VolumeSerializer()
    success = SuccessSerializer()
    doa = DoaSerializer()
    sla = SlaSerializer()
    engineers = EngineerRow(many=True)
    parts = PartsSerializer()
    vendors = VendorsSerializer()
    satisfaction = SatisfactionSerializer()


PARAMETERS = [
    OpenApiParameter("month", OpenApiTypes.STR, description="YYYY-MM (default: last month)"),
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="free range start (with date_to, instead of month)"),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="free range end, inclusive"),
    OpenApiParameter("product_line", OpenApiTypes.INT, description="product line id"),
    OpenApiParameter("model", OpenApiTypes.INT, description="product model id"),
    OpenApiParameter("service_type", OpenApiTypes.STR, enum=["onsite", "carry_in", "mail_in", "remote"]),
    OpenApiParameter("engineer", OpenApiTypes.INT, description="engineer (user) id"),
    OpenApiParameter("area", OpenApiTypes.STR, enum=["urban", "suburban", "remote"],
                     description="the customer's service area"),
    OpenApiParameter("service_point", OpenApiTypes.INT,
                     description="service point id (a warehouse of kind service_point): the branch handling the ticket"),
]


class _ReportView(APIView):
    permission_classes = [CanViewReports]
    serializer_class = None

    def query(self, request):
        form = ReportFilterForm(request.query_params, today=timezone.localdate(timezone.now()))
        if not form.is_valid():
            raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
        return form.report_query()

    def compute(self, query):
        raise NotImplementedError

    def get(self, request):
        return Response(self.serializer_class(self.compute(self.query(request))).data)


def _section_view(name, serializer, many=False, doc=""):
    class SectionView(_ReportView):
        serializer_class = serializer

        def compute(self, query):
            return selectors.SECTIONS[name](query)

        def get(self, request):
            return Response(self.serializer_class(self.compute(self.query(request)), many=many).data)

    SectionView.__name__ = f"Report{name.title()}View"
    SectionView.get = extend_schema(parameters=PARAMETERS, responses=serializer(many=many), description=doc,
                                    operation_id=f"reports_{name}")(SectionView.get)
    return SectionView


class MonthlyReportView(_ReportView):
    serializer_class = MonthlySerializer

    @extend_schema(parameters=PARAMETERS, responses=MonthlySerializer, operation_id="reports_monthly",
                   description="Every section of the report for a month (or a date range), with the filters.")
    def get(self, request):
        return Response(MonthlySerializer(selectors.monthly_report(self.query(request))).data)


class TrendView(_ReportView):
    serializer_class = TrendRow

    @extend_schema(parameters=PARAMETERS, responses=TrendRow(many=True), operation_id="reports_trend",
                   description="Twelve months ending with the period's month, from the daily rollup.")
    def get(self, request):
        return Response(TrendRow(rollup.trend(self.query(request)), many=True).data)


VolumeView = _section_view("volume", VolumeSerializer, doc="Repair tickets received and completed.")
SuccessView = _section_view("success", SuccessSerializer, doc="Repair success, first-time fix, repeat repairs.")
DoaView = _section_view("doa", DoaSerializer, doc="DOA units per model ÷ units shipped (null rate: no shipments).")
SlaView = _section_view("sla", SlaSerializer, doc="SLA clocks met/breached per clock, breaches by level, median/p90.")
EngineersView = _section_view("engineers", EngineerRow, many=True, doc="Per-engineer figures.")
PartsView = _section_view("parts", PartsSerializer, doc="Spare parts issued to tickets less unused returns: "
                                                          "quantity and cost by part, model and engineer.")
VendorsView = _section_view("vendors", VendorsSerializer, doc="Vendor repair: units at vendors, turnaround "
                                                              "(median/p90 days), overdue RMA milestones.")
SatisfactionView = _section_view("satisfaction", SatisfactionSerializer,
                                 doc="Satisfaction callbacks (average scores, share satisfied) and complaints.")
