"""Token endpoint with the same failure throttle as the sign-in page (django-axes: the
backend refuses locked accounts/addresses, the middleware answers 429)."""
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.settings import api_settings


class ThrottledObtainAuthToken(ObtainAuthToken):
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES  # the strict JSON parser, as everywhere

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        finally:
            # Axes flags the DRF request; hand the flag to the Django request so that
            # AxesMiddleware answers 429, as on the sign-in page.
            if getattr(request, "axes_locked_out", False):
                request._request.axes_locked_out = True
                request._request.axes_credentials = getattr(request, "axes_credentials", None)
