"""Serializers for the intake records: customers, product models and units.

They validate input only; creating a customer or a unit goes through tickets.services.
Ticket serializers live in ticket_serializers.py."""
from django.utils.translation import gettext_lazy as _
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Customer, CustomerPhone, ProductLine, ProductModel, ProductUnit
from ..phones import normalize_phone

MAX_PHONES = 10


class CustomerPhoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = CustomerPhone
        fields = ["number", "raw", "label"]


class CustomerSerializer(serializers.ModelSerializer):
    """Read representation: phones as objects (normalised number, as entered, label)."""

    phones = CustomerPhoneSerializer(many=True, read_only=True)

    class Meta:
        model = Customer
        fields = ["id", "name", "phones", "email", "address", "area", "customer_type", "is_vip",
                  "notes", "created_at"]
        read_only_fields = fields


_RAW_PHONE = CustomerPhone._meta.get_field("raw").max_length
_PHONE_DIGITS = CustomerPhone._meta.get_field("number").max_length


@extend_schema_field({
    "type": "string", "maxLength": _RAW_PHONE, "pattern": rf"^\D*(\d\D*){{3,{_PHONE_DIGITS}}}$",
    "description": f"As typed, at most {_RAW_PHONE} characters with 3 to {_PHONE_DIGITS} digits "
                   "(a +86/0086 country code is not counted).",
})
class PhoneField(serializers.CharField):
    """A phone as typed; it must contain digits and fit the stored (normalised) number."""

    def __init__(self, **kwargs):
        super().__init__(max_length=CustomerPhone._meta.get_field("raw").max_length, **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        digits = normalize_phone(value)
        if len(digits) < 3:
            raise serializers.ValidationError(_("Enter a phone number (at least 3 digits)."))
        if len(digits) > CustomerPhone._meta.get_field("number").max_length:
            raise serializers.ValidationError(_("This phone number has too many digits."))
        return value


class CustomerWriteSerializer(serializers.ModelSerializer):
    """Write representation: phones as a list of strings, as the agent typed them."""

    phones = serializers.ListField(child=PhoneField(), max_length=MAX_PHONES, required=False)

    class Meta:
        model = Customer
        fields = ["name", "phones", "email", "address", "area", "customer_type", "is_vip", "notes"]

    def validate_name(self, value):
        if not value.strip():
            raise serializers.ValidationError(_("This field may not be blank."))
        return value.strip()


class ProductModelSerializer(serializers.ModelSerializer):
    product_line = serializers.SlugRelatedField(slug_field="code", queryset=ProductLine.objects.all())

    class Meta:
        model = ProductModel
        fields = ["id", "code", "name", "product_line", "warranty_months", "doa_days"]
        extra_kwargs = {
            "warranty_months": {"max_value": 240},
            "doa_days": {"max_value": 365},
        }


def download_url(serializer, name, **kwargs):
    """Absolute URL of an endpoint that serves an upload after its permission checks."""
    url = reverse(name, kwargs=kwargs)
    request = serializer.context.get("request")
    return request.build_absolute_uri(url) if request else url


class UnitSerializer(serializers.ModelSerializer):
    """Read representation of a product unit, with its model's code for display."""

    model_code = serializers.CharField(source="model.code", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    proof_image = serializers.SerializerMethodField(
        help_text=_("Where to download the proof of purchase (GET, same authentication), or null."))

    class Meta:
        model = ProductUnit
        fields = ["id", "model", "model_code", "serial_number", "customer", "customer_name",
                  "purchase_date", "invoice_number", "proof_image", "proof_verified", "sold_by",
                  "created_at"]
        read_only_fields = fields

    def get_proof_image(self, unit) -> str | None:
        return download_url(self, "unit-proof", pk=unit.pk) if unit.proof_image else None


class UnitWriteSerializer(serializers.ModelSerializer):
    """Create/update input; the proof image is checked by the model's upload validator
    (type by content, size)."""

    class Meta:
        model = ProductUnit
        fields = ["model", "serial_number", "customer", "purchase_date", "invoice_number",
                  "proof_image", "proof_verified", "sold_by"]
        # The (model, serial) uniqueness is checked case-insensitively in validate().
        validators = []

    def validate_serial_number(self, value):
        if not value.strip():
            raise serializers.ValidationError(_("This field may not be blank."))
        return value.strip()

    def validate(self, attrs):
        model = attrs.get("model", getattr(self.instance, "model", None))
        serial = attrs.get("serial_number", getattr(self.instance, "serial_number", None))
        duplicates = ProductUnit.objects.filter(model=model, serial_number__iexact=serial)
        if self.instance is not None:
            duplicates = duplicates.exclude(pk=self.instance.pk)
        if model is not None and serial and duplicates.exists():
            raise serializers.ValidationError(
                {"serial_number": _("A unit of this model with this serial number already exists.")})
        return attrs

