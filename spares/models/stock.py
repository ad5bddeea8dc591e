"""The stock ledger. Every change of stock is a StockMove; StockBalance holds the
running on-hand (and reserved) quantity per part, warehouse and condition, updated in
the same transaction under a row lock. The database refuses a negative balance and a
reservation larger than what is on hand, whatever the code does."""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .catalog import Part, Warehouse


class Condition(models.TextChoices):
    GOOD = "good", _("Good")
    DEFECTIVE = "defective", _("Defective")


class MoveKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    ISSUE = "issue", _("Issue to a ticket")
    RETURN = "return", _("Return of an unused part")
    DEFECTIVE_RETURN = "defective_return", _("Defective part back from the field")
    TRANSFER = "transfer", _("Transfer")
    TO_VENDOR = "to_vendor", _("Sent to vendor")
    SCRAP = "scrap", _("Scrap")
    ADJUSTMENT = "adjustment", _("Stocktake adjustment")


# Which side(s) of a move each kind uses: (takes from a warehouse, puts into one).
MOVE_SIDES = {
    MoveKind.RECEIPT: (False, True),
    MoveKind.ISSUE: (True, False),
    MoveKind.RETURN: (False, True),
    MoveKind.DEFECTIVE_RETURN: (False, True),
    MoveKind.TRANSFER: (True, True),
    MoveKind.TO_VENDOR: (True, False),
    MoveKind.SCRAP: (True, False),
    MoveKind.ADJUSTMENT: None,  # either side: a count above or below the book
}


class StockBalance(models.Model):
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="balances", verbose_name=_("part"))
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="balances",
                                  verbose_name=_("warehouse"))
    condition = models.CharField(_("condition"), max_length=10, choices=Condition.choices, default=Condition.GOOD)
    quantity = models.IntegerField(_("on hand"), default=0)
    reserved = models.IntegerField(_("reserved"), default=0)

    class Meta:
        ordering = ["part__part_number", "warehouse__code", "condition"]
        verbose_name = _("stock balance")
        verbose_name_plural = _("stock balances")
        constraints = [
            models.UniqueConstraint(fields=["part", "warehouse", "condition"], name="one_balance_per_part_place"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="stock_not_negative"),
            models.CheckConstraint(condition=Q(reserved__gte=0) & Q(reserved__lte=F("quantity")),
                                   name="reserved_within_stock"),
        ]
        indexes = [models.Index(fields=["warehouse", "part"], name="balance_warehouse_idx")]

    def __str__(self):
        return f"{self.part_id}@{self.warehouse_id}:{self.condition}={self.quantity}"

    @property
    def available(self):
        return self.quantity - self.reserved


class StockMove(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=MoveKind.choices)
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="moves", verbose_name=_("part"))
    quantity = models.PositiveIntegerField(_("quantity"))
    condition = models.CharField(_("condition"), max_length=10, choices=Condition.choices, default=Condition.GOOD)
    from_warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="moves_out", verbose_name=_("from"))
    to_warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="moves_in", verbose_name=_("to"))
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="stock_moves", verbose_name=_("ticket"))
    rma = models.ForeignKey("spares.Rma", on_delete=models.PROTECT, null=True, blank=True,
                            related_name="stock_moves", verbose_name=_("RMA"))
    unit_cost = models.DecimalField(_("unit cost"), max_digits=10, decimal_places=2, default=0)
    note = models.CharField(_("note"), max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                           verbose_name=_("by"))
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("stock move")
        verbose_name_plural = _("stock moves")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="move_quantity_positive"),
            models.CheckConstraint(condition=Q(from_warehouse__isnull=False) | Q(to_warehouse__isnull=False),
                                   name="move_has_a_side"),
            models.CheckConstraint(condition=~Q(from_warehouse=F("to_warehouse")), name="move_between_places"),
            models.CheckConstraint(condition=~Q(kind="issue") | Q(ticket__isnull=False), name="issue_has_ticket"),
        ]
        indexes = [
            # A balance is the sum of moves into minus moves out of (part, warehouse).
            models.Index(fields=["part", "to_warehouse", "condition"], name="move_in_idx"),
            models.Index(fields=["part", "from_warehouse", "condition"], name="move_out_idx"),
            models.Index(fields=["ticket"], name="move_ticket_idx", condition=Q(ticket__isnull=False)),
            models.Index(fields=["kind", "at"], name="move_kind_at_idx"),
        ]

    def __str__(self):
        return f"{self.kind} {self.quantity}× {self.part_id}"

    @property
    def value(self):
        return self.unit_cost * self.quantity

    @property
    def place(self):
        """The warehouse on the ticket's side of the move (where it came from or went)."""
        return self.from_warehouse or self.to_warehouse


class ReservationStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CONSUMED = "consumed", _("Used")
    RELEASED = "released", _("Released")


class Reservation(models.Model):
    """Parts held for a ticket; they count as reserved in the balance until used or
    released (the ticket closed or was cancelled)."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="reservations",
                               verbose_name=_("ticket"))
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="reservations", verbose_name=_("part"))
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="reservations",
                                  verbose_name=_("warehouse"))
    quantity = models.PositiveIntegerField(_("quantity"))
    status = models.CharField(_("status"), max_length=10, choices=ReservationStatus.choices,
                              default=ReservationStatus.ACTIVE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("reserved at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="reservation_quantity_positive")]
        indexes = [models.Index(fields=["ticket", "status"], name="reservation_ticket_idx")]

    def __str__(self):
        return f"{self.quantity}× {self.part_id} for {self.ticket_id}"


class DefectiveReturn(models.Model):
    """A part replaced in the field owes its defective twin back to the desk (SPEC §3);
    the ticket's part-return clock times it, receiving it is a ledger move."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="defective_returns",
                               verbose_name=_("ticket"))
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+", verbose_name=_("part"))
    quantity = models.PositiveIntegerField(_("quantity"))
    issue_move = models.ForeignKey(StockMove, on_delete=models.PROTECT, related_name="+")
    received_move = models.ForeignKey(StockMove, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("defective part owed")
        verbose_name_plural = _("defective parts owed")
