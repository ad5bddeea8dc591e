"""API views for the intake records: customers, product models, units.
The ticket endpoints are in ticket_views.py."""
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from .. import services
from ..selectors import visible_customers, visible_tickets, visible_units
from ..uploads import serve_upload
from ..filtersets import CustomerFilterSet, ProductModelFilterSet
from ..models import Customer, ProductModel, ProductUnit
from ..filtersets import ProductUnitFilterSet
from .permissions import ModelPermissions
from .serializers import (
    CustomerSerializer, CustomerWriteSerializer, ProductModelSerializer, UnitSerializer, UnitWriteSerializer,
)


class ReadWriteViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                       mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """List, retrieve, create, update (no delete: these rows are referenced by tickets).
    Input is validated by `write_serializer_class`, written by `perform_write`, and
    answered with `serializer_class`."""

    permission_classes = [ModelPermissions]
    write_serializer_class = None

    def create(self, request, *args, **kwargs):
        data = self._validated(request.data)
        instance = self.perform_write(None, data)
        return Response(self.get_serializer(instance).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        instance = self.get_object()
        data = self._validated(request.data, instance=instance, partial=kwargs.get("partial", False))
        instance = self.perform_write(instance, data)
        return Response(self.get_serializer(instance).data)

    def _validated(self, data, **kwargs):
        serializer = self.write_serializer_class(data=data, context=self.get_serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def perform_write(self, instance, data):
        raise NotImplementedError


_customer_write = extend_schema(request=CustomerWriteSerializer, responses=CustomerSerializer)


@extend_schema_view(create=_customer_write, update=_customer_write, partial_update=_customer_write)
class CustomerViewSet(ReadWriteViewSet):
    """Customers with their phones. Search with `q` (name, phone, serial) or `phone`."""

    queryset = Customer.objects.prefetch_related("phones")
    serializer_class = CustomerSerializer
    write_serializer_class = CustomerWriteSerializer
    filterset_class = CustomerFilterSet

    def get_queryset(self):
        return visible_customers(self.request.user).prefetch_related("phones")

    def perform_write(self, customer, data):
        if customer is None:
            return services.create_customer(by=self.request.user, **data)
        customer = services.update_customer(customer, by=self.request.user, **data)
        return self.get_queryset().get(pk=customer.pk)


class ProductModelViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                          mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """The product catalog: readable by every role, edited by administrators."""

    queryset = ProductModel.objects.select_related("product_line")
    serializer_class = ProductModelSerializer
    permission_classes = [ModelPermissions]
    filterset_class = ProductModelFilterSet


_unit_write = extend_schema(request=UnitWriteSerializer, responses=UnitSerializer)


@extend_schema_view(create=_unit_write, update=_unit_write, partial_update=_unit_write)
class UnitViewSet(ReadWriteViewSet):
    """Product units. The proof of purchase may be uploaded as multipart form data."""

    queryset = ProductUnit.objects.select_related("model", "customer")
    serializer_class = UnitSerializer
    write_serializer_class = UnitWriteSerializer
    filterset_class = ProductUnitFilterSet

    def get_queryset(self):
        return visible_units(self.request.user).select_related("model", "customer")

    def perform_write(self, unit, data):
        if unit is None:
            return services.create_unit(by=self.request.user, **data)
        return services.update_unit(unit, by=self.request.user, **data)

    @extend_schema(responses={(200, "image/jpeg"): OpenApiTypes.BINARY, (200, "image/png"): OpenApiTypes.BINARY,
                            (200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def proof(self, request, pk=None):
        """The proof of purchase as uploaded (JPEG, PNG or PDF), to those who see every
        ticket or have a ticket on this unit; 404 otherwise or when there is none."""
        unit = self.get_object()
        if not (request.user.has_perm("tickets.view_all_tickets")
                or visible_tickets(request.user).filter(unit=unit).exists()):
            raise Http404
        return serve_upload(unit.proof_image)
