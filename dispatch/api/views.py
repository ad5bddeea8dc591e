"""Dispatch endpoints (SPEC §5, §6): engineers with their status and load, ranked
suggestions for a ticket, the depot bench of a ticket, and field jobs entered
afterwards. Reads come from dispatch.selectors, writes from dispatch.services; each
view reads the clock once and passes it down."""
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers as drf
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from tickets.api.permissions import ActionPermissions
from tickets.api.ticket_serializers import TicketDetailSerializer
from tickets.selectors import ticket_detail, visible_tickets
from tickets.uploads import serve_upload

from .. import selectors, services
from ..models import BenchTest, DepotPhoto, DepotReceipt
from . import serializers as s

_REFUSALS = {
    400: OpenApiResponse(description="Invalid input: messages per field, or `detail`."),
    403: OpenApiResponse(description="Your role may not do this."),
    404: OpenApiResponse(description="Not found among what you may see."),
    409: OpenApiResponse(description="Not possible in the current state."),
}
_ON_BENCH = ["dispatch.add_depotreceipt", "tickets.work_ticket", "tickets.record_on_behalf"]


def _validated(serializer_class, data, context):
    serializer = serializer_class(data=data, context=context)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class EngineerViewSet(viewsets.GenericViewSet):
    """Engineers with status, skills, area and load (open jobs), looked up by user id.

    The list is the dispatch roster from dispatch.selectors.engineers(), which returns a
    list (load annotated, product lines prefetched) rather than a queryset, and is
    small (one row per engineer of the center): it is answered whole, unpaginated."""

    lookup_field = "user_id"
    lookup_value_regex = r"\d+"
    serializer_class = s.EngineerSerializer
    permission_classes = [ActionPermissions]
    filter_backends = []
    pagination_class = None
    action_perms = {
        "list": ["dispatch.view_engineerprofile"], "retrieve": ["dispatch.view_engineerprofile"],
        "suggestions": ["dispatch.view_board"],
        # engineers set their own status, dispatchers anyone's; the service decides which
        "status": ["tickets.work_ticket", "dispatch.set_engineer_status"],
    }

    def _profile(self, user_id):
        """One engineer of the roster (404 for an unknown or inactive user)."""
        profile = next((p for p in selectors.engineers() if p.user_id == int(user_id)), None)
        if profile is None:
            raise Http404
        return profile

    @extend_schema(parameters=[s.EngineerFilterSerializer], responses=s.EngineerSerializer(many=True))
    def list(self, request):
        filters = _validated(s.EngineerFilterSerializer, request.query_params, self.get_serializer_context())
        wanted_status = filters.pop("status", None)
        line = filters.pop("product_line", None)
        profiles = selectors.engineers(product_line=line.code if line else None, **filters)
        if wanted_status:
            profiles = [profile for profile in profiles if profile.status == wanted_status]
        return Response(self.get_serializer(profiles, many=True).data)

    def retrieve(self, request, user_id=None):
        return Response(self.get_serializer(self._profile(user_id)).data)

    @extend_schema(request=s.EngineerSerializer, responses={200: s.EngineerSerializer, **_REFUSALS})
    @action(detail=True, methods=["post"])
    def status(self, request, user_id=None):
        """Set an engineer's status (`available`, `on_job`, `off_duty`): engineers their
        own, dispatchers anyone's."""
        engineer = get_object_or_404(get_user_model(), pk=user_id, is_active=True)
        if not engineer.has_perm("tickets.work_ticket"):
            raise Http404  # not an engineer: no status to set
        now = timezone.now()
        data = _validated(s.EngineerSerializer, request.data, self.get_serializer_context())
        services.set_status(engineer, data["status"], by=request.user, now=now)
        return Response(self.get_serializer(self._profile(user_id)).data)

    @extend_schema(parameters=[s.SuggestionQuerySerializer],
                   responses={200: s.SuggestionSerializer(many=True), **_REFUSALS})
    @action(detail=False, methods=["get"])
    def suggestions(self, request):
        """Engineers ranked for a ticket: able to do its service type and on duty, then
        skill, area, availability and lowest load (best first, at most three)."""
        number = _validated(s.SuggestionQuerySerializer, request.query_params, {})["ticket"]
        ticket = get_object_or_404(visible_tickets(request.user).select_related("customer", "unit__model"),
                                   number=number)
        ranked = selectors.suggest(ticket, selectors.engineers())
        return Response(s.SuggestionSerializer(ranked, many=True, context=self.get_serializer_context()).data)


