"""Ticket serializers: the read representations, the intake input, and one input
serializer per lifecycle action. None of them sets a status or saves a ticket: the
views hand `validated_data` to tickets.services."""

import copy

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject

from spares.models import Warehouse, WarehouseKind

from .. import choices
from ..models import (
    Completion,
    Customer,
    FaultCode,
    ProductUnit,
    ServiceReport,
    SlaClock,
    Ticket,
    TicketEvent,
)
from ..exceptions import InvalidInput
from ..services.base import check_reported_time
from ..uploads import signature_from_data_url

TEXT_LIMIT = 5000


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    full_name = serializers.CharField(source="get_full_name", read_only=True)


class CustomerRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class UnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    serial_number = serializers.CharField(read_only=True)
    model_code = serializers.CharField(source="model.code", read_only=True)


class FaultCodeRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = FaultCode
        fields = ["id", "code", "description"]


_REFS = {  # what the reference serializers above return, written out (FastRowsMixin)
    CustomerRefSerializer: lambda c: {"id": int(c.id), "name": str(c.name)},
    UnitRefSerializer: lambda u: {"id": int(u.id), "serial_number": str(u.serial_number),
                                  "model_code": str(u.model.code)},
    UserRefSerializer: lambda u: {"id": int(u.id), "username": str(u.username), "full_name": str(u.get_full_name())},
    FaultCodeRefSerializer: lambda f: {"id": int(f.id), "code": str(f.code), "description": str(f.description)},
}
_SCALARS = (serializers.CharField, serializers.ChoiceField, serializers.BooleanField, serializers.IntegerField,
            serializers.DateTimeField)


class FastRowsMixin:
    """Serializer.to_representation with a plan made once per serializer (a list's rows
    share one): plain model fields read with getattr and the reference serializers
    written out, every other field the usual way. The same output; a list of 50 tickets
    costs a third of the CPU (issue 12)."""

    def get_fields(self):
        # ModelSerializer introspects the model for every serializer it makes (one per
        # request); the fields it builds are the same each time: build them once per class
        # and hand out copies, as DRF does with declared fields.
        template = type(self).__dict__.get("_fields_template")
        if template is None:
            template = super().get_fields()
            type(self)._fields_template = template
        return copy.deepcopy(template)

    def to_representation(self, instance):
        plan = self.__dict__.get("_row_plan")
        if plan is None:
            plan = self._row_plan = [(field.field_name, self._read_plan(field)) for field in self._readable_fields]
        ret = {}
        for name, read in plan:
            value = read(instance)
            if value is not _SKIP:
                ret[name] = value
        return ret

    @staticmethod
    def _read_plan(field):
        simple = len(field.source_attrs) == 1
        if simple and type(field) in _REFS:
            attr, make = field.source_attrs[0], _REFS[type(field)]

            def ref(instance):
                value = getattr(instance, attr)
                return None if value is None else make(value)
            return ref
        if simple and type(field) in _SCALARS:
            attr, represent = field.source_attrs[0], field.to_representation

            def scalar(instance):
                value = getattr(instance, attr)
                return None if value is None else represent(value)
            return scalar

        def usual(instance):  # as rest_framework.serializers.Serializer.to_representation
            try:
                attribute = field.get_attribute(instance)
            except SkipField:
                return _SKIP
            check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            return None if check_for_none is None else field.to_representation(attribute)
        return usual


_SKIP = object()


MILESTONES = ["created_at", "first_assigned_at", "assigned_at", "arrived_at", "started_at",
              "sent_to_vendor_at", "completed_at", "closed_at", "cancelled_at"]
SLA_FIELDS = ["response_due_at", "arrival_due_at", "completion_due_at", "sla_warned", "sla_breached",
              "special_circumstance", "travel_minutes"]


class TicketSerializer(FastRowsMixin, serializers.ModelSerializer):
    """A row of the ticket list (related objects come from selectors.ticket_list)."""

    customer = CustomerRefSerializer(read_only=True)
    unit = UnitRefSerializer(read_only=True, allow_null=True)
    assignee = UserRefSerializer(read_only=True, allow_null=True)
    fault_code = FaultCodeRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Ticket
        fields = ["id", "number", "status", "customer", "unit", "channel", "category", "service_type",
                  "priority", "fault_description", "fault_code", "fault_kind", "warranty_status",
                  "is_doa", "assignee", "hold_reason", "outcome", "is_repeat", "reopen_count", "service_point",
                  *MILESTONES, *SLA_FIELDS, "updated_at"]
        read_only_fields = fields


