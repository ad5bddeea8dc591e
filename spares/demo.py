"""Demo data of the spare-parts desk for `seed_demo`: parts, warehouses and vans, a year
of moves, vendors, RMAs at several stages (one 31 days out) and a pending quote."""
from datetime import timedelta
from decimal import Decimal

from tickets import choices
from tickets import services as ticket_services

from . import services
from .models import MilestoneKind, Part, PartCategory, Vendor, Warehouse, WarehouseKind
from .sweep import sweep

PARTS = [
    ("FU-200", "Fuser unit LP-200", PartCategory.MECHANICAL, "68.00", 4, ["LP-200", "LP-500"]),
    ("PB-500", "Main board LP-500", PartCategory.BOARD, "145.00", 2, ["LP-500"]),
    ("PSU-14", "Power adapter 65 W", PartCategory.POWER, "22.50", 10, ["NB-14"]),
    ("LCD-14", "14\" display panel", PartCategory.DISPLAY, "96.00", 3, ["NB-14"]),
    ("ANT-AX", "Antenna set AX3000", PartCategory.ACCESSORY, "6.80", 5, ["RT-AX3"]),
    ("RL-200", "Pickup roller LP-200", PartCategory.MECHANICAL, "4.20", 20, ["LP-200"]),
]


def seed(users, models, *, now):
    admin = users["spares"]
    parts = {}
    for number, name, category, cost, reorder, fits in PARTS:
        part = Part.objects.create(part_number=number, name=name, category=category, unit_cost=Decimal(cost),
                                   reorder_point=reorder)
        part.compatible_models.set([models[code] for code in fits])
        parts[number] = part
    hq = Warehouse.objects.create(code="HQ", name="Head office", kind=WarehouseKind.HEAD_OFFICE)
    east = Warehouse.objects.create(code="SP-EAST", name="Service point East", kind=WarehouseKind.SERVICE_POINT)
    vans = {u: Warehouse.objects.create(code=f"VAN-{u.upper()}", name=f"Van of {users[u].get_full_name()}",
                                        kind=WarehouseKind.VAN, engineer=users[u]) for u in ("onsite", "onsite2")}
    year_ago = now - timedelta(days=360)
    for number, quantity in (("FU-200", 12), ("PB-500", 3), ("PSU-14", 30), ("LCD-14", 2), ("ANT-AX", 40),
                             ("RL-200", 15)):
        services.receive_stock(part=parts[number], warehouse=hq, quantity=quantity, by=admin, now=year_ago,
                               note="Opening stock")
    services.transfer_stock(part=parts["FU-200"], from_warehouse=hq, to_warehouse=vans["onsite"], quantity=3,
                            by=admin, now=year_ago + timedelta(days=1))
    services.transfer_stock(part=parts["PSU-14"], from_warehouse=hq, to_warehouse=east, quantity=8, by=admin,
                            now=year_ago + timedelta(days=1))
    services.stocktake(part=parts["RL-200"], warehouse=hq, counted=14, by=admin, now=now - timedelta(days=20))
    return {"parts": parts, "hq": hq, "vans": vans}


def seed_rmas(users, tickets, stock, *, now):
    """tickets: open tickets in progress (one DOA) to send to vendors."""
    admin = users["spares"]
    acme = Vendor.objects.create(code="ACME", name="Acme Imaging Repairs", contact_name="Mr. Gao",
                                 phone="021-6000-1234", email="rma@acme.example")
    nova = Vendor.objects.create(code="NOVA", name="Nova Electronics", contact_name="Ms. Hu", phone="0755-8800-5678")
    late, recent, waiting = tickets
    rma = services.create_rma(late, vendor=acme, reason="Main board fails power-on self test", by=admin,
                              now=now - timedelta(days=31, hours=3))
    services.ship_rma(rma, carrier="SF Express", tracking_number="SF1029384756", by=admin,
                      now=now - timedelta(days=31))
    for kind in (MilestoneKind.RECEIPT, MilestoneKind.DAY_7):
        services.complete_milestone(rma, kind, note="Vendor confirms receipt; fault matches.", by=admin,
                                    now=now - timedelta(days=30))
    rma = services.create_rma(recent, vendor=nova, reason="DOA: no display", by=admin,
                              now=now - timedelta(days=5, hours=2))
    services.ship_rma(rma, carrier="EMS", tracking_number="EE123456789CN", by=admin, now=now - timedelta(days=5))
    services.create_rma(waiting, vendor=acme, reason="Laser unit noise", by=admin, now=now - timedelta(hours=2))
    sweep(now=now)
    return acme


def seed_quote(users, ticket, stock, *, now):
    services.create_quote(ticket, by=users["spares"], now=now, lines=[
        {"kind": "labour", "unit_price": Decimal("120.00"), "quantity": 1, "description": "Bench repair"},
        {"kind": "parts", "part": stock["parts"]["FU-200"], "unit_price": Decimal("98.00"), "quantity": 1,
         "description": "Fuser unit"},
        {"kind": "transport", "unit_price": Decimal("30.00"), "quantity": 1, "description": "Courier both ways"},
        {"kind": "insurance", "unit_price": Decimal("8.00"), "quantity": 1, "description": ""},
    ])


def in_progress_ticket(users, customer, unit, *, now, doa=False, engineer="onsite"):
    ticket = ticket_services.create_ticket(
        by=users["agent"], now=now - timedelta(days=40), customer=customer, unit=unit,
        channel=choices.Channel.PHONE, category=choices.Category.REPAIR, service_type=choices.ServiceType.ONSITE,
        fault_description="Unit dead after the first week." if doa else "Intermittent failure.",
        duplicate_reason="Demo data: several jobs on one demo unit")
    ticket_services.assign_ticket(ticket, users[engineer], by=users["dispatcher"], now=now - timedelta(days=40))
    ticket_services.arrive(ticket, by=users[engineer], now=now - timedelta(days=39, hours=23))
    if doa:
        type(ticket).objects.filter(pk=ticket.pk).update(is_doa=True)
        ticket.refresh_from_db()
    return ticket


def seed_usage(users, tickets, stock, *, now):
    """A year of consumption (budget forecast), nothing lately for some parts (slow-moving)
    and one engineer far above his usual rate this month (abnormal usage)."""
    from .models import MoveKind

    parts, hq, vans = stock["parts"], stock["hq"], stock["vans"]
    month_start = now.replace(day=1, hour=1, minute=0, second=0, microsecond=0)
    plan = [("FU-200", hq, 1, days) for days in (300, 240, 180, 120, 60)]
    plan += [("PSU-14", hq, 2, days) for days in (330, 200, 100, 45)]
    plan += [("RL-200", hq, 1, 150), ("PB-500", hq, 1, 210)]
    for number, place, quantity, days in plan:
        services.apply_move(kind=MoveKind.ISSUE, part=parts[number], quantity=quantity, from_warehouse=place,
                            ticket=tickets[0], by=users["spares"], now=now - timedelta(days=days))
    services.transfer_stock(part=parts["RL-200"], from_warehouse=hq, to_warehouse=vans["onsite2"], quantity=8,
                            by=users["spares"], now=month_start)
    for _ in range(3):
        services.apply_move(kind=MoveKind.ISSUE, part=parts["RL-200"], quantity=2, from_warehouse=vans["onsite2"],
                            ticket=tickets[1], by=users["spares"], now=max(month_start, now - timedelta(hours=3)))
