"""Parts catalogue, warehouses (head office, service points, engineer vans), vendors."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class PartCategory(models.TextChoices):
    BOARD = "board", _("Board")
    DISPLAY = "display", _("Display")
    POWER = "power", _("Power supply")
    MECHANICAL = "mechanical", _("Mechanical")
    ACCESSORY = "accessory", _("Accessory")
    OTHER = "other", _("Other")


class Part(models.Model):
    part_number = models.CharField(_("part number"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=12, choices=PartCategory.choices,
                                default=PartCategory.OTHER)
    compatible_models = models.ManyToManyField(
        "tickets.ProductModel", blank=True, related_name="parts", verbose_name=_("compatible models"))
    unit_cost = models.DecimalField(_("unit cost"), max_digits=10, decimal_places=2, default=0)
    reorder_point = models.PositiveIntegerField(_("reorder point"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["part_number"]
        verbose_name = _("part")
        verbose_name_plural = _("parts")
        constraints = [models.CheckConstraint(condition=Q(unit_cost__gte=0), name="part_cost_not_negative")]

    def __str__(self):
        return f"{self.part_number} {self.name}"


class WarehouseKind(models.TextChoices):
    HEAD_OFFICE = "head_office", _("Head office")
    SERVICE_POINT = "service_point", _("Service point")
    VAN = "van", _("Engineer van")


class Warehouse(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=14, choices=WarehouseKind.choices)
    engineer = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="van",
        verbose_name=_("engineer"), help_text=_("For a van: the engineer who drives it."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        constraints = [models.CheckConstraint(
            condition=Q(kind=WarehouseKind.VAN) | Q(engineer__isnull=True), name="only_vans_have_engineer")]

    def __str__(self):
        return f"{self.code} {self.name}"


class Vendor(models.Model):
    """An upstream vendor that repairs or exchanges units (RMA)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    contact_name = models.CharField(_("contact"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.TextField(_("address"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("spares:vendor_detail", args=[self.pk])
