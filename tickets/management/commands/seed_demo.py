"""Demo data for `make run`: one login per role, catalogs, customers, units and tickets
in several states. Idempotent: a second run changes nothing."""
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from staff import roles
from staff.models import Department, StaffProfile
from tickets import choices, services
from tickets.models import Customer, FaultCode, ProductLine, ProductModel, Ticket

DEMO_PASSWORD = "demo-pass-2026"

# username, first name, last name, role, department
USERS = [
    ("agent", "Li", "Na", roles.AGENT, "service_center"),
    ("dispatcher", "Wang", "Fang", roles.DISPATCHER, "dispatch"),
    ("onsite", "Zhang", "Wei", roles.ONSITE_ENGINEER, "dispatch"),
    ("onsite2", "Liu", "Yang", roles.ONSITE_ENGINEER, "dispatch"),
    ("depot", "Chen", "Jie", roles.DEPOT_ENGINEER, "dispatch"),
    ("support", "Zhao", "Lei", roles.TECH_SUPPORT, "service_center"),
    ("spares", "Huang", "Min", roles.SPARES_ADMIN, "spares"),
    ("quality", "Zhou", "Xin", roles.QUALITY, "quality"),
    ("supervisor", "Wu", "Gang", roles.SUPERVISOR, "management"),
    ("manager", "Xu", "Hui", roles.MANAGER, "management"),
    ("purchasing", "Ma", "Lin", roles.PURCHASING, "spares"),
    ("admin", "Sun", "Li", roles.ADMINISTRATOR, "management"),
    ("sales", "Zhao", "Lei", roles.SALES_LEAD, "management"),
]

LINES = [("printers", "Printers"), ("laptops", "Laptops"), ("routers", "Network equipment")]
MODELS = [
    ("LP-200", "LaserPro 200", "printers", 12, 15),
    ("LP-500", "LaserPro 500 MFP", "printers", 24, 15),
    ("NB-14", "NoteBook 14", "laptops", 12, 15),
    ("RT-AX3", "Router AX3000", "routers", 12, 7),
]
FAULTS = [
    ("P01", "Paper jam / feed failure", choices.FaultKind.HARDWARE, "printers"),
    ("P02", "Print quality (streaks, faded)", choices.FaultKind.HARDWARE, "printers"),
    ("S01", "Firmware / driver error", choices.FaultKind.SOFTWARE, None),
    ("N01", "No power", choices.FaultKind.HARDWARE, None),
    ("L01", "Screen flicker or no display", choices.FaultKind.HARDWARE, "laptops"),
]


