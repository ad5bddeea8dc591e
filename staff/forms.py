from django.contrib.auth.forms import AuthenticationForm


class ThrottledAuthenticationForm(AuthenticationForm):
    """The sign-in form; throttling is django-axes' (staff/throttle.py): the
    authentication backend refuses locked accounts/addresses and the middleware answers 429."""
