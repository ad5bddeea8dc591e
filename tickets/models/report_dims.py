"""What the manager reports filter and group completions and stopped SLA clocks by,
copied from the ticket when the work is recorded (issue 11 item 5): category, service
type, product model and line, the customer's area, the ticket's service point and the
engineer. The report queries
of a month then read one table through its (…, completed_at / stopped_at) indexes and
never join the million-row ticket table.

The copies are written in the same INSERT/UPDATE as the row itself: values the ticket
holds in memory directly, the model, line and area by scalar subqueries (no extra query).
`BACKFILL_SQL` fills rows written before the columns existed (the migration and the
benchmark seeder run it: one UPDATE … FROM per table, never a Python loop)."""
from django.db import models
from django.db.models import Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from .. import choices


class TicketDimensions(models.Model):
    """The dimensions completions and stopped clocks share (each adds its own: category
    and first-time-fix flag on completions, the engineer on clocks)."""

    d_service_type = models.CharField(_("service type"), max_length=10, choices=choices.ServiceType.choices,
                                      blank=True, editable=False, default="", db_default="")
    d_model = models.ForeignKey("tickets.ProductModel", on_delete=models.DO_NOTHING, null=True, blank=True,
                                editable=False, related_name="+", db_index=False, db_constraint=False)
    d_product_line = models.ForeignKey("tickets.ProductLine", on_delete=models.DO_NOTHING, null=True, blank=True,
                                       editable=False, related_name="+", db_index=False, db_constraint=False)
    d_area = models.CharField(_("area"), max_length=10, choices=choices.Area.choices, blank=True, editable=False,
                              default="", db_default="")
    d_service_point = models.ForeignKey("spares.Warehouse", on_delete=models.DO_NOTHING, null=True, blank=True,
                                        editable=False, related_name="+", db_index=False, db_constraint=False)

    class Meta:
        abstract = True


def copy_dims(row, ticket):
    """Set `row`'s report dimensions from `ticket`: from memory when the ticket's unit,
    model and customer are loaded, else as subqueries evaluated by the row's own INSERT or
    UPDATE. Call `forget_expressions(row)` after saving."""
    from .core import Customer, ProductUnit

    row.d_service_type = ticket.service_type
    row.d_service_point_id = ticket.service_point_id
    cache = ticket._state.fields_cache
    unit = cache.get("unit")
    if unit is not None and "model" in unit._state.fields_cache:
        row.d_model_id, row.d_product_line_id = unit.model_id, unit.model.product_line_id
    elif ticket.unit_id is None:
        row.d_model_id = row.d_product_line_id = None
    else:
        units = ProductUnit.objects.filter(pk=ticket.unit_id)
        row.d_model_id = Subquery(units.order_by().values("model_id")[:1])
        row.d_product_line_id = Subquery(units.order_by().values("model__product_line_id")[:1])
    customer = cache.get("customer")
    if customer is not None:
        row.d_area = customer.area
    else:
        row.d_area = Coalesce(Subquery(Customer.objects.filter(pk=ticket.customer_id).values("area")[:1]),
                              Value(""))


def copy_model(ticket):
    """A new ticket's unit's model: from memory, else a subquery inside its INSERT."""
    from .core import ProductUnit

    unit = ticket._state.fields_cache.get("unit")
    if unit is not None:
        ticket.d_model_id = unit.model_id
    else:
        ticket.d_model_id = Subquery(ProductUnit.objects.filter(pk=ticket.unit_id).order_by().values("model_id")[:1])


def forget_expressions(row):
    """After a save with subqueries: drop them, so reading the field loads the stored value."""
    for name in ("d_model_id", "d_product_line_id", "d_area"):
        if hasattr(row.__dict__.get(name), "resolve_expression"):
            del row.__dict__[name]


_TICKET_DIMS = """
    d_service_type = t.service_type, d_model_id = u.model_id, d_product_line_id = m.product_line_id,
    d_area = coalesce(c.area, ''), d_service_point_id = t.service_point_id"""

TICKET_BACKFILL_SQL = [
    """UPDATE tickets_ticket AS t SET d_model_id = u.model_id
        FROM tickets_productunit u WHERE u.id = t.unit_id AND t.d_model_id IS DISTINCT FROM u.model_id""",
]

BACKFILL_SQL = [
    f"""UPDATE tickets_completion AS x SET {_TICKET_DIMS},
            d_category = t.category,
            d_second_visit = (t.sent_to_vendor_at IS NOT NULL OR t.special_circumstance <> '')
        FROM tickets_ticket t
        LEFT JOIN tickets_productunit u ON u.id = t.unit_id
        LEFT JOIN tickets_productmodel m ON m.id = u.model_id
        LEFT JOIN tickets_customer c ON c.id = t.customer_id
        WHERE x.ticket_id = t.id""",
    f"""UPDATE tickets_slaclock AS x SET {_TICKET_DIMS}, d_engineer_id = t.assignee_id
        FROM tickets_ticket t
        LEFT JOIN tickets_productunit u ON u.id = t.unit_id
        LEFT JOIN tickets_productmodel m ON m.id = u.model_id
        LEFT JOIN tickets_customer c ON c.id = t.customer_id
        WHERE x.ticket_id = t.id AND x.stopped_at IS NOT NULL""",
]
