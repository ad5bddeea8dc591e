"""Input that no view should ever see: rejected up front with a 400 and a message.

- `StrictJSONParser`: the API's JSON parser. A body must be one JSON object (not a list,
  string, number or null), nested at most MAX_DEPTH levels, and its strings may hold no
  NUL character and no lone surrogate (PostgreSQL and UTF-8 cannot store either).
- `strict_text_fields()`: a text field of the API takes a JSON string only, not a number
  (DRF would store 0 as "0"), and in a JSON body a yes/no field takes true or false only
  (DRF would read 0, 1, "yes"...), so the API does what its schema says.
- `RejectNulMiddleware`: a NUL byte in the path, the query string or a form field is a
  400 on every page and endpoint (PostgreSQL refuses NUL in text).
"""
import json

from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32


def _bad_string(value):
    if "\x00" in value:
        return _("Text may not contain NUL characters.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _("Text contains an invalid character (a lone surrogate).")
    return None


def check_json_value(data):
    """Walk the parsed body without recursion; raise ParseError on the first problem."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ParseError(_("The JSON body is nested too deeply."))
        if isinstance(value, str):
            problem = _bad_string(value)
            if problem:
                raise ParseError(problem)
        elif isinstance(value, dict):
            for key, item in value.items():
                problem = _bad_string(key)
                if problem:
                    raise ParseError(problem)
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("The JSON body is nested too deeply.")) from None
        if not isinstance(data, dict):
            raise ParseError(_("The body must be a JSON object."))
        check_json_value(data)
        return data


def strict_text_fields():
    """Make DRF's CharField (and its subclasses: e-mail, slug, URL...) refuse numbers.
    Called once from StaffConfig.ready(); form input is text anyway."""
    from rest_framework import fields

    if getattr(fields.CharField, "_strict_text", False):
        return
    lenient = fields.CharField.to_internal_value

    def to_internal_value(self, data):
        if isinstance(data, (int, float)):  # bool is refused by DRF itself
            self.fail("invalid")
        return lenient(self, data)

    fields.CharField.to_internal_value = to_internal_value
    fields.CharField._strict_text = True

    lenient_boolean = fields.BooleanField.to_internal_value

    def boolean_to_internal_value(self, data):
        # A form (QueryDict) only has text; a JSON body (a dict) has real booleans.
        if not isinstance(data, bool) and data is not None and type(getattr(self.root, "initial_data", None)) is dict:
            self.fail("invalid", input=data)
        return lenient_boolean(self, data)

    fields.BooleanField.to_internal_value = boolean_to_internal_value


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def _refuse(self, request, message):
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message, "code": "bad_request"}, status=400)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")

    def __call__(self, request):
        message = _("The request contains a NUL character.")
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return self._refuse(request, message)
        content_type = request.META.get("CONTENT_TYPE", "")
        if request.method == "POST" and content_type.startswith(("application/x-www-form-urlencoded",
                                                                   "multipart/form-data")):
            try:
                post = request.POST
            except Exception:  # malformed multipart: Django's own 400 follows
                return self.get_response(request)
            if any("\x00" in key or any("\x00" in v for v in post.getlist(key)) for key in post):
                return self._refuse(request, message)
        return self.get_response(request)
