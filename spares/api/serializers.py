"""Serializers of the spare-parts API: they validate input, services write."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from tickets.api.ticket_serializers import CompleteSerializer
from tickets.uploads import signature_from_data_url

from ..models import (
    Condition, MilestoneKind, Part, Quote, QuoteLine, QuoteLineKind, Reservation, Rma, RmaMilestone, StockBalance,
    StockMove, Vendor, Warehouse,
)
from ..services.ticket_parts import MAX_LINES, PartLine


class PartSerializer(serializers.ModelSerializer):
    class Meta:
        model = Part
        fields = ["id", "part_number", "name", "category", "compatible_models", "unit_cost", "reorder_point",
                  "is_active"]


class WarehouseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Warehouse
        fields = ["id", "code", "name", "kind", "engineer", "is_active"]


class VendorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Vendor
        fields = ["id", "code", "name", "contact_name", "phone", "email", "address"]


class StockBalanceSerializer(serializers.ModelSerializer):
    part_number = serializers.CharField(source="part.part_number", read_only=True)
    warehouse_code = serializers.CharField(source="warehouse.code", read_only=True)
    available = serializers.IntegerField(read_only=True)

    class Meta:
        model = StockBalance
        fields = ["id", "part", "part_number", "warehouse", "warehouse_code", "condition", "quantity", "reserved",
                  "available"]


class StockMoveSerializer(serializers.ModelSerializer):
    ticket = serializers.CharField(source="ticket.number", read_only=True, default=None, allow_null=True)

    class Meta:
        model = StockMove
        fields = ["id", "kind", "part", "quantity", "condition", "from_warehouse", "to_warehouse", "ticket", "rma",
                  "unit_cost", "note", "by", "at"]


class MoveCreateSerializer(serializers.Serializer):
    """receipt: warehouse; transfer: from_warehouse + warehouse; stocktake: warehouse + counted;
    scrap: from_warehouse."""

    kind = serializers.ChoiceField(choices=["receipt", "transfer", "stocktake", "scrap"])
    part = serializers.PrimaryKeyRelatedField(queryset=Part.objects.all())
    warehouse = serializers.PrimaryKeyRelatedField(queryset=Warehouse.objects.all(), required=False)
    from_warehouse = serializers.PrimaryKeyRelatedField(queryset=Warehouse.objects.all(), required=False)
    quantity = serializers.IntegerField(min_value=1, max_value=100_000, required=False)
    counted = serializers.IntegerField(min_value=0, max_value=100_000, required=False)
    condition = serializers.ChoiceField(choices=Condition.choices, default=Condition.GOOD)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    def validate(self, data):
        needs = {"receipt": ("warehouse", "quantity"), "transfer": ("from_warehouse", "warehouse", "quantity"),
                 "stocktake": ("warehouse", "counted"), "scrap": ("from_warehouse", "quantity")}[data["kind"]]
        missing = {name: [_("This field is required.")] for name in needs if data.get(name) is None}
        if missing:
            raise serializers.ValidationError(missing)
        return data


class ReservationSerializer(serializers.ModelSerializer):
    ticket = serializers.SlugRelatedField(slug_field="number", read_only=True)

    class Meta:
        model = Reservation
        fields = ["id", "ticket", "part", "warehouse", "quantity", "status", "created_at", "ended_at"]


class ReservationCreateSerializer(serializers.Serializer):
    ticket = serializers.CharField(max_length=20)
    part = serializers.PrimaryKeyRelatedField(queryset=Part.objects.all())
    warehouse = serializers.PrimaryKeyRelatedField(queryset=Warehouse.objects.all())
    quantity = serializers.IntegerField(min_value=1, max_value=100_000)


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = RmaMilestone
        fields = ["kind", "due_at", "completed_at", "note", "escalated_at", "cancelled"]


class RmaSerializer(serializers.ModelSerializer):
    ticket = serializers.SlugRelatedField(slug_field="number", read_only=True)
    number = serializers.CharField(read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)
    next_due_at = serializers.DateTimeField(read_only=True, default=None, allow_null=True)

    class Meta:
        model = Rma
        fields = ["id", "number", "ticket", "vendor", "reason", "is_doa", "status", "top_priority", "received_at",
                  "carrier", "tracking_number", "shipped_at", "expected_back", "cost", "vendor_refused_at",
                  "returned_at", "written_off_at", "write_off_reason", "next_due_at", "milestones"]


class RmaCreateSerializer(serializers.Serializer):
    ticket = serializers.CharField(max_length=20)
    vendor = serializers.PrimaryKeyRelatedField(queryset=Vendor.objects.all())
    reason = serializers.CharField(max_length=2000)
    received_at = serializers.DateTimeField(required=False, allow_null=True)


class ShipSerializer(serializers.Serializer):
    carrier = serializers.CharField(max_length=80)
    tracking_number = serializers.CharField(max_length=80)
    expected_back = serializers.DateField(required=False, allow_null=True)
    cost = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True)


class SendToVendorSerializer(serializers.Serializer):
    """The ticket's send-to-vendor action: opens an RMA; with carrier and tracking number
    the unit is shipped at once (both or neither)."""

    vendor = serializers.PrimaryKeyRelatedField(queryset=Vendor.objects.all())
    reason = serializers.CharField(max_length=2000)
    carrier = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    tracking_number = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    expected_back = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    def validate(self, data):
        if bool(data["carrier"].strip()) != bool(data["tracking_number"].strip()):
            raise serializers.ValidationError({"tracking_number": _(
                "Give both the carrier and the tracking number, or neither (record the shipment on the RMA later).")})
        return data


class MilestoneCompleteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[MilestoneKind.RECEIPT, MilestoneKind.DAY_7, MilestoneKind.DAY_15])
    note = serializers.CharField(max_length=2000)


class RmaNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class RmaRequiredNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000)


class RmaReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class QuoteLineSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)

    class Meta:
        model = QuoteLine
        fields = ["kind", "description", "part", "quantity", "unit_price", "amount"]
        extra_kwargs = {"quantity": {"min_value": 1, "max_value": 1000}, "unit_price": {"min_value": 0},
                        "kind": {"choices": QuoteLineKind.choices}}


class QuoteSerializer(serializers.ModelSerializer):
    ticket = serializers.SlugRelatedField(slug_field="number", read_only=True)
    lines = QuoteLineSerializer(many=True, read_only=True)
    total = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    charged_if_unrepairable = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)

    class Meta:
        model = Quote
        fields = ["id", "ticket", "status", "lines", "total", "charged_if_unrepairable", "created_at", "decided_at",
                  "customer_name", "typed_consent", "decline_reason", "waiver_reason"]


class QuoteCreateSerializer(serializers.Serializer):
    ticket = serializers.CharField(max_length=20)
    lines = QuoteLineSerializer(many=True)

    def validate_lines(self, lines):
        if not 1 <= len(lines) <= 30:
            raise serializers.ValidationError(_("A quote has between 1 and 30 lines."))
        return lines


class QuoteAcceptSerializer(serializers.Serializer):
    customer_name = serializers.CharField(max_length=200)
    typed_consent = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    signature = serializers.CharField(required=False, allow_blank=True, default="",
                                      help_text=_("A drawn signature as a data URL: data:image/png;base64,…"))

    def validate_signature(self, value):
        try:
            return signature_from_data_url(value)
        except DjangoValidationError as invalid:
            raise serializers.ValidationError(invalid.messages) from None


class QuoteWaiveSerializer(serializers.Serializer):
    ticket = serializers.CharField(max_length=20)
    reason = serializers.CharField(max_length=2000)


class QuoteDeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class PartLineSerializer(serializers.Serializer):
    part = serializers.PrimaryKeyRelatedField(queryset=Part.objects.filter(is_active=True))
    quantity = serializers.IntegerField(min_value=1, max_value=100)
    warehouse = serializers.PrimaryKeyRelatedField(queryset=Warehouse.objects.filter(is_active=True),
                                                   help_text=_("The van or warehouse the part came from."))


@extend_schema_serializer(component_name="Complete")  # replaces tickets' CompleteSerializer in the API
class CompleteWithPartsSerializer(CompleteSerializer):
    parts_used = None
    parts = PartLineSerializer(many=True, required=False, default=list,
                               help_text=_("Parts used, as ledger lines; issued in the completion's transaction."))

    def validate_parts(self, lines):
        if len(lines) > MAX_LINES:
            raise serializers.ValidationError(_("At most %(max)s part lines.") % {"max": MAX_LINES})
        return [PartLine(**line) for line in lines]
