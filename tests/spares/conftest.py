"""Fixtures of the spare-parts tests: parts, warehouses, vendors, the purchasing role."""
from decimal import Decimal

import factory
import pytest

from spares.models import Part, Vendor, Warehouse, WarehouseKind
from staff import roles
from tests.factories import UserFactory


class PartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Part

    part_number = factory.Sequence(lambda n: f"P-{n:05d}")
    name = factory.Sequence(lambda n: f"Part {n}")
    unit_cost = Decimal("12.50")
    reorder_point = 2


class WarehouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Warehouse

    code = factory.Sequence(lambda n: f"W{n:03d}")
    name = factory.Sequence(lambda n: f"Warehouse {n}")
    kind = WarehouseKind.SERVICE_POINT


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor

    code = factory.Sequence(lambda n: f"V{n:03d}")
    name = factory.Sequence(lambda n: f"Vendor {n}")


@pytest.fixture
def purchasing(db):
    return UserFactory(username="purchasing", roles=[roles.PURCHASING])


@pytest.fixture
def part(db):
    return PartFactory()


@pytest.fixture
def warehouse(db):
    return WarehouseFactory(code="HQ", kind=WarehouseKind.HEAD_OFFICE)


@pytest.fixture
def vendor(db):
    return VendorFactory()
