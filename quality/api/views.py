"""Quality API (SPEC §10): callbacks, surveys, complaints, quality-alerts, qa-samples.
Role checks are the permissions the pages use; writes go through quality.services."""
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from tickets.api.permissions import ActionPermissions

from .. import selectors, services
from ..filtersets import (
    CallbackFilterSet, ComplaintFilterSet, QaSampleFilterSet, QualityAlertFilterSet, SurveyLinkFilterSet,
)
from ..models import Callback, Complaint, QaSample, QualityAlert, SurveyLink
from . import serializers as s

_REFUSALS = {
    400: OpenApiResponse(description="Bad input, per field."),
    403: OpenApiResponse(description="Your role may not do this."),
    409: OpenApiResponse(description="Not possible in the current state."),
}


class _Base(viewsets.GenericViewSet):
    permission_classes = [ActionPermissions]

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def _input(self, serializer_class):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _out(self, instance, code=status.HTTP_200_OK):
        instance = self.get_queryset().get(pk=instance.pk)
        return Response(self.get_serializer(instance).data, status=code)


class CallbackViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _Base):
    """Callback attempts. POST records one: `answered` with three 1–5 scores (closes the
    ticket), or a failed attempt (`no_answer`, `wrong_number`, `refused`)."""

    serializer_class = s.CallbackSerializer
    filterset_class = CallbackFilterSet
    action_perms = {"list": ["quality.view_callback"], "retrieve": ["quality.view_callback"],
                    "create": ["quality.add_callback"], "follow_up": ["quality.follow_up_callback"]}

    def get_queryset(self):
        return Callback.objects.select_related("ticket", "by", "follow_up_by")

    @extend_schema(request=s.CallbackInputSerializer, responses={201: s.CallbackSerializer, **_REFUSALS})
    def create(self, request):
        data = self._input(s.CallbackInputSerializer)
        ticket = data.pop("ticket")
        callback = services.record_callback(ticket, by=request.user, now=timezone.now(), **data)
        return self._out(callback, status.HTTP_201_CREATED)

    @extend_schema(request=s.FollowUpInputSerializer, responses={200: s.CallbackSerializer, **_REFUSALS})
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request, pk=None):
        """Record what quality staff did about a low score."""
        callback = self.get_object()
        services.follow_up(callback, by=request.user, now=timezone.now(), **self._input(s.FollowUpInputSerializer))
        return self._out(callback)


class SurveyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _Base):
    """Public survey links. POST makes a new single-use link for a completed ticket (older
    unused ones stop working); the response carries the link once (`url`)."""

    serializer_class = s.SurveyLinkSerializer
    filterset_class = SurveyLinkFilterSet
    action_perms = {"list": ["quality.view_surveylink"], "retrieve": ["quality.view_surveylink"],
                    "create": ["quality.add_surveylink"]}

    def get_queryset(self):
        return SurveyLink.objects.select_related("ticket", "created_by")

    @extend_schema(request=s.SurveyInputSerializer, responses={201: s.SurveyLinkCreatedSerializer, **_REFUSALS})
    def create(self, request):
        data = self._input(s.SurveyInputSerializer)
        link, url = services.issue_survey_link(data.pop("ticket"), by=request.user, now=timezone.now(), **data)
        link.url = url
        return Response(s.SurveyLinkCreatedSerializer(link, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)


class ComplaintViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _Base):
    """Complaints with their reply clock, investigation, remedy, acceptance and closure.
    A major complaint forms its task force at once; task-force members who may not see
    every complaint see theirs."""

    serializer_class = s.ComplaintSerializer
    filterset_class = ComplaintFilterSet
    _handle = ["quality.change_complaint"]
    action_perms = {"list": ["quality.view_complaint"], "retrieve": ["quality.view_complaint"],
                    "create": ["quality.add_complaint"], "reply": _handle, "investigate": _handle,
                    "remedy": _handle, "acceptance": _handle, "close": _handle}

    queryset = Complaint.objects.none()  # for the schema; get_queryset filters by who asks

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return selectors.visible_complaints(self.request.user).prefetch_related("task_force__user").distinct()

    @extend_schema(request=s.ComplaintInputSerializer, responses={201: s.ComplaintSerializer, **_REFUSALS})
    def create(self, request):
        complaint = services.create_complaint(by=request.user, now=timezone.now(),
                                              **self._input(s.ComplaintInputSerializer))
        return self._out(complaint, status.HTTP_201_CREATED)

    def _step(self, serializer_class, run):
        complaint = self.get_object()
        run(complaint, by=self.request.user, now=timezone.now(), **self._input(serializer_class))
        return self._out(complaint)

    @extend_schema(request=s.ReplyInputSerializer, responses={200: s.ComplaintSerializer, **_REFUSALS})
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        """The first reply to the customer; stops the reply clock."""
        return self._step(s.ReplyInputSerializer, services.record_reply)

    @extend_schema(request=s.InvestigationInputSerializer, responses={200: s.ComplaintSerializer, **_REFUSALS})
    @action(detail=True, methods=["post"])
    def investigate(self, request, pk=None):
        return self._step(s.InvestigationInputSerializer, services.record_investigation)

    @extend_schema(request=s.RemedyInputSerializer, responses={200: s.ComplaintSerializer, **_REFUSALS})
    @action(detail=True, methods=["post"])
    def remedy(self, request, pk=None):
        return self._step(s.RemedyInputSerializer, services.record_remedy)

    @extend_schema(request=s.AcceptanceInputSerializer, responses={200: s.ComplaintSerializer, **_REFUSALS})
    @action(detail=True, methods=["post"])
    def acceptance(self, request, pk=None):
        return self._step(s.AcceptanceInputSerializer, services.record_acceptance)

    @extend_schema(request=s.CloseComplaintInputSerializer, responses={200: s.ComplaintSerializer, **_REFUSALS})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close with a summary and prevention notes (needs reply, investigation, remedy, answer)."""
        return self._step(s.CloseComplaintInputSerializer, services.close_complaint)


class QualityAlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _Base):
    """Batch-failure alerts; acknowledge one with findings."""

    serializer_class = s.QualityAlertSerializer
    filterset_class = QualityAlertFilterSet
    action_perms = {"list": ["quality.view_qualityalert"], "retrieve": ["quality.view_qualityalert"],
                    "acknowledge": ["quality.acknowledge_qualityalert"]}

    def get_queryset(self):
        return QualityAlert.objects.select_related("product_model", "fault_code", "acknowledged_by").prefetch_related(
            "tickets")

    @extend_schema(request=s.AlertAckInputSerializer, responses={200: s.QualityAlertSerializer, **_REFUSALS})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        alert = self.get_object()
        services.acknowledge_alert(alert, by=request.user, now=timezone.now(), **self._input(s.AlertAckInputSerializer))
        return self._out(alert)


class QaSampleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _Base):
    """Monthly QA samples; `draw` samples a month, `score` records the four scores."""

    serializer_class = s.QaSampleSerializer
    filterset_class = QaSampleFilterSet
    action_perms = {"list": ["quality.view_qasample"], "retrieve": ["quality.view_qasample"],
                    "draw": ["quality.add_qasample"], "score": ["quality.change_qasample"]}

    def get_queryset(self):
        return QaSample.objects.select_related("ticket", "person", "scored_by")

    @extend_schema(request=s.QaDrawInputSerializer, responses={
        200: OpenApiResponse(description='{"drawn": <count>}'), **_REFUSALS})
    @action(detail=False, methods=["post"])
    def draw(self, request):
        data = self._input(s.QaDrawInputSerializer)
        count = services.draw_sample(data["month"], by=request.user, now=timezone.now(), size=data["size"])
        return Response({"drawn": count})

    @extend_schema(request=s.QaScoreInputSerializer, responses={200: s.QaSampleSerializer, **_REFUSALS})
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None):
        sample = self.get_object()
        services.score_sample(sample, by=request.user, now=timezone.now(), **self._input(s.QaScoreInputSerializer))
        return self._out(sample)
