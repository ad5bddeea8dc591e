"""Escalations raised by the SLA sweep (SPEC §4): the supervisors' list and the
acknowledge action. Roles that see escalations see every ticket; an engineer (who has
no view_escalation) is refused with 403 before any query."""
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from aftersales.api import StableCursorPagination

from .. import escalations
from ..filtersets_sla import EscalationFilterSet
from ..models import Escalation
from ..selectors import visible_tickets
from .escalation_serializers import AcknowledgeSerializer, AcknowledgeTicketSerializer, EscalationSerializer
from .permissions import ActionPermissions

_VIEW = ["tickets.view_escalation"]


class EscalationPagination(StableCursorPagination):
    """Newest first by id, with a cursor.

    The page's natural order (open ones first, then newest) cannot carry a cursor:
    DRF's cursor needs one unique, monotonic position field, and a list ordered by
    "acknowledged?" would shift under a supervisor who acknowledges while paging —
    offset pages would then skip rows. So the endpoint pages by id, which stays stable
    while the sweep inserts and supervisors acknowledge, and "open ones first" is the
    filter `?acknowledged=false` (newest first as well)."""

    ordering = ("-id",)


class EscalationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Warnings and escalations with their clock and who acknowledged them.
    Filters: `level`, `clock`, `acknowledged`, `ticket`, `raised_after`, `raised_before`."""

    serializer_class = EscalationSerializer
    filterset_class = EscalationFilterSet
    pagination_class = EscalationPagination
    permission_classes = [ActionPermissions]
    action_perms = {"list": _VIEW, "retrieve": _VIEW, "acknowledge": ["tickets.acknowledge_escalation"],
                    "acknowledge_ticket": ["tickets.acknowledge_escalation"]}

    def get_queryset(self):
        rows = Escalation.objects.select_related("ticket", "clock", "rma__vendor", "acknowledged_by")
        user = self.request.user
        if not user.has_perm("tickets.view_all_tickets"):
            rows = rows.filter(ticket__in=visible_tickets(user))
        return rows

    def filter_queryset(self, queryset):
        """Filters apply to the list; a detail lookup must not depend on query strings."""
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    @extend_schema(request=AcknowledgeSerializer, responses={
        200: EscalationSerializer,
        400: OpenApiResponse(description="The note is too long."),
        403: OpenApiResponse(description="Your role may not acknowledge escalations."),
        404: OpenApiResponse(description="No such escalation."),
        409: OpenApiResponse(description="Already acknowledged."),
    })
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """Record that you took charge of this escalation, with an optional note."""
        escalation = self.get_object()
        now = timezone.now()
        serializer = AcknowledgeSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        escalations.acknowledge(escalation, by=request.user, now=now, **serializer.validated_data)
        escalation = self.get_queryset().get(pk=escalation.pk)
        return Response(EscalationSerializer(escalation, context=self.get_serializer_context()).data)

    @extend_schema(request=AcknowledgeTicketSerializer, responses={
        200: EscalationSerializer(many=True),
        400: OpenApiResponse(description="No ticket number, or the note is too long."),
        403: OpenApiResponse(description="Your role may not acknowledge escalations."),
        404: OpenApiResponse(description="No such ticket among those you may see."),
        409: OpenApiResponse(description="The ticket has no open escalation."),
    })
    @action(detail=False, methods=["post"], url_path="acknowledge-ticket")
    def acknowledge_ticket(self, request):
        """Acknowledge every open escalation of one ticket at once (highest level first
        in the answer), with an optional note."""
        now = timezone.now()
        serializer = AcknowledgeTicketSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        ticket = get_object_or_404(visible_tickets(request.user), number=serializer.validated_data["ticket"])
        done = escalations.acknowledge_ticket(ticket, by=request.user, now=now,
                                              note=serializer.validated_data["note"])
        rows = self.get_queryset().filter(pk__in=[e.pk for e in done])
        rows = sorted(rows, key=lambda e: [e.pk for e in done].index(e.pk))
        return Response(EscalationSerializer(rows, many=True, context=self.get_serializer_context()).data)
