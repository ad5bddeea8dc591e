"""Reads of the escalations page (issue 7 item 12, issue 12 item 5): a ticket's
escalations on one row, highest level first; rows ordered by each ticket's newest
escalation. Every query walks an index in its order (escalation_open_raised_idx for
the open ones, escalation_raised_idx otherwise, the ticket foreign key for a row's
escalations) and nothing counts all rows: the page links to older rows by a cursor."""
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Q

from .models import LEVEL_ORDER, Escalation

PAGE_TICKETS = 50
# What a row shows (a full page builds ~200 escalations with their ticket, customer,
# people, clock and RMA: only these columns, not every column of each).
_PERSON = ("username", "first_name", "last_name")
ROW_FIELDS = (
    "clock_id", "ticket_id", "level", "due_at", "raised_at", "acknowledged_by_id", "acknowledged_at", "note",
    "rma_id", "rma_milestone", "reminder_day",
    "ticket__number", "ticket__status", "ticket__customer__name", *(f"ticket__assignee__{f}" for f in _PERSON),
    "clock__kind", "rma__vendor__name", *(f"acknowledged_by__{f}" for f in _PERSON),
)
SCAN_ROWS = 300  # escalations read per step while collecting a page of tickets


@dataclass
class TicketEscalations:
    ticket: object
    escalations: list  # highest level first

    @property
    def newest(self):
        return max((e.raised_at, e.pk) for e in self.escalations)

    @property
    def open(self):
        return [e for e in self.escalations if e.acknowledged_at is None]

    @cached_property
    def shown(self):
        """The escalations as listed: a vendor repair's daily reminders collapse into the
        newest one, which carries `reminders` (how many) and `first_day`."""
        items, reminders = [], {}
        for escalation in self.escalations:  # newest first within a level and subject
            if escalation.rma_milestone == "reminder":
                newest = reminders.get(escalation.rma_id)
                if newest is not None:
                    newest.reminders += 1
                    newest.first_day = min(newest.first_day, escalation.reminder_day)
                    continue
                escalation.reminders, escalation.first_day = 1, escalation.reminder_day
                reminders[escalation.rma_id] = escalation
            items.append(escalation)
        return items

    @property
    def top_level(self):
        return self.escalations[0].level


def _older_than(position):
    raised_at, pk = position
    return Q(raised_at__lt=raised_at) | Q(raised_at=raised_at, pk__lt=pk)


def position_of(escalation_id):
    """The page cursor: (raised_at, id) of an escalation, None if unknown."""
    row = Escalation.objects.filter(pk=escalation_id).values_list("raised_at", "pk").first()
    return tuple(row) if row else None


def grouped_page(escalations, *, before=None, size=None, scan=None):
    """`escalations`: the filtered rows (a queryset). Returns (rows, next cursor id or
    None): up to `size` tickets, newest escalation first, whose newest escalation is
    older than `before` (a ticket with a newer one was on an earlier page)."""
    size, scan = size or PAGE_TICKETS, scan or SCAN_ROWS
    kept, dropped, position, exhausted = [], set(), before, False
    while len(kept) <= size and not exhausted:
        rows = escalations.order_by("-raised_at", "-pk")
        if position:
            rows = rows.filter(_older_than(position))
        batch = list(rows.values_list("ticket_id", "raised_at", "pk")[:scan])
        exhausted = len(batch) < scan
        if batch:
            position = batch[-1][1:]
        known = dropped | {group.ticket.pk for group in kept}
        fresh = list(dict.fromkeys(ticket_id for ticket_id, _at, _pk in batch if ticket_id not in known))
        if not before and len(fresh) > size + 1 - len(kept):  # nothing to drop: read no more than needed
            fresh, exhausted = fresh[:size + 1 - len(kept)], False
        groups = {group.ticket.pk: group for group in _groups(escalations, fresh)}
        for ticket_id in fresh:  # first appearance in the scan = newest escalation
            if before and groups[ticket_id].newest >= before:
                dropped.add(ticket_id)
            else:
                kept.append(groups[ticket_id])
    more = len(kept) > size or not exhausted
    shown = kept[:size]
    return shown, (shown[-1].newest[1] if more and shown else None)


def _groups(escalations, ticket_ids):
    if not ticket_ids:
        return []
    rows = escalations.filter(ticket_id__in=ticket_ids).select_related(
        "ticket__customer", "ticket__assignee", "clock", "rma__vendor", "acknowledged_by").only(
        *ROW_FIELDS).order_by()  # sorted here
    by_ticket = {}
    for escalation in rows:
        by_ticket.setdefault(escalation.ticket_id, []).append(escalation)
    return [TicketEscalations(ticket=items[0].ticket, escalations=sorted(
        items, key=lambda e: (-LEVEL_ORDER.index(e.level), e.subject, -e.raised_at.timestamp())))
        for items in by_ticket.values()]
