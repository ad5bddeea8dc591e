"""Out-of-warranty quotes (SPEC §6): lines for labour, parts, transport and insurance;
the customer accepts (name, time, drawn signature or typed consent) or declines.
Transport and insurance stay chargeable when the unit cannot be repaired."""
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .catalog import Part


class QuoteStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting the customer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WAIVED = "waived", _("Waived by a supervisor")


class QuoteLineKind(models.TextChoices):
    LABOUR = "labour", _("Labour")
    PARTS = "parts", _("Parts")
    TRANSPORT = "transport", _("Transport")
    INSURANCE = "insurance", _("Insurance")


ALWAYS_CHARGED = (QuoteLineKind.TRANSPORT, QuoteLineKind.INSURANCE)


class Quote(models.Model):
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="quotes",
                               verbose_name=_("ticket"))
    status = models.CharField(_("status"), max_length=10, choices=QuoteStatus.choices, default=QuoteStatus.PENDING)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("recorded by"))
    customer_name = models.CharField(_("customer name"), max_length=200, blank=True)
    typed_consent = models.CharField(_("typed consent"), max_length=500, blank=True)
    signature = models.FileField(_("signature"), upload_to="quote-signatures/", blank=True)
    decline_reason = models.TextField(_("decline reason"), blank=True)
    waiver_reason = models.TextField(_("waiver reason"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        permissions = [
            ("record_quote_decision", _("Can record a customer's acceptance or refusal of a quote")),
            ("waive_quote", _("Can let out-of-warranty work start without an accepted quote")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=QuoteStatus.ACCEPTED) | (~Q(customer_name="") & Q(decided_at__isnull=False)),
                name="accepted_quote_names_customer"),
            models.UniqueConstraint(fields=["ticket"], condition=Q(status__in=["accepted", "waived"]),
                                    name="one_accepted_quote_per_ticket"),
        ]

    def __str__(self):
        return f"Q-{self.pk}"

    @property
    def total(self):
        return sum((line.amount for line in self.lines.all()), Decimal("0"))

    @property
    def charged_if_unrepairable(self):
        return sum((line.amount for line in self.lines.all() if line.kind in ALWAYS_CHARGED), Decimal("0"))


class QuoteLine(models.Model):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("kind"), max_length=10, choices=QuoteLineKind.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)
    part = models.ForeignKey(Part, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("part"))
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    unit_price = models.DecimalField(_("unit price"), max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="quote_price_not_negative"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="quote_quantity_positive"),
        ]

    @property
    def amount(self):
        return self.unit_price * self.quantity
