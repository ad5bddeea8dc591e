"""Spare-parts endpoints: catalogue, stock, the ledger, reservations, vendors, RMAs
with their milestone actions, and quotes (accept, decline, waive). Writes call the
services; domain refusals become 409/400 through the project's exception handler."""
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from tickets.api.permissions import ActionPermissions
from tickets.models import Ticket

from .. import selectors, services
from ..filtersets import (
    PartFilterSet, ReservationFilterSet, RmaFilterSet, StockBalanceFilterSet, StockMoveFilterSet,
)
from ..models import Part, Quote, Reservation, StockBalance, Vendor, Warehouse
from . import serializers as s


def _perms(model, *, write=None, **actions):
    view = [f"spares.view_{model}"]
    result = {"list": view, "retrieve": view, "metadata": view}
    if write:
        result.update({"create": [f"spares.add_{model}"], "update": [f"spares.change_{model}"],
                       "partial_update": [f"spares.change_{model}"]})
    result.update(actions)
    return result


class _Base(viewsets.GenericViewSet):
    permission_classes = [ActionPermissions]

    def _input(self, serializer_class):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _ticket(self, number):
        return get_object_or_404(Ticket, number=number)


class _Catalog(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
               _Base):
    pass


class PartViewSet(_Catalog):
    """The parts catalogue; `below_reorder_point=true` lists what to buy."""

    queryset = Part.objects.prefetch_related("compatible_models")
    serializer_class = s.PartSerializer
    filterset_class = PartFilterSet
    action_perms = _perms("part", write=True)


class WarehouseViewSet(_Catalog):
    queryset = Warehouse.objects.all()
    serializer_class = s.WarehouseSerializer
    filterset_fields = ["kind", "engineer", "is_active"]
    action_perms = _perms("warehouse", write=True)


class VendorViewSet(_Catalog):
    queryset = Vendor.objects.all()
    serializer_class = s.VendorSerializer
    action_perms = _perms("vendor", write=True)


class StockViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _Base):
    """Balances per part, warehouse and condition (on hand, reserved, available)."""

    queryset = StockBalance.objects.select_related("part", "warehouse")
    serializer_class = s.StockBalanceSerializer
    filterset_class = StockBalanceFilterSet
    action_perms = _perms("stockbalance")


class StockMoveViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _Base):
    """The ledger. POST books a receipt, transfer, stocktake or scrap."""

    queryset = selectors.moves()
    serializer_class = s.StockMoveSerializer
    filterset_class = StockMoveFilterSet
    action_perms = _perms("stockmove", create=["spares.add_stockmove"])

    @extend_schema(request=s.MoveCreateSerializer, responses={201: s.StockMoveSerializer})
    def create(self, request):
        d = self._input(s.MoveCreateSerializer)
        kw = {"part": d["part"], "by": request.user, "now": timezone.now(), "note": d["note"]}
        if d["kind"] == "receipt":
            move = services.receive_stock(warehouse=d["warehouse"], quantity=d["quantity"], **kw)
        elif d["kind"] == "transfer":
            move = services.transfer_stock(from_warehouse=d["from_warehouse"], to_warehouse=d["warehouse"],
                                           quantity=d["quantity"], condition=d["condition"], **kw)
        elif d["kind"] == "scrap":
            move = services.scrap_stock(warehouse=d["from_warehouse"], quantity=d["quantity"],
                                        condition=d["condition"], **kw)
        else:
            move = services.stocktake(warehouse=d["warehouse"], counted=d["counted"], condition=d["condition"], **kw)
        if move is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(s.StockMoveSerializer(move).data, status=status.HTTP_201_CREATED)


class ReservationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _Base):
    queryset = Reservation.objects.select_related("ticket")
    serializer_class = s.ReservationSerializer
    filterset_class = ReservationFilterSet
    action_perms = _perms("reservation", create=["spares.add_reservation"], release=["spares.add_reservation"])

    @extend_schema(request=s.ReservationCreateSerializer, responses={201: s.ReservationSerializer})
    def create(self, request):
        d = self._input(s.ReservationCreateSerializer)
        reservation = services.reserve_part(self._ticket(d["ticket"]), part=d["part"], warehouse=d["warehouse"],
                                            quantity=d["quantity"], by=request.user, now=timezone.now())
        return Response(s.ReservationSerializer(reservation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.ReservationSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        reservation = services.release_reservation(self.get_object(), by=request.user, now=timezone.now())
        return Response(s.ReservationSerializer(reservation).data)


class RmaViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _Base):
    """Vendor repairs, open ones first by their next milestone; actions record the steps."""

    serializer_class = s.RmaSerializer
    filterset_class = RmaFilterSet
    action_perms = _perms("rma", create=["spares.manage_rma"], ship=["spares.manage_rma"],
                          milestone=["spares.manage_rma"], returned=["spares.manage_rma"],
                          vendor_refusal=["spares.manage_rma"], write_off=["spares.write_off_rma"])

    def get_queryset(self):
        return selectors.rma_list(open_only=False).prefetch_related("milestones")

    def _answer(self, rma, code=status.HTTP_200_OK):
        rma = self.get_queryset().get(pk=rma.pk)
        return Response(s.RmaSerializer(rma).data, status=code)

    @extend_schema(request=s.RmaCreateSerializer, responses={201: s.RmaSerializer})
    def create(self, request):
        d = self._input(s.RmaCreateSerializer)
        rma = services.create_rma(self._ticket(d["ticket"]), vendor=d["vendor"], reason=d["reason"],
                                  received_at=d.get("received_at"), by=request.user, now=timezone.now())
        return self._answer(rma, status.HTTP_201_CREATED)

    @extend_schema(request=s.ShipSerializer, responses=s.RmaSerializer)
    @action(detail=True, methods=["post"])
    def ship(self, request, pk=None):
        d = self._input(s.ShipSerializer)
        return self._answer(services.ship_rma(self.get_object(), by=request.user, now=timezone.now(), **d))

    @extend_schema(request=s.MilestoneCompleteSerializer, responses=s.RmaSerializer)
    @action(detail=True, methods=["post"])
    def milestone(self, request, pk=None):
        """Complete the vendor-receipt, 7-day or 15-day milestone with a note."""
        d = self._input(s.MilestoneCompleteSerializer)
        rma = self.get_object()
        services.complete_milestone(rma, d["kind"], note=d["note"], by=request.user, now=timezone.now())
        return self._answer(rma)

    @extend_schema(request=s.RmaNoteSerializer, responses=s.RmaSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def returned(self, request, pk=None):
        """The unit is back: closes the RMA, the ticket goes back to in_progress."""
        d = self._input(s.RmaNoteSerializer)
        return self._answer(services.record_rma_return(self.get_object(), by=request.user, now=timezone.now(),
                                                       note=d["note"]))

    @extend_schema(request=s.RmaRequiredNoteSerializer, responses=s.RmaSerializer)
    @action(detail=True, methods=["post"], url_path="vendor-refusal")
    def vendor_refusal(self, request, pk=None):
        """The vendor will not return the unit: purchasing is notified."""
        d = self._input(s.RmaRequiredNoteSerializer)
        return self._answer(services.record_vendor_refusal(self.get_object(), by=request.user, now=timezone.now(),
                                                           note=d["note"]))

    @extend_schema(request=s.RmaReasonSerializer, responses=s.RmaSerializer)
    @action(detail=True, methods=["post"], url_path="write-off")
    def write_off(self, request, pk=None):
        d = self._input(s.RmaReasonSerializer)
        return self._answer(services.write_off_rma(self.get_object(), by=request.user, now=timezone.now(),
                                                   reason=d["reason"]))


class QuoteViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _Base):
    queryset = Quote.objects.select_related("ticket").prefetch_related("lines")
    serializer_class = s.QuoteSerializer
    filterset_fields = ["status"]
    action_perms = _perms("quote", create=["spares.add_quote"], accept=["spares.record_quote_decision"],
                          decline=["spares.record_quote_decision"], waive=["spares.waive_quote"])

    def _answer(self, quote, code=status.HTTP_200_OK):
        return Response(s.QuoteSerializer(self.get_queryset().get(pk=quote.pk)).data, status=code)

    @extend_schema(request=s.QuoteCreateSerializer, responses={201: s.QuoteSerializer})
    def create(self, request):
        d = self._input(s.QuoteCreateSerializer)
        quote = services.create_quote(self._ticket(d["ticket"]), lines=d["lines"], by=request.user,
                                      now=timezone.now())
        return self._answer(quote, status.HTTP_201_CREATED)

    @extend_schema(request=s.QuoteWaiveSerializer, responses={201: s.QuoteSerializer})
    @action(detail=False, methods=["post"])
    def waive(self, request):
        """A supervisor lets out-of-warranty work start without an accepted quote (reason on the timeline)."""
        d = self._input(s.QuoteWaiveSerializer)
        quote = services.waive_quote(self._ticket(d["ticket"]), reason=d["reason"], by=request.user,
                                     now=timezone.now())
        return self._answer(quote, status.HTTP_201_CREATED)

    @extend_schema(request=s.QuoteAcceptSerializer, responses=s.QuoteSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        d = self._input(s.QuoteAcceptSerializer)
        return self._answer(services.accept_quote(self.get_object(), customer_name=d["customer_name"],
                                                  typed_consent=d["typed_consent"], signature=d["signature"],
                                                  by=request.user, now=timezone.now()))

    @extend_schema(request=s.QuoteDeclineSerializer, responses=s.QuoteSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        d = self._input(s.QuoteDeclineSerializer)
        return self._answer(services.decline_quote(self.get_object(), reason=d["reason"], by=request.user,
                                                   now=timezone.now()))
