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


PARAMETERS = [
    OpenApiParameter("month", OpenApiTypes.STR, description="YYYY-MM (default: last month)"),
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="free range start (with date_to, instead of month)"),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="free range end, inclusive"),
    OpenApiParameter("product_line", OpenApiTypes.INT, description="product line id"),
    OpenApiParameter("model", OpenApiTypes.INT, description="product model id"),
    OpenApiParameter("service_type", OpenApiTypes.STR, enum=["onsite", "carry_in", "mail_in", "remote"]),
    OpenApiParameter("engineer", OpenApiTypes.INT, description="engineer (user) id"),
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