class DepotViewSet(viewsets.GenericViewSet):
    """The depot bench of a carry-in or mail-in ticket, by ticket number: receive the
    unit (condition, accessories, photos), record bench tests, return it to the
    customer. A ticket you may not see is 404; the service refuses the rest."""

    lookup_field = "number"
    serializer_class = s.DepotSerializer
    permission_classes = [ActionPermissions]
    filter_backends = []
    pagination_class = None
    action_perms = {
        "retrieve": ["tickets.view_ticket"],
        "photo": ["tickets.view_ticket"],
        "receive": _ON_BENCH,
        "tests": ["dispatch.add_benchtest", *_ON_BENCH],
        "return_unit": _ON_BENCH,
    }

    def get_queryset(self):
        return selectors.depot_tickets(self.request.user).select_related("unit")

    def _bench(self, ticket, status_code=status.HTTP_200_OK):
        receipt = (DepotReceipt.objects.filter(ticket=ticket).select_related("received_by", "returned_by")
                   .prefetch_related("photos").first())
        tests = BenchTest.objects.filter(ticket=ticket).select_related("tested_by")
        body = s.DepotSerializer({"ticket": ticket, "receipt": receipt, "tests": tests},
                                 context={**self.get_serializer_context(), "ticket_number": ticket.number}).data
        return Response(body, status=status_code)

    def retrieve(self, request, number=None):
        return self._bench(self.get_object())

    @extend_schema(responses={(200, "image/jpeg"): OpenApiTypes.BINARY, (200, "image/png"): OpenApiTypes.BINARY,
                            (200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path=r"photos/(?P<photo_id>\d+)")
    def photo(self, request, number=None, photo_id=None):
        """One receipt photo as uploaded; 404 for a ticket you may not see."""
        return serve_upload(get_object_or_404(DepotPhoto, pk=photo_id, receipt__ticket=self.get_object()).image)

    @extend_schema(request={"multipart/form-data": s.ReceiveSerializer},
                   responses={201: s.DepotSerializer, **_REFUSALS})
    @action(detail=True, methods=["post"])
    def receive(self, request, number=None):
        """Receive the unit; 409 if it was already received."""
        ticket = self.get_object()
        now = timezone.now()
        data = _validated(s.ReceiveSerializer, request.data, self.get_serializer_context())
        try:
            services.receive_unit(ticket, by=request.user, now=now, **data)
        except DjangoValidationError as invalid:  # a photo refused by the upload validator
            raise drf.ValidationError({"photos": invalid.messages}) from None
        return self._bench(ticket, status.HTTP_201_CREATED)

    @extend_schema(request=s.BenchTestSerializer, responses={201: s.DepotSerializer, **_REFUSALS})
    @action(detail=True, methods=["post"])
    def tests(self, request, number=None):
        """Record a fault test (`fault_confirmed` / `no_fault_found`) or a post-repair test
        (`passed` / `failed`); the job must be under way."""
        ticket = self.get_object()
        now = timezone.now()
        data = _validated(s.BenchTestSerializer, request.data, self.get_serializer_context())
        services.record_test(ticket, by=request.user, now=now, **data)
        return self._bench(ticket, status.HTTP_201_CREATED)

    @extend_schema(request=s.ReturnSerializer, responses={200: s.DepotSerializer, **_REFUSALS})
    @action(detail=True, methods=["post"], url_path="return")
    def return_unit(self, request, number=None):
        """Give the unit back: `pickup`, or `courier` with a tracking number."""
        ticket = self.get_object()
        now = timezone.now()
        data = _validated(s.ReturnSerializer, request.data, self.get_serializer_context())
        services.return_to_customer(ticket, by=request.user, now=now, **data)
        return self._bench(ticket)


class FieldJobViewSet(viewsets.GenericViewSet):
    """Jobs an engineer took directly in the field, entered afterwards with their real
    times (SPEC §5). Entered by the engineer, or by a dispatcher on their behalf."""

    serializer_class = s.FieldJobSerializer
    permission_classes = [ActionPermissions]
    filter_backends = []
    pagination_class = None
    action_perms = {"create": ["tickets.add_ticket", "tickets.work_ticket"]}

    @extend_schema(request=s.FieldJobSerializer, responses={201: TicketDetailSerializer, **_REFUSALS})
    def create(self, request):
        now = timezone.now()
        data = _validated(s.FieldJobSerializer, request.data, {**self.get_serializer_context(), "now": now})
        ticket = services.enter_field_job(by=request.user, now=now, **data)
        ticket = ticket_detail(request.user).filter(pk=ticket.pk).first() or ticket
        body = TicketDetailSerializer(ticket, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)
