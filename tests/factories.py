"""factory_boy factories for the core records. Tickets are made through the intake
service where state matters; TicketFactory makes a plain `new` ticket quickly."""
import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from tickets import choices
from tickets.models import Customer, CustomerPhone, FaultCode, ProductLine, ProductModel, ProductUnit, Ticket


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("pass-word-123")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or ():
            self.groups.add(Group.objects.get(name=role))


class ProductLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductLine
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"line-{n}")
    name = factory.Sequence(lambda n: f"Product line {n}")


class ProductModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductModel

    code = factory.Sequence(lambda n: f"M-{n:04d}")
    name = factory.Sequence(lambda n: f"Model {n}")
    product_line = factory.SubFactory(ProductLineFactory)


class FaultCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FaultCode

    code = factory.Sequence(lambda n: f"F{n:03d}")
    description = factory.Sequence(lambda n: f"Fault {n}")
    kind = choices.FaultKind.HARDWARE


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Faker("name")
    address = factory.Faker("address")
    area = choices.Area.URBAN


class CustomerPhoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerPhone

    customer = factory.SubFactory(CustomerFactory)
    raw = factory.Sequence(lambda n: f"138{n:08d}")


class ProductUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductUnit

    model = factory.SubFactory(ProductModelFactory)
    serial_number = factory.Sequence(lambda n: f"SN{n:08d}")
    customer = factory.SubFactory(CustomerFactory)
    purchase_date = factory.LazyFunction(lambda: timezone.localdate() - timezone.timedelta(days=100))
    proof_verified = True


class TicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ticket

    number = factory.Sequence(lambda n: f"SR-2026-{n + 500000:06d}")
    customer = factory.SubFactory(CustomerFactory)
    unit = factory.SubFactory(ProductUnitFactory, customer=factory.SelfAttribute("..customer"))
    channel = choices.Channel.PHONE
    category = choices.Category.REPAIR
    service_type = choices.ServiceType.ONSITE
    fault_description = "Does not power on"
    created_at = factory.LazyFunction(timezone.now)


def vendor_for_tests():
    """The vendor a unit is sent to in tests that are not about vendors (every send to
    a vendor opens an RMA, which names one)."""
    from spares.models import Vendor

    return Vendor.objects.get_or_create(code="V-TEST", defaults={"name": "Test repair vendor"})[0]


def send_to_vendor(ticket, *, by, now, **fields):
    """tickets.services.send_to_vendor with the vendor and reason the RMA needs."""
    from tickets import services

    fields = {"vendor": vendor_for_tests(), "reason": "Main board fault, vendor repair", **fields}
    return services.send_to_vendor(ticket, by=by, now=now, **fields)
