"""The public survey page: no login, nothing but the survey, in the language the
agent chose for the customer; rate limited per address; unknown, tampered and other
tickets' tokens all get the same 404."""
import logging

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from ..forms import SurveyForm
from ..services.surveys import SurveyUnavailable, find_link, submit_survey

log = logging.getLogger(__name__)


def _too_many(request, now):
    key = f"survey-rate:{request.META.get('REMOTE_ADDR', '')}:{int(now.timestamp() // 60)}"
    try:
        cache.add(key, 0, 120)
        return cache.incr(key) > settings.SURVEY_RATE_PER_MINUTE
    except Exception:  # noqa: BLE001 - no cache: serve rather than fail
        log.warning("survey rate limit unavailable", exc_info=True)
        return False


def _respond(request, template, context, *, status=200, language=None):
    language = language or translation.get_language_from_request(request)
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        response = render(request, template, {**context, "survey_language": language}, status=status)
    # The token is in the URL: never sent to another site. ("no-referrer" would make the
    # browser post the answer with "Origin: null", which CSRF protection refuses.)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Content-Language"] = language
    return response


@never_cache
@csrf_protect
def survey(request, number, token):
    now = timezone.now()
    if _too_many(request, now):
        return _respond(request, "quality/survey_closed.html", {"reason": "rate"}, status=429)
    link = find_link(number, token)
    if link is None:
        return _respond(request, "quality/survey_closed.html", {"reason": "unknown"}, status=404)
    if link.state(now) != "active":
        return _respond(request, "quality/survey_closed.html", {"reason": link.state(now)}, status=410,
                        language=link.language)
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            submit_survey(link, now=now, **form.cleaned_data)
        except SurveyUnavailable:
            return _respond(request, "quality/survey_closed.html", {"reason": "used"}, status=410,
                            language=link.language)
        return _respond(request, "quality/survey_thanks.html", {}, language=link.language)
    return _respond(request, "quality/survey.html", {"form": form}, language=link.language,
                    status=400 if request.method == "POST" else 200)