class Command(BaseCommand):
    help = "Create demo logins (one per role) and sample service data."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true",
                            help="Seed even with DEBUG=0 (a demo server). The administrator login is then "
                                 "not a superuser: its password is public.")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError("seed_demo creates logins with a published password; it runs only with DEBUG=1 "
                               "(make run) or with --force.")
        self.superuser = settings.DEBUG
        users = self._users()
        if Customer.objects.exists():
            self.stdout.write("Demo data already present; logins refreshed.")
            return
        with transaction.atomic():
            models, faults = self._catalog()
            self._engineers(users)
            self._tickets(users, models, faults)
            from quality.demo import seed_quality

            seed_quality(users, models, faults)
            self._spares(users, models)
        self.stdout.write(self.style.SUCCESS(f"Demo data created. Password for every login: {DEMO_PASSWORD}"))

    def _users(self):
        User = get_user_model()
        users = {}
        for username, first, last, role, department in USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": first, "last_name": last, "email": f"{username}@example.com"},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.is_staff = role == roles.ADMINISTRATOR
                # A superuser with a known password only on a DEBUG machine (make run).
                user.is_superuser = role == roles.ADMINISTRATOR and self.superuser
                user.save()
            user.groups.add(Group.objects.get(name=role))
            StaffProfile.objects.get_or_create(
                user=user, defaults={"department": Department.objects.filter(code=department).first()}
            )
            users[username] = user
        return users

    def _catalog(self):
        lines = {code: ProductLine.objects.get_or_create(code=code, defaults={"name": name})[0]
                 for code, name in LINES}
        models = {code: ProductModel.objects.get_or_create(code=code, defaults={
            "name": name, "product_line": lines[line], "warranty_months": months, "doa_days": doa})[0]
            for code, name, line, months, doa in MODELS}
        faults = {code: FaultCode.objects.get_or_create(code=code, defaults={
            "description": text, "kind": kind, "product_line": lines.get(line)})[0]
            for code, text, kind, line in FAULTS}
        return models, faults

    def _engineers(self, users):
        from dispatch.models import EngineerProfile

        skills = {"onsite": (["printers", "routers"], True, False, choices.Area.URBAN),
                  "onsite2": (["laptops", "printers"], True, False, choices.Area.SUBURBAN),
                  "depot": (["laptops", "printers", "routers"], False, True, choices.Area.URBAN)}
        for username, (lines, onsite, depot, area) in skills.items():
            profile, _ = EngineerProfile.objects.update_or_create(  # the profile exists once the role is given
                user=users[username], defaults={"does_onsite": onsite, "does_depot": depot, "area": area})
            profile.product_lines.set(ProductLine.objects.filter(code__in=lines))

    def _tickets(self, users, models, faults):
        now = timezone.now()
        agent, dispatcher = users["agent"], users["dispatcher"]
        today = timezone.localdate(now)
        people = [
            ("Beijing Sunrise Trading Co.", "010-6552-1234", choices.Area.URBAN, choices.CustomerType.BUSINESS, True),
            ("Zhang Min", "138 0013 8000", choices.Area.URBAN, choices.CustomerType.CONSUMER, False),
            ("Li Qiang", "139-1122-3344", choices.Area.SUBURBAN, choices.CustomerType.CONSUMER, False),
            ("Wang Lei", "+86 137 5566 7788", choices.Area.REMOTE, choices.CustomerType.CONSUMER, False),
            ("Shanghai Harbor Logistics", "021-5888-0000", choices.Area.URBAN, choices.CustomerType.BUSINESS, False),
        ]
        customers = [
            services.create_customer(by=agent, name=name, phones=[phone], area=area, customer_type=kind,
                                     is_vip=vip, address=f"{i + 1} Demo Road", email=f"c{i}@example.com")
            for i, (name, phone, area, kind, vip) in enumerate(people)
        ]
        points = self._service_points()
        purchases = [today - timedelta(days=d) for d in (40, 5, 500, 200, 90)]
        units = [
            services.create_unit(by=agent, customer=c, model=m, serial_number=f"DEMO{i:05d}",
                                 purchase_date=p, proof_verified=i != 3, invoice_number=f"INV-{i:04d}")
            for i, (c, m, p) in enumerate(zip(customers, [models["LP-500"], models["NB-14"], models["LP-200"],
                                                          models["RT-AX3"], models["LP-200"]], purchases))
        ]

        def ticket(i, **kw):
            fields = {"by": agent, "now": now - timedelta(hours=kw.pop("hours_ago", 1)), "customer": customers[i],
                      "unit": units[i], "channel": choices.Channel.PHONE, "category": choices.Category.REPAIR,
                      "service_type": choices.ServiceType.ONSITE, "fault_code": faults["N01"],
                      "fault_description": "Unit does not power on after a storm.",
                      "service_point": points[i % len(points)]}
            fields.update(kw)
            return services.create_ticket(**fields)

        ticket(0, hours_ago=2, priority=choices.Priority.URGENT, fault_code=faults["P01"],
               fault_description="Paper jams on every second page.")
        ticket(1, hours_ago=1, service_type=choices.ServiceType.CARRY_IN, fault_code=faults["L01"])
        ticket(2, hours_ago=3, fault_code=faults["P02"], fault_description="Faded prints, out of warranty.")
        t = ticket(3, hours_ago=5, fault_code=faults["S01"], fault_description="Drops Wi-Fi every hour.")
        services.assign_ticket(t, users["onsite"], by=dispatcher, now=now - timedelta(hours=4))
        t = ticket(4, hours_ago=8)
        services.assign_ticket(t, users["onsite"], by=dispatcher, now=now - timedelta(hours=7))
        services.arrive(t, by=users["onsite"], now=now - timedelta(hours=6))
        t = ticket(0, hours_ago=30, priority=choices.Priority.CRITICAL,
                   duplicate_reason="Second fault on the same printer.")
        services.assign_ticket(t, users["onsite2"], by=dispatcher, now=now - timedelta(hours=29))
        services.arrive(t, by=users["onsite2"], now=now - timedelta(hours=28))
        services.complete(t, by=users["onsite2"], now=now - timedelta(hours=26), outcome=choices.Outcome.REPAIRED,
                          work_done="Replaced the fuser unit.", parts_used="Fuser unit x1", parts_replaced=True,
                          customer_confirmation="Mr. Zhao (office manager)")
        t = ticket(1, hours_ago=2, category=choices.Category.INQUIRY, unit=None,
                   service_type=choices.ServiceType.REMOTE, fault_code=None,
                   fault_description="How do I update the BIOS?")
        services.resolve_at_intake(t, by=agent, now=now - timedelta(hours=2),
                                   answer="Sent the BIOS update guide by SMS.")

    def _service_points(self):
        """The branches that handle tickets: the service point warehouses, two created if none exist."""
        from spares.models import Warehouse, WarehouseKind

        points = list(Warehouse.objects.filter(kind=WarehouseKind.SERVICE_POINT, is_active=True).order_by("code"))
        if not points:
            points = [Warehouse.objects.create(code=code, name=name, kind=WarehouseKind.SERVICE_POINT)
                      for code, name in (("SP-NORTH", "Service point North"), ("SP-SOUTH", "Service point South"))]
        return points

    def _spares(self, users, models):
        """The spare-parts desk's demo (spares/demo.py): stock, moves, RMAs, a quote."""
        from spares import demo
        from tickets.models import ProductUnit

        now = timezone.now()
        stock = demo.seed(users, models, now=now)
        units = list(ProductUnit.objects.select_related("customer").order_by("id")[:4])
        jobs = [demo.in_progress_ticket(users, u.customer, u, now=now, doa=i == 1, engineer=e)
                for i, (u, e) in enumerate(zip(units, ("onsite", "onsite", "onsite2", "onsite2")))]
        demo.seed_usage(users, jobs[2:], stock, now=now)
        demo.seed_rmas(users, jobs[:3], stock, now=now)
        out_of_warranty = Ticket.objects.filter(warranty_status=choices.WarrantyStatus.OUT_OF_WARRANTY,
                                                status=choices.Status.NEW).first()
        if out_of_warranty:
            demo.seed_quote(users, out_of_warranty, stock, now=now)
