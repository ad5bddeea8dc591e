"""Token endpoint with the same failure throttle as the sign-in page."""
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.settings import api_settings

from . import throttle


class ThrottledObtainAuthToken(ObtainAuthToken):
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES  # the strict JSON parser, as everywhere

    def post(self, request, *args, **kwargs):
        username = str(request.data.get("username", ""))[:150]
        address = request.META.get("REMOTE_ADDR", "")
        if throttle.is_locked(username, address):
            return Response({"detail": _("Too many failed sign-ins. Wait a few minutes and try again."),
                             "code": "throttled"}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        response = None
        try:
            response = super().post(request, *args, **kwargs)
        finally:
            if response is None or response.status_code != 200:
                throttle.record_failure(username, address)
        throttle.reset(username, address)
        return response
