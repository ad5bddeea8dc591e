"""Serializers of the dispatch endpoints: engineers and suggestions, the depot bench,
field jobs. They validate input only; dispatch.services writes."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from tickets import choices
from tickets.api.serializers import download_url
from tickets.api.ticket_serializers import (
    TEXT_LIMIT,
    CompleteSerializer,
    EngineerField,
    EventTimeField,
    UserRefSerializer,
)
from tickets.models import Customer, FaultCode, ProductLine, ProductUnit

from ..models import (
    BenchTest,
    DepotPhoto,
    DepotReceipt,
    EngineerProfile,
    EngineerStatus,
)

MAX_PHOTOS = 10


# --- engineers ----------------------------------------------------------------------------

class EngineerSerializer(serializers.ModelSerializer):
    """A row of dispatch.selectors.engineers() (`load` is annotated there). Only `status`
    is writable: the same serializer is the input of the status action, so the status
    choice set is one schema component."""

    id = serializers.IntegerField(source="user_id", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    full_name = serializers.CharField(source="user.get_full_name", read_only=True)
    status = serializers.ChoiceField(choices=EngineerStatus.choices)
    product_lines = serializers.ListField(child=serializers.CharField(), source="skill_codes", read_only=True,
                                          help_text=_("Codes of the product lines the engineer is skilled in."))
    load = serializers.IntegerField(read_only=True, help_text=_("Open jobs assigned to the engineer."))

    class Meta:
        model = EngineerProfile
        fields = ["id", "username", "full_name", "status", "status_changed_at", "does_onsite", "does_depot",
                  "area", "product_lines", "load"]
        read_only_fields = ["status_changed_at", "does_onsite", "does_depot", "area"]


class EngineerFilterSerializer(serializers.Serializer):
    """Query parameters of the engineer list (the selector takes them as arguments)."""

    status = serializers.ChoiceField(choices=EngineerStatus.choices, required=False)
    area = serializers.ChoiceField(choices=choices.Area.choices, required=False)
    product_line = serializers.SlugRelatedField(slug_field="code", queryset=ProductLine.objects.all(),
                                                required=False, help_text=_("Product line code."))
    service_type = serializers.ChoiceField(choices=choices.ServiceType.choices, required=False)


class SuggestionQuerySerializer(serializers.Serializer):
    ticket = serializers.CharField(max_length=40, help_text=_("Ticket number, e.g. SR-2026-000123."))


class SuggestionSerializer(serializers.Serializer):
    """A dispatch.selectors.Suggestion: the engineer, the score and why."""

    engineer = EngineerSerializer(source="profile", read_only=True)
    score = serializers.FloatField(read_only=True)
    reasons = serializers.ListField(child=serializers.CharField(), read_only=True,
                                    help_text=_("`skill`, `area`, `available`."))
    explanation = serializers.ListField(child=serializers.CharField(), read_only=True,
                                        help_text=_("Why it ranks there, in words (the reader's language)."))


# --- depot bench --------------------------------------------------------------------------

class DepotPhotoSerializer(serializers.ModelSerializer):
    image = serializers.SerializerMethodField(help_text=_("Where to download the photo (GET, same authentication)."))

    class Meta:
        model = DepotPhoto
        fields = ["id", "image", "uploaded_at"]
        read_only_fields = fields

    def get_image(self, photo) -> str:
        return download_url(self, "depot-photo", number=self.context["ticket_number"], photo_id=photo.pk)


class DepotReceiptSerializer(serializers.ModelSerializer):
    received_by = UserRefSerializer(read_only=True)
    returned_by = UserRefSerializer(read_only=True, allow_null=True)
    photos = DepotPhotoSerializer(many=True, read_only=True)
    # Plain text, not an enum: the same choices are the `method` input of the return
    # action, and one choice set under two property names would be two schema enums.
    return_method = serializers.CharField(read_only=True,
                                          help_text=_("`pickup` or `courier`; empty until the unit is returned."))

    class Meta:
        model = DepotReceipt
        fields = ["condition", "accessories", "received_by", "received_at", "photos", "returned_at",
                  "return_method", "return_tracking", "returned_by"]
        read_only_fields = fields


class BenchTestSerializer(serializers.ModelSerializer):
    """A bench test; `kind`, `result` and `notes` are also the input of the tests action
    (whether the result belongs to the test is the service's rule: 400 `invalid`)."""

    tested_by = UserRefSerializer(read_only=True)
    notes = serializers.CharField(max_length=TEXT_LIMIT, required=False, allow_blank=True, default="")

    class Meta:
        model = BenchTest
        fields = ["id", "kind", "result", "notes", "tested_by", "tested_at"]
        read_only_fields = ["id", "tested_by", "tested_at"]


class DepotSerializer(serializers.Serializer):
    """The depot bench of one ticket: the receipt (null before the unit is received),
    its photos, and the bench tests in order."""

    ticket = serializers.CharField(source="ticket.number", read_only=True)
    service_type = serializers.ChoiceField(source="ticket.service_type", choices=choices.ServiceType.choices,
                                           read_only=True)
    status = serializers.ChoiceField(source="ticket.status", choices=choices.Status.choices, read_only=True)
    receipt = DepotReceiptSerializer(read_only=True, allow_null=True)
    tests = BenchTestSerializer(many=True, read_only=True)


class ReceiveSerializer(serializers.Serializer):
    """Multipart input: repeat `photos` for several files (JPEG/PNG/PDF, checked by content)."""

    condition = serializers.CharField(max_length=TEXT_LIMIT)
    accessories = serializers.CharField(max_length=DepotReceipt._meta.get_field("accessories").max_length,
                                        required=False, allow_blank=True, default="")
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list,
                                   max_length=MAX_PHOTOS)


class ReturnSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=DepotReceipt._meta.get_field("return_method").choices)
    tracking = serializers.CharField(max_length=DepotReceipt._meta.get_field("return_tracking").max_length,
                                     required=False, allow_blank=True, default="",
                                     help_text=_("Required for a courier."))


# --- field jobs ---------------------------------------------------------------------------

class FieldCompletionSerializer(CompleteSerializer):
    at = EventTimeField(help_text=_("When the job was completed."))


class FieldJobSerializer(serializers.Serializer):
    """A job an engineer took directly in the field, with its real times. Their order
    (received ≤ arrived ≤ started ≤ completed) is checked by the service."""

    engineer = EngineerField()
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    unit = serializers.PrimaryKeyRelatedField(queryset=ProductUnit.objects.all(), required=False,
                                              allow_null=True, default=None)
    category = serializers.ChoiceField(choices=choices.Category.choices)
    service_type = serializers.ChoiceField(choices=choices.ServiceType.choices)
    priority = serializers.ChoiceField(choices=choices.Priority.choices, required=False,
                                       default=choices.Priority.NORMAL)
    fault_description = serializers.CharField(max_length=TEXT_LIMIT)
    fault_code = serializers.PrimaryKeyRelatedField(queryset=FaultCode.objects.all(), required=False,
                                                    allow_null=True, default=None)
    received_at = EventTimeField()
    arrived_at = EventTimeField(required=False, allow_null=True, default=None)
    started_at = EventTimeField(required=False, allow_null=True, default=None)
    completion = FieldCompletionSerializer(required=False, allow_null=True, default=None)