class ServiceReportSerializer(serializers.ModelSerializer):
    created_by = UserRefSerializer(read_only=True)

    class Meta:
        model = ServiceReport
        fields = ["work_done", "parts_used", "parts_replaced", "customer_confirmation",
                  "created_by", "created_at"]


class SlaClockSerializer(serializers.ModelSerializer):
    """One SLA clock of the ticket (SPEC §4) and, once stopped, its outcome."""

    class Meta:
        model = SlaClock
        fields = ["kind", "subject", "cycle", "started_at", "target", "warn_at", "due_at", "level2_at",
                  "stopped_at", "outcome", "elapsed", "overrun"]
        extra_kwargs = {"subject": {"help_text": "What the clock waits for: the part owed on a part-return clock."}}
        read_only_fields = fields


class CompletionSerializer(serializers.ModelSerializer):
    """One completion of the ticket (kept when the ticket is reopened), read-only."""

    engineer = UserRefSerializer(read_only=True, allow_null=True)
    repeat_of = serializers.SlugRelatedField(slug_field="sequence", read_only=True, allow_null=True)

    class Meta:
        model = Completion
        fields = ["sequence", "outcome", "engineer", "fault_kind", "parts_replaced", "assigned_at", "started_at",
                  "completed_at", "response_outcome", "arrival_outcome", "completion_outcome",
                  "part_return_outcome", "callback_outcome", "is_repeat", "repeat_of", "reopened_at", "failed"]
        read_only_fields = fields


class TicketDetailSerializer(TicketSerializer):
    """One ticket, with what its page shows besides the list columns."""

    created_by = UserRefSerializer(read_only=True, allow_null=True)
    repeat_of = serializers.SlugRelatedField(slug_field="number", read_only=True, allow_null=True)
    service_report = serializers.SerializerMethodField()
    clocks = SlaClockSerializer(many=True, read_only=True)
    completions = CompletionSerializer(many=True, read_only=True)

    class Meta(TicketSerializer.Meta):
        fields = [*TicketSerializer.Meta.fields, "close_reason", "cancel_reason", "repeat_of",
                  "created_by", "quote_accepted_at", "parts_requested_at", "service_report", "clocks",
                  "completions", "unit_received_at", "legacy_ref"]
        read_only_fields = fields

    @extend_schema_field(ServiceReportSerializer(allow_null=True))
    def get_service_report(self, ticket):
        try:
            report = ticket.service_report
        except ServiceReport.DoesNotExist:
            return None
        return ServiceReportSerializer(report).data


class TicketEventSerializer(serializers.ModelSerializer):
    actor = UserRefSerializer(read_only=True, allow_null=True)
    on_behalf_of = UserRefSerializer(read_only=True, allow_null=True)
    text = serializers.SerializerMethodField(help_text="The event in the request's language (Accept-Language).")

    class Meta:
        model = TicketEvent
        fields = ["id", "at", "kind", "actor", "on_behalf_of", "from_status", "to_status", "text", "message", "data"]
        read_only_fields = fields


    def get_text(self, event) -> str:
        from tickets.templatetags.ticket_ui import event_text

        return event_text(event)


class TicketCreateSerializer(serializers.ModelSerializer):
    """Intake input. Warranty status and DOA are read off the unit by the service."""

    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    unit = serializers.PrimaryKeyRelatedField(queryset=ProductUnit.objects.all(), required=False, allow_null=True)
    fault_code = serializers.PrimaryKeyRelatedField(queryset=FaultCode.objects.all(), required=False,
                                                    allow_null=True)
    fault_description = serializers.CharField(max_length=TEXT_LIMIT, required=False, allow_blank=True)
    service_point = serializers.PrimaryKeyRelatedField(
        queryset=Warehouse.objects.all(), required=False, allow_null=True,
        help_text="The branch that handles the ticket: a warehouse of kind `service_point`.")
    duplicate_reason = serializers.CharField(
        max_length=TEXT_LIMIT, required=False, allow_blank=True, write_only=True,
        help_text="Needed when the unit already has an open ticket (otherwise 409 `open_ticket_exists` "
                  "with `open_ticket`); recorded on the new ticket's timeline.")

    class Meta:
        model = Ticket
        fields = ["customer", "unit", "channel", "category", "service_type", "priority",
                  "fault_description", "fault_code", "service_point", "duplicate_reason"]

    def validate(self, attrs):
        unit, customer = attrs.get("unit"), attrs["customer"]
        if unit is not None and unit.customer_id != customer.pk:
            raise serializers.ValidationError({"unit": _("The unit belongs to another customer.")})
        needs_unit = attrs["category"] not in (choices.Category.INQUIRY, choices.Category.COMPLAINT)
        if unit is None and needs_unit:
            raise serializers.ValidationError({"unit": _("This category of ticket needs a product unit.")})
        point = attrs.get("service_point")
        if point is not None and point.kind != WarehouseKind.SERVICE_POINT:
            raise serializers.ValidationError(
                {"service_point": _("Choose a service point, not another kind of warehouse.")})
        return attrs


