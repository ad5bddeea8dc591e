"""Ticket endpoints: list/retrieve/intake, and one POST action per lifecycle step of
SPEC §3. Every action validates its input, reads the clock once, calls the service,
and answers with the updated ticket. Visibility comes from tickets.selectors, so an
engineer gets 404 for somebody else's job."""
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from spares.api.serializers import CompleteWithPartsSerializer, SendToVendorSerializer
from spares.services import complete_with_parts
from dispatch import services as dispatch_services  # assignment with the dispatch fit rule (issue 7 item 8)

from .. import services
from ..selectors import ticket_api_detail, ticket_list, visible_tickets
from . import ticket_serializers as s
from ..filtersets import TicketFilterSet
from .permissions import ActionPermissions

_VIEW = ["tickets.view_ticket"]
_WORK = ["tickets.work_ticket", "tickets.record_on_behalf"]
_VENDOR = ["tickets.handle_vendor_repair", *_WORK]


_REFUSALS = {
    400: OpenApiResponse(description="Invalid input: messages per field, or `detail`."),
    403: OpenApiResponse(description="Your role may not do this."),
    404: OpenApiResponse(description="No such ticket among those you may see."),
    409: OpenApiResponse(description="Not possible in the ticket's status, or changed meanwhile."),
}


def _action(serializer, path=None):
    """A POST lifecycle action taking `serializer` and answering with the ticket."""
    schema = extend_schema(request=serializer, responses={200: s.TicketDetailSerializer, **_REFUSALS})
    route = action(detail=True, methods=["post"], url_path=path)
    return lambda func: schema(route(func))


class TicketViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    viewsets.GenericViewSet):
    """Service tickets. There is no generic update: status and milestones change only
    through the lifecycle actions."""

    lookup_field = "number"
    filterset_class = TicketFilterSet
    permission_classes = [ActionPermissions]
    action_perms = {
        "list": _VIEW, "retrieve": _VIEW, "events": _VIEW, "metadata": _VIEW,
        "create": ["tickets.add_ticket"],
        "assign": ["tickets.assign_ticket"], "reassign": ["tickets.assign_ticket"],
        "arrive": _WORK, "start": _WORK, "hold": _WORK, "resume": _WORK, "complete": _WORK,
        "send_to_vendor": _VENDOR, "unit_back": _VENDOR,
        "close": ["tickets.close_ticket"], "cancel": ["tickets.cancel_ticket"],
        "reopen": ["tickets.reopen_ticket"], "resolve": ["tickets.resolve_at_intake"],
        "notes": ["tickets.add_note"], "priority": ["tickets.change_ticket_priority"],
        "part_received": ["tickets.handle_vendor_repair"],
    }

    def get_queryset(self):
        user = self.request.user
        if self.action == "list":
            return ticket_list(user)
        if self.action == "retrieve":
            return ticket_api_detail(user)
        return visible_tickets(user)

    def filter_queryset(self, queryset):
        """Filters apply to the list; a detail lookup must not depend on query strings."""
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_serializer_class(self):
        return s.TicketSerializer if self.action == "list" else s.TicketDetailSerializer

    def _run(self, serializer_class, service, rename=None):
        """Validate the body, then call `service(ticket, by=, now=, **fields)`."""
        ticket = self.get_object()
        now = timezone.now()
        data = self._validated(serializer_class, now)
        fields = {(rename or {}).get(name, name): value for name, value in data.items()}
        result = service(ticket, by=self.request.user, now=now, **fields)
        ticket = result if isinstance(result, type(ticket)) else ticket
        return Response(s.TicketDetailSerializer(ticket, context=self.get_serializer_context()).data)

    def _validated(self, serializer_class, now):
        context = {**self.get_serializer_context(), "now": now}
        serializer = serializer_class(data=self.request.data, context=context)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(request=s.TicketCreateSerializer, responses={201: s.TicketDetailSerializer})
    def create(self, request, *args, **kwargs):
        now = timezone.now()
        data = self._validated(s.TicketCreateSerializer, now)
        ticket = services.create_ticket(by=request.user, now=now, **data)
        body = s.TicketDetailSerializer(ticket, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.TicketEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def events(self, request, number=None):
        """The ticket's timeline, oldest first."""
        ticket = self.get_object()
        events = ticket.events.select_related("actor", "on_behalf_of").order_by("at", "id")
        return Response(s.TicketEventSerializer(events, many=True).data)

    @_action(s.AssignSerializer)
    def assign(self, request, number=None):
        """First assignment of a new ticket; 409 if someone assigned it meanwhile, or if the
        engineer is off duty, lacks the skill or does not do this service type and no
        `override_reason` is given."""
        return self._run(s.AssignSerializer, dispatch_services.assign, {"assignee": "engineer"})

    @_action(s.ReassignSerializer)
    def reassign(self, request, number=None):
        """Give a dispatched job to another engineer; `expected_assignee` guards races; the
        same override rule as assign."""
        return self._run(s.ReassignSerializer, dispatch_services.reassign,
                         {"assignee": "engineer", "expected_assignee": "expected_assignee_id"})

    @_action(s.EventTimeSerializer)
    def arrive(self, request, number=None):
        return self._run(s.EventTimeSerializer, services.arrive)

    @_action(s.EventTimeSerializer)
    def start(self, request, number=None):
        return self._run(s.EventTimeSerializer, services.start_work)

    @_action(s.HoldSerializer)
    def hold(self, request, number=None):
        return self._run(s.HoldSerializer, services.hold)

    @_action(None)
    def resume(self, request, number=None):
        return self._run(s.EmptySerializer, services.resume)

    @_action(SendToVendorSerializer, path="send-to-vendor")
    def send_to_vendor(self, request, number=None):
        """Opens the unit's vendor repair (RMA) with its milestones; the ticket goes at_vendor."""
        return self._run(SendToVendorSerializer, services.send_to_vendor)

    @_action(s.NoteSerializer, path="unit-back")
    def unit_back(self, request, number=None):
        return self._run(s.NoteSerializer, services.unit_back_from_vendor)

    @_action(CompleteWithPartsSerializer)
    def complete(self, request, number=None):
        """Completion with the service report and the parts used (ledger lines, issued in
        the same transaction); missing report fields come back per field."""
        return self._run(CompleteWithPartsSerializer, complete_with_parts, {"parts": "part_lines"})

    @_action(s.CloseSerializer)
    def close(self, request, number=None):
        return self._run(s.CloseSerializer, services.close)

    @_action(s.ReasonSerializer)
    def cancel(self, request, number=None):
        return self._run(s.ReasonSerializer, services.cancel)

    @_action(s.ReasonSerializer)
    def reopen(self, request, number=None):
        return self._run(s.ReasonSerializer, services.reopen)

    @_action(s.ResolveSerializer)
    def resolve(self, request, number=None):
        """Close an inquiry answered on the call (outcome `answered`)."""
        return self._run(s.ResolveSerializer, services.resolve_at_intake)

    @_action(s.PrioritySerializer)
    def priority(self, request, number=None):
        """Change the priority; the running SLA clocks get the new targets."""
        return self._run(s.PrioritySerializer, services.change_priority)

    @_action(s.NoteSerializer, path="part-received")
    def part_received(self, request, number=None):
        """The spare-parts desk received the defective part (stops the part-return clock)."""
        return self._run(s.NoteSerializer, services.receive_defective_part)

    @_action(s.MessageSerializer)
    def notes(self, request, number=None):
        """Add a note to the timeline."""
        return self._run(s.MessageSerializer, services.add_note)
