"""Smaller defects of issue 7 item 13: breached-only control, engineers by name and never
the superuser in pickers and filters, a label for every list control, and engineers go
back to My jobs after hold or complete."""
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from staff import roles
from tests.factories import UserFactory
from tickets import services
from tickets.models import Ticket


class _Controls(HTMLParser):
    """Form controls of a page and whether each has a label (wrapping or for=id)."""

    def __init__(self):
        super().__init__()
        self.controls, self.label_for, self.open_labels = [], set(), 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label":
            self.open_labels += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        elif tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit", "button"):
            self.controls.append((attrs.get("name"), attrs.get("id"), self.open_labels > 0))

    def handle_endtag(self, tag):
        if tag == "label":
            self.open_labels -= 1

    def unlabelled(self):
        return [name for name, id_, wrapped in self.controls if not wrapped and id_ not in self.label_for]


def _unlabelled(html):
    parser = _Controls()
    parser.feed(html)
    assert parser.controls
    return parser.unlabelled()


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", first_name="", last_name="", is_superuser=True, is_staff=True)


@pytest.fixture
def named_engineer(db):
    return UserFactory(username="eng-li", first_name="Li", last_name="Wei", roles=[roles.ONSITE_ENGINEER])


@pytest.mark.parametrize("page", ["tickets:ticket_list", "tickets:customer_list"])
def test_every_control_on_the_lists_has_a_label(client, dispatcher, page):
    client.force_login(dispatcher)
    assert _unlabelled(client.get(reverse(page)).content.decode()) == []


def test_ticket_list_has_a_breached_only_control(client, dispatcher, make_ticket):
    breached, fine = make_ticket(), make_ticket()
    Ticket.objects.filter(pk=breached.pk).update(sla_breached=True)
    client.force_login(dispatcher)
    html = client.get(reverse("tickets:ticket_list")).content.decode()
    assert 'name="breached" value="true"' in html
    html = client.get(reverse("tickets:ticket_list"), {"breached": "true"}).content.decode()
    assert breached.number in html and fine.number not in html
    assert 'name="breached" value="true" checked' in html


def test_assignee_filter_lists_engineers_by_name_never_the_superuser(client, dispatcher, named_engineer, superuser):
    client.force_login(dispatcher)
    html = client.get(reverse("tickets:ticket_list")).content.decode()
    assert f'<option value="{named_engineer.pk}">Li Wei</option>' in html
    assert f'value="{superuser.pk}"' not in html


def test_assign_picker_on_the_ticket_page_never_offers_the_superuser(client, dispatcher, named_engineer, superuser,
                                                                      make_ticket):
    ticket = make_ticket()
    client.force_login(dispatcher)
    html = client.get(ticket.get_absolute_url()).content.decode()
    assert 'data-options="/tickets/options/engineers/"' in html  # the picker loads when opened (issue 12)
    html = client.get(reverse("tickets:engineer_options")).content.decode()
    assert "Li Wei" in html and f'<option value="{superuser.pk}"' not in html


def test_field_job_engineer_picker_shows_names_not_usernames(client, dispatcher, named_engineer, superuser):
    client.force_login(dispatcher)
    html = client.get(reverse("dispatch:field_job")).content.decode()
    assert f'<option value="{named_engineer.pk}">Li Wei</option>' in html
    assert f'<option value="{superuser.pk}"' not in html


def test_api_refuses_to_assign_the_superuser(api_client, dispatcher, superuser, make_ticket):
    ticket = make_ticket()
    response = api_client(dispatcher).post(f"/api/tickets/{ticket.number}/assign/", {"assignee": superuser.pk},
                                           format="json")
    assert response.status_code == 400


def _dispatched(make_ticket, dispatcher, engineer, now):
    ticket = make_ticket()
    services.assign_ticket(ticket, engineer, by=dispatcher, now=now)
    services.start_work(ticket, by=engineer, now=now)
    return ticket


def test_engineer_returns_to_my_jobs_after_hold(client, make_ticket, dispatcher, engineer, now):
    ticket = _dispatched(make_ticket, dispatcher, engineer, now)
    client.force_login(engineer)
    response = client.post(reverse("tickets:ticket_action", args=[ticket.number, "hold"]),
                           {"hold-reason": "awaiting_parts"})
    assert response.status_code == 302 and response["Location"] == reverse("tickets:my_jobs")


def test_engineer_returns_to_my_jobs_after_complete(client, make_ticket, dispatcher, engineer, now):
    ticket = _dispatched(make_ticket, dispatcher, engineer, now)
    client.force_login(engineer)
    response = client.post(reverse("tickets:ticket_action", args=[ticket.number, "complete"]), {
        "complete-outcome": "repaired", "complete-work_done": "Fuse", "complete-customer_confirmation": "Mr Li"})
    assert response.status_code == 302 and response["Location"] == reverse("tickets:my_jobs")


def test_dispatcher_recording_a_hold_stays_on_the_ticket(client, make_ticket, dispatcher, engineer, now):
    ticket = _dispatched(make_ticket, dispatcher, engineer, now)
    client.force_login(dispatcher)
    response = client.post(reverse("tickets:ticket_action", args=[ticket.number, "hold"]),
                           {"hold-reason": "awaiting_parts"})
    assert response.status_code == 302 and response["Location"] == ticket.get_absolute_url()