# --- lifecycle action inputs ------------------------------------------------------------

def _text(**kwargs):
    return serializers.CharField(max_length=TEXT_LIMIT, **kwargs)


class EngineerField(serializers.PrimaryKeyRelatedField):
    """An active user who may work tickets (the service checks again under the lock)."""

    def __init__(self, **kwargs):
        super().__init__(queryset=get_user_model().objects.filter(is_active=True), **kwargs)

    def to_internal_value(self, data):
        user = super().to_internal_value(data)
        if user.is_superuser or not user.has_perm("tickets.work_ticket"):
            raise serializers.ValidationError(_("This user is not an engineer."))
        return user


class EventTimeField(serializers.DateTimeField):
    """When something happened in the field: may be reported late, never in the future.
    The view puts the request's clock reading in the context as `now`."""

    def to_internal_value(self, value):
        at = super().to_internal_value(value)
        try:
            return check_reported_time(at, now=self.context["now"])
        except InvalidInput as invalid:
            raise serializers.ValidationError(str(invalid)) from None


OVERRIDE_HELP = _("Needed when the engineer is off duty, lacks the product line's skill or does not do this "
                  "service type (409 `override_required` without it); recorded on the timeline.")


class AssignSerializer(serializers.Serializer):
    assignee = EngineerField()
    travel_minutes = serializers.IntegerField(
        min_value=0, max_value=24 * 60, required=False,
        help_text=_("Dispatcher's travel estimate, added to the arrival target outside urban areas."))
    override_reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                            help_text=OVERRIDE_HELP)


class PrioritySerializer(serializers.Serializer):
    priority = serializers.ChoiceField(choices=choices.Priority.choices)
    reason = _text(required=False, allow_blank=True, default="")


class ReassignSerializer(serializers.Serializer):
    assignee = EngineerField()
    reason = _text()
    expected_assignee = serializers.IntegerField(
        allow_null=True, help_text=_("Id of the engineer you saw assigned; a mismatch is a conflict."))
    override_reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                            help_text=OVERRIDE_HELP)


class EventTimeSerializer(serializers.Serializer):
    at = EventTimeField(required=False, allow_null=True)


class HoldSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=choices.HoldReason.choices)
    note = _text(required=False, allow_blank=True, default="")


class NoteSerializer(serializers.Serializer):
    note = _text(required=False, allow_blank=True, default="")


class CompleteSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=choices.REPAIR_OUTCOMES, help_text=_("Not `answered`."))
    work_done = _text()
    parts_used = _text(required=False, allow_blank=True, default="")
    parts_replaced = serializers.BooleanField(required=False, default=False)
    customer_confirmation = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    customer_signature = serializers.CharField(
        required=False, allow_blank=True, default="",
        help_text=_("A drawn signature as a data URL: data:image/png;base64,…"))
    at = EventTimeField(required=False, allow_null=True)

    def validate_customer_signature(self, value):
        try:
            return signature_from_data_url(value)
        except DjangoValidationError as invalid:
            raise serializers.ValidationError(invalid.messages) from None

    def to_internal_value(self, data):
        """Report a missing confirmation together with the other missing fields."""
        if not isinstance(data, dict):
            return super().to_internal_value(data)  # "Invalid data. Expected a dictionary…" (400)
        missing = not (data.get("customer_confirmation") or data.get("customer_signature"))
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as invalid:
            if missing and isinstance(invalid.detail, dict):
                invalid.detail.setdefault("customer_confirmation", [self._NO_CONFIRMATION])
            raise
        if missing:
            raise serializers.ValidationError({"customer_confirmation": [self._NO_CONFIRMATION]})
        return value

    _NO_CONFIRMATION = _("Type the customer's name or send a signature.")



class CloseSerializer(serializers.Serializer):
    # `resolved_at_intake` is the resolve action's: not a choice here (nor in the schema).
    reason = serializers.ChoiceField(choices=choices.CLOSE_ACTION_REASONS,
                                     help_text=_("`callback_done` or `customer_unreachable`."))


class ReasonSerializer(serializers.Serializer):
    reason = _text()


class ResolveSerializer(serializers.Serializer):
    answer = _text()


class MessageSerializer(serializers.Serializer):
    message = _text()


class EmptySerializer(serializers.Serializer):
    """Actions without input (resume)."""
