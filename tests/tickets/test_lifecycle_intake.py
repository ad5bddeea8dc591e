"""Intake (SPEC §1, §2): customers, units and tickets created by the call agent."""
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from tests.factories import CustomerFactory, FaultCodeFactory, ProductModelFactory, ProductUnitFactory
from tickets import services
from tickets.choices import Category, Channel, EventKind, FaultKind, ServiceType, Status, WarrantyStatus
from tickets.exceptions import InvalidInput
from tickets.models import CustomerPhone, ProductUnit, Ticket, TicketEvent


def test_created_ticket_is_new_numbered_and_logged(make_ticket, agent, now):
    ticket = make_ticket()
    assert ticket.status == Status.NEW
    assert ticket.number == f"SR-{timezone.localtime(now).year}-000001"
    assert (ticket.created_by, ticket.created_at) == (agent, now)
    event = TicketEvent.objects.get(ticket=ticket)
    assert (event.kind, event.to_status, event.actor, event.at) == (EventKind.CREATED, Status.NEW, agent, now)


@pytest.mark.parametrize(
    ("days_ago", "verified", "expected_status", "expected_doa"),
    [
        (5, True, WarrantyStatus.IN_WARRANTY, True),
        (15, True, WarrantyStatus.IN_WARRANTY, True),
        (16, True, WarrantyStatus.IN_WARRANTY, False),
        (100, False, WarrantyStatus.UNVERIFIED, False),
        (800, True, WarrantyStatus.OUT_OF_WARRANTY, False),
    ],
)
def test_warranty_and_doa_are_read_off_the_unit(days_ago, verified, expected_status, expected_doa, agent, now):
    today = timezone.localdate(now)
    unit = ProductUnitFactory(purchase_date=today - timedelta(days=days_ago), proof_verified=verified)
    ticket = services.create_ticket(by=agent, now=now, customer=unit.customer, unit=unit, channel=Channel.PHONE,
                                    category=Category.REPAIR, service_type=ServiceType.CARRY_IN)
    assert (ticket.warranty_status, ticket.is_doa) == (expected_status, expected_doa)


def test_warranty_uses_the_models_own_terms(agent, now):
    model = ProductModelFactory(warranty_months=36, doa_days=30)
    today = timezone.localdate(now)
    unit = ProductUnitFactory(model=model, purchase_date=today - timedelta(days=25 * 30), proof_verified=True)
    early = ProductUnitFactory(model=model, purchase_date=today - timedelta(days=25), customer=unit.customer)
    kwargs = {"by": agent, "now": now, "customer": unit.customer, "channel": Channel.PHONE,
              "category": Category.REPAIR, "service_type": ServiceType.ONSITE}
    assert services.create_ticket(unit=unit, **kwargs).warranty_status == WarrantyStatus.IN_WARRANTY
    assert services.create_ticket(unit=early, **kwargs).is_doa is True


def test_unit_of_another_customer_is_refused(agent, unit, now):
    stranger = CustomerFactory()
    with pytest.raises(InvalidInput):
        services.create_ticket(by=agent, now=now, customer=stranger, unit=unit, channel=Channel.PHONE,
                               category=Category.REPAIR, service_type=ServiceType.ONSITE)
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("category", [Category.REPAIR, Category.INSTALLATION, Category.PARTS])
def test_work_on_a_product_needs_a_unit(category, agent, now):
    with pytest.raises(InvalidInput):
        services.create_ticket(by=agent, now=now, customer=CustomerFactory(), channel=Channel.PHONE,
                               category=category, service_type=ServiceType.ONSITE)
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("category", [Category.INQUIRY, Category.COMPLAINT])
def test_inquiry_and_complaint_need_no_unit(category, agent, now):
    ticket = services.create_ticket(by=agent, now=now, customer=CustomerFactory(), channel=Channel.EMAIL,
                                    category=category, service_type=ServiceType.REMOTE)
    assert ticket.unit is None
    assert ticket.warranty_status == WarrantyStatus.UNVERIFIED
    assert ticket.is_doa is False


def test_fault_code_sets_the_fault_kind(make_ticket):
    code = FaultCodeFactory(kind=FaultKind.SOFTWARE)
    assert make_ticket(fault_code=code).fault_kind == FaultKind.SOFTWARE


def test_refused_intake_does_not_use_up_a_number(make_ticket, agent, unit, now):
    with pytest.raises(InvalidInput):
        services.create_ticket(by=agent, now=now, customer=CustomerFactory(), unit=unit, channel=Channel.PHONE,
                               category=Category.REPAIR, service_type=ServiceType.ONSITE)
    assert make_ticket().number.endswith("-000001")


def test_failed_event_write_rolls_back_the_ticket_and_its_number(make_ticket):
    with mock.patch("tickets.services.intake.log_event", side_effect=RuntimeError("boom")):
        with pytest.raises(RuntimeError):
            make_ticket()
    assert not Ticket.objects.exists()
    assert make_ticket().number.endswith("-000001")


def test_create_customer_stores_each_phone_once_normalised(agent):
    customer = services.create_customer(
        by=agent, name="  Zhang Wei ", phones=["+86 138-0013-8000", "0086 13800138000", "", "  ", "(010) 6552-1234"])
    assert customer.name == "Zhang Wei"
    assert sorted(CustomerPhone.objects.filter(customer=customer).values_list("number", flat=True)) == [
        "01065521234", "13800138000"]


def test_create_unit_refuses_a_duplicate_serial_whatever_the_case(agent, unit):
    with pytest.raises(InvalidInput):
        services.create_unit(by=agent, customer=unit.customer, model=unit.model,
                             serial_number=f" {unit.serial_number.lower()} ")
    assert ProductUnit.objects.filter(model=unit.model).count() == 1


def test_same_serial_on_another_model_is_a_different_unit(agent, unit):
    other = services.create_unit(by=agent, customer=unit.customer, model=ProductModelFactory(),
                                 serial_number=unit.serial_number)
    assert other.pk != unit.pk


@pytest.mark.parametrize("message", ["", "   "])
def test_empty_note_is_refused(message, make_ticket, agent, now):
    ticket = make_ticket()
    with pytest.raises(InvalidInput):
        services.add_note(ticket, by=agent, now=now, message=message)
    assert not TicketEvent.objects.filter(ticket=ticket, kind=EventKind.NOTE).exists()


def test_note_is_added_to_the_timeline(make_ticket, engineer, now):
    ticket = make_ticket()
    services.add_note(ticket, by=engineer, now=now, message=" Bring a ladder ")
    note = TicketEvent.objects.get(ticket=ticket, kind=EventKind.NOTE)
    assert (note.actor, note.message) == (engineer, "Bring a ladder")
