"""Escalation representations (SPEC §4) and the acknowledge input. Acknowledging goes
through tickets.escalations.acknowledge; nothing here writes."""
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Escalation, SlaClock
from .ticket_serializers import UserRefSerializer

NOTE_LIMIT = 2000  # tickets.escalations.acknowledge refuses longer notes


class EscalationClockSerializer(serializers.ModelSerializer):
    """The clock that fell due: its deadline and, once stopped, how it ended."""

    class Meta:
        model = SlaClock
        fields = ["kind", "cycle", "due_at", "stopped_at", "outcome"]
        read_only_fields = fields


class EscalationRmaSerializer(serializers.Serializer):
    """The vendor repair whose milestone was missed (or whose daily reminder went out)."""

    id = serializers.IntegerField(source="rma.pk")
    number = serializers.CharField(source="rma.number")
    vendor = serializers.CharField(source="rma.vendor.name")
    milestone = serializers.CharField(source="rma_milestone", help_text="A milestone kind, or `reminder`.")
    reminder_day = serializers.DateField(allow_null=True)
    url = serializers.CharField(source="rma.get_absolute_url")


class EscalationSerializer(serializers.ModelSerializer):
    ticket = serializers.SlugRelatedField(slug_field="number", read_only=True)
    clock = EscalationClockSerializer(read_only=True, allow_null=True, help_text="Empty for an RMA escalation.")
    rma = serializers.SerializerMethodField()
    acknowledged_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Escalation
        fields = ["id", "ticket", "clock", "rma", "level", "due_at", "raised_at", "acknowledged_by",
                  "acknowledged_at", "note"]
        read_only_fields = fields


    @extend_schema_field(EscalationRmaSerializer(allow_null=True))
    def get_rma(self, escalation):
        return EscalationRmaSerializer(escalation).data if escalation.rma_id else None


class AcknowledgeSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=NOTE_LIMIT, required=False, allow_blank=True, default="")


class AcknowledgeTicketSerializer(AcknowledgeSerializer):
    ticket = serializers.CharField(max_length=40, help_text="Ticket number, e.g. SR-2026-000123.")
