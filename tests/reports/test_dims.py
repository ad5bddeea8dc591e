"""The report dimensions copied onto tickets, completions and stopped clocks by the real
services (issue 11 item 5), and the backfill SQL giving the same values."""
from datetime import timedelta

from django.db import connection

from spares.models import Warehouse, WarehouseKind

from tests.tickets.test_completions import sh, work
from tickets import choices
from tickets.models import Completion, SlaClock, Ticket
from tickets.models.report_dims import BACKFILL_SQL, TICKET_BACKFILL_SQL


def _dims(row):
    return (row.d_service_type, row.d_model_id, row.d_product_line_id, row.d_area, row.d_service_point_id)


def test_services_copy_the_ticket_dimensions(make_ticket, dispatcher, engineer, unit):
    unit.customer.area = choices.Area.SUBURBAN
    unit.customer.save()
    point = Warehouse.objects.create(code="SP-1", name="Service point 1", kind=WarehouseKind.SERVICE_POINT)
    ticket = make_ticket(now=sh(23, 9), service_point=point)
    assert ticket.d_model_id == unit.model_id  # readable on the instance just created
    work(ticket, engineer, dispatcher, assigned=sh(23, 9) + timedelta(minutes=30), done=sh(23, 14))
    expected = (choices.ServiceType.ONSITE, unit.model_id, unit.model.product_line_id, choices.Area.SUBURBAN,
                point.pk)
    completion = Completion.objects.get(ticket=ticket)
    assert _dims(completion) == expected
    assert (completion.d_category, completion.d_second_visit) == (choices.Category.REPAIR, False)
    stopped = SlaClock.objects.filter(ticket=ticket, stopped_at__isnull=False)
    assert stopped.count() >= 3
    assert {(_dims(c), c.d_engineer_id) for c in stopped} == {(expected, engineer.pk)}
    # the migration's backfill computes the same values
    before = list(stopped.order_by("pk").values_list("d_model", "d_area", "d_engineer", "d_service_point"))
    SlaClock.objects.filter(ticket=ticket).update(d_model=None, d_area="", d_engineer=None, d_service_point=None)
    Completion.objects.filter(ticket=ticket).update(d_model=None, d_area="", d_category="", d_service_point=None)
    Ticket.objects.filter(pk=ticket.pk).update(d_model=None)
    with connection.cursor() as cursor:
        for sql in TICKET_BACKFILL_SQL + BACKFILL_SQL:
            cursor.execute(sql)
    assert list(stopped.order_by("pk").values_list("d_model", "d_area", "d_engineer", "d_service_point")) == before
    assert _dims(Completion.objects.get(ticket=ticket)) == expected
    assert Ticket.objects.get(pk=ticket.pk).d_model_id == unit.model_id
