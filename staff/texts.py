"""Stored texts: timeline events and inbox notifications keep a *text kind* and its
parameters (who from, who to, reason, clock, level, status from/to …), never a finished
sentence, and are rendered when read, in the reader's language. A Chinese reader sees
Chinese for an event the English sweep wrote.

Adding a kind is two small steps:

1. Register its renderer (in your app's ``texts.py``, imported from ``AppConfig.ready``)::

       from django.utils.translation import gettext as _
       from staff.texts import register

       @register("part_reserved")
       def _part_reserved(p):
           return _("Part %(part)s reserved from %(warehouse)s") % p

   The renderer receives the stored parameters (a dict of plain JSON values) and returns
   the sentence in the active language. Keep parameters language-free: codes (``"response"``,
   ``"level_1"``), numbers, names of people. Translate codes inside the renderer.
   Register ``"<kind>.body"`` too if a notification should have a rendered body.

2. Write it: ``log_event(ticket, kind=EventKind.UPDATE, by=..., now=..., text="part_reserved",
   params={"part": "P-100", "warehouse": "Main"})`` for the timeline, or
   ``notify(users, text="part_reserved", params={...}, now=..., link=...)`` for the inbox.
   Free text typed by a person (a note, a reason) stays in ``message`` / ``body``: it is
   the user's words and is shown as typed.

Rows written before this existed have no text kind and render their stored sentence.
An unknown kind (say, a renderer removed later) also falls back to the stored text.
"""
import logging

log = logging.getLogger(__name__)

_RENDERERS = {}


def register(kind):
    """Decorator: `fn(params) -> str` renders the text kind `kind` in the active language."""

    def decorate(fn):
        if kind in _RENDERERS and _RENDERERS[kind] is not fn:
            raise ValueError(f"text kind {kind!r} is registered twice")
        _RENDERERS[kind] = fn
        return fn

    return decorate


def is_registered(kind):
    return kind in _RENDERERS


def render(kind, params, *, fallback=""):
    """The sentence for `kind` with `params` in the active language, or `fallback`."""
    renderer = _RENDERERS.get(kind or "")
    if renderer is None:
        return fallback
    try:
        return str(renderer(_Params(params or {})))
    except Exception:  # a malformed old row must never break a page
        log.exception("cannot render text kind %s", kind)
        return fallback


class _Params(dict):
    """Missing parameters render as an empty string rather than raising KeyError."""

    def __missing__(self, key):
        return ""
