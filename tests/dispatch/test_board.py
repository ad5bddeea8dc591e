"""The board at a real center's size (issue 12 item 3) and its assignment rules (issue 7
item 8): load over open tickets only, the most urgent N with a count, one engineer
picker per page, a poll answered 304 while nothing moved, overrides with a reason,
suggestions explained in words, labels on every control."""
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dispatch import selectors, services
from dispatch.models import EngineerProfile, EngineerStatus
from tests.factories import UserFactory
from tickets import choices, services as ticket_services
from tickets.models import Ticket

REPORT = {"outcome": "repaired", "work_done": "Fixed", "customer_confirmation": "Ms. Wu"}


def login(client, user):
    client.force_login(user)
    return client


def skilled(user, ticket, **fields):
    profile = services.profile_for(user)
    profile.product_lines.add(ticket.unit.model.product_line)
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.save()
    return profile


class Controls(HTMLParser):
    """Form controls (not hidden) and whether each has a label."""

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
            self.controls.append((tag, attrs, self.open_labels > 0))

    def handle_endtag(self, tag):
        if tag == "label":
            self.open_labels -= 1

    def unlabelled(self):
        return [(tag, attrs) for tag, attrs, wrapped in self.controls
                if not (wrapped or attrs.get("aria-label") or attrs.get("aria-labelledby")
                        or attrs.get("id") in self.label_for)]


def controls(html):
    parser = Controls()
    parser.feed(html)
    return parser


# --- load and queue ---------------------------------------------------------------------

def test_load_counts_open_tickets_only(make_ticket, dispatcher, engineer):
    done = make_ticket()
    skilled(engineer, done)
    ticket_services.assign_ticket(done, engineer, by=dispatcher, now=timezone.now())
    ticket_services.arrive(done, by=engineer, now=timezone.now())
    ticket_services.complete(done, by=engineer, now=timezone.now(), **REPORT)
    ticket_services.assign_ticket(make_ticket(), engineer, by=dispatcher, now=timezone.now())
    lane = next(p for p in selectors.engineers() if p.user_id == engineer.pk)
    assert lane.load == 1 and lane.next_due_at is not None


def _board_queries(client):
    """The board's own queries (not the session, user and permission lookups)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("dispatch:board_body")).status_code == 200
    return [q["sql"] for q in queries.captured_queries
            if not any(t in q["sql"] for t in ("auth_user", "auth_permission", "auth_group", "django_session"))]


def test_board_queries_do_not_grow_with_engineers_or_tickets(client, dispatcher, make_ticket):
    for n in range(2):
        services.profile_for(UserFactory(username=f"e{n}", roles=["onsite_engineer"]))
    make_ticket()
    login(client, dispatcher)
    _board_queries(client)
    few = _board_queries(client)
    for n in range(2, 8):
        engineer = UserFactory(username=f"e{n}", roles=["onsite_engineer"])
        ticket = make_ticket()
        skilled(engineer, ticket)
        ticket_services.assign_ticket(ticket, engineer, by=dispatcher, now=timezone.now())
        make_ticket()
    many = _board_queries(client)
    assert len(many) == len(few) <= 8


def test_queue_shows_the_most_urgent_n_with_the_count_and_a_link(client, dispatcher, make_ticket, monkeypatch):
    monkeypatch.setattr(selectors, "QUEUE_LIMIT", 2)
    now = timezone.now()
    tickets = [make_ticket(now=now - timezone.timedelta(minutes=m)) for m in (30, 20, 10)]
    html = login(client, dispatcher).get(reverse("dispatch:board")).content.decode()
    assert tickets[0].number in html and tickets[1].number in html  # oldest = most urgent response
    assert tickets[2].number not in html
    assert "2 most urgent of 3" in html
    assert reverse("tickets:ticket_list") + "?status=new" in html


# --- one picker, labels -------------------------------------------------------------------

def test_one_engineer_picker_per_page_loaded_when_opened(client, dispatcher, engineer, other_engineer, make_ticket):
    for user in (engineer, other_engineer):
        services.profile_for(user)
    for _ in range(3):
        make_ticket()
    html = login(client, dispatcher).get(reverse("dispatch:board")).content.decode()
    assert 'name="engineer"' not in html.replace('name="engineer" value=', "")  # only suggestion buttons
    assert html.count('<select name="status-') == 2  # one status per engineer; no engineer select
    assert html.count(reverse("dispatch:picker")) >= 3
    assert html.count('id="picker"') == 1


def test_every_form_control_on_the_board_has_a_label(client, dispatcher, engineer, make_ticket):
    ticket = make_ticket()
    skilled(engineer, ticket)
    remote = make_ticket()
    remote.customer.area = choices.Area.REMOTE
    remote.customer.save()
    ticket_services.assign_ticket(make_ticket(), engineer, by=dispatcher, now=timezone.now())
    login(client, dispatcher)
    pages = [client.get(reverse("dispatch:board")).content.decode(),
             client.get(reverse("dispatch:picker"), {"ticket": remote.number}).content.decode(),
             client.get(reverse("dispatch:lane", args=[engineer.pk]), HTTP_HX_REQUEST="true").content.decode()]
    dispatched = Ticket.objects.filter(assignee=engineer).first()
    pages.append(client.get(reverse("dispatch:picker"), {"ticket": dispatched.number, "mode": "reassign"},
                            HTTP_HX_REQUEST="true").content.decode())
    for html in pages:
        assert controls(html).unlabelled() == []
    assert all(controls(html).controls for html in (pages[0], pages[1], pages[3]))
    assert 'name="travel_minutes"' in pages[0]


def test_reassign_picker_preselects_nobody_and_leaves_out_the_current_engineer(client, dispatcher, engineer,
                                                                                 other_engineer, make_ticket):
    ticket = make_ticket()
    ticket_services.assign_ticket(ticket, engineer, by=dispatcher, now=timezone.now())
    services.profile_for(engineer)
    skilled(other_engineer, ticket)
    html = login(client, dispatcher).get(reverse("dispatch:picker"), {"ticket": ticket.number, "mode": "reassign"},
                                         HTTP_HX_REQUEST="true").content.decode()
    assert f'value="{other_engineer.pk}"' in html and f'<option value="{engineer.pk}"' not in html
    assert "selected" not in html
    assert "<html" not in html


def test_picker_says_who_needs_an_override_and_why(client, dispatcher, engineer, other_engineer, depot_engineer,
                                                   make_ticket):
    ticket = make_ticket()
    skilled(engineer, ticket)
    services.profile_for(other_engineer)
    skilled(depot_engineer, ticket, status=EngineerStatus.OFF_DUTY)
    html = login(client, dispatcher).get(reverse("dispatch:picker"), {"ticket": ticket.number}).content.decode()
    line = ticket.unit.model.product_line.name
    assert f"needs an override: lacks the {line} skill" in html
    assert "needs an override: is off duty; does not do Onsite jobs" in html
    assert html.index(f'value="{engineer.pk}"') < html.index(f'value="{other_engineer.pk}"')  # who fits first


# --- the poll -----------------------------------------------------------------------------

def test_poll_answers_304_while_nothing_moved(client, dispatcher, engineer, make_ticket,
                                              django_assert_max_num_queries):
    ticket = make_ticket()
    skilled(engineer, ticket)
    login(client, dispatcher)
    first = client.get(reverse("dispatch:board_body"), HTTP_HX_REQUEST="true")
    etag = first["ETag"]
    assert first.status_code == 200 and f'data-etag="{etag}"'.replace('"', "&quot;", 0) in first.content.decode() \
        or etag.strip('"') in first.content.decode()
    with django_assert_max_num_queries(6):
        again = client.get(reverse("dispatch:board_body"), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    ticket_services.assign_ticket(ticket, engineer, by=dispatcher, now=timezone.now())
    moved = client.get(reverse("dispatch:board_body"), HTTP_IF_NONE_MATCH=etag)
    assert moved.status_code == 200 and moved["ETag"] != etag


@pytest.mark.parametrize("change", ["new_ticket", "status", "sweep_flag"])
def test_the_version_follows_what_the_board_shows(make_ticket, dispatcher, engineer, change):
    ticket = make_ticket()
    services.profile_for(engineer)
    before = selectors.board_version()
    if change == "new_ticket":
        make_ticket()
    elif change == "status":
        services.set_status(engineer, EngineerStatus.OFF_DUTY, by=dispatcher, now=timezone.now())
    else:
        Ticket.objects.filter(pk=ticket.pk).update(sla_warned=True)  # what the sweep does
    assert selectors.board_version() != before


def test_the_page_and_its_poll_carry_the_same_version(client, dispatcher, make_ticket):
    make_ticket()
    login(client, dispatcher)
    page = client.get(reverse("dispatch:board")).content.decode()
    etag = client.get(reverse("dispatch:board_body"))["ETag"]
    assert f"data-etag='{etag}'" in page or f'data-etag="{etag}"' in page or etag.strip('"') in page


# --- overrides ----------------------------------------------------------------------------

@pytest.fixture
def mismatched(make_ticket, engineer, depot_engineer, other_engineer):
    """A ticket and three engineers who each need an override for it."""
    ticket = make_ticket()
    skilled(engineer, ticket, status=EngineerStatus.OFF_DUTY)
    services.profile_for(other_engineer)  # no skill
    skilled(depot_engineer, ticket)  # depot only, the ticket is onsite
    return ticket


@pytest.mark.parametrize("who, words", [("engineer", "is off duty"), ("other_engineer", "lacks the"),
                                        ("depot_engineer", "does not do Onsite jobs")])
def test_api_assign_needs_an_override_then_records_it(api_client, dispatcher, mismatched, request, who, words):
    user = request.getfixturevalue(who)
    url = f"/api/tickets/{mismatched.number}/assign/"
    refused = api_client(dispatcher).post(url, {"assignee": user.pk}, format="json")
    assert refused.status_code == 409 and refused.data["code"] == "override_required"
    assert words in refused.data["detail"]
    assert Ticket.objects.get(pk=mismatched.pk).assignee is None
    done = api_client(dispatcher).post(url, {"assignee": user.pk, "override_reason": "Only one nearby"},
                                       format="json")
    assert done.status_code == 200, done.data
    event = mismatched.events.get(data__override_reason="Only one nearby")
    assert event.data["assignee"] == user.pk and event.data["override"]


def test_api_override_reason_too_long_is_400(api_client, dispatcher, mismatched, engineer):
    response = api_client(dispatcher).post(f"/api/tickets/{mismatched.number}/assign/",
                                           {"assignee": engineer.pk, "override_reason": "x" * 501}, format="json")
    assert response.status_code == 400 and "override_reason" in response.data


def test_api_reassign_needs_an_override(api_client, dispatcher, mismatched, engineer, other_engineer):
    skilled(UserFactory(username="fits", roles=["onsite_engineer"]), mismatched)
    fits = EngineerProfile.objects.get(user__username="fits").user
    ticket_services.assign_ticket(mismatched, fits, by=dispatcher, now=timezone.now())
    url = f"/api/tickets/{mismatched.number}/reassign/"
    body = {"assignee": other_engineer.pk, "reason": "Closer", "expected_assignee": fits.pk}
    assert api_client(dispatcher).post(url, body, format="json").status_code == 409
    body["override_reason"] = "Customer asked for him"
    assert api_client(dispatcher).post(url, body, format="json").status_code == 200
    assert Ticket.objects.get(pk=mismatched.pk).assignee == other_engineer


def test_board_assign_needs_an_override_with_a_reason(client, dispatcher, mismatched, engineer):
    login(client, dispatcher)
    refused = client.post(reverse("dispatch:assign"), {"ticket": mismatched.number, "engineer": engineer.pk},
                          HTTP_HX_REQUEST="true")
    assert "is off duty" in refused.content.decode() and "override reason" in refused.content.decode()
    assert Ticket.objects.get(pk=mismatched.pk).assignee is None
    client.post(reverse("dispatch:assign"), {"ticket": mismatched.number, "engineer": engineer.pk,
                                             "override_reason": "Came in for this VIP"})
    assert Ticket.objects.get(pk=mismatched.pk).assignee == engineer


def test_an_override_refused_in_the_picker_keeps_the_picker_open(client, dispatcher, mismatched, other_engineer):
    response = login(client, dispatcher).post(
        reverse("dispatch:assign"), {"ticket": mismatched.number, "engineer": other_engineer.pk, "picker": "1"},
        HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response["HX-Retarget"] == "#picker-body"
    assert 'role="alert"' in html and "lacks the" in html and "autofocus" in html
    assert f'<option value="{other_engineer.pk}" selected' in html


def test_engineers_who_fit_need_no_override(api_client, dispatcher, engineer, make_ticket):
    ticket = make_ticket()
    skilled(engineer, ticket)
    response = api_client(dispatcher).post(f"/api/tickets/{ticket.number}/assign/", {"assignee": engineer.pk},
                                           format="json")
    assert response.status_code == 200
    assert not ticket.events.filter(data__has_key="override").exists()


def test_a_depot_engineer_profile_does_depot_jobs(depot_engineer):
    profile = services.profile_for(depot_engineer)
    assert (profile.does_depot, profile.does_onsite) == (True, False)


# --- suggestions in words, statuses without JS ----------------------------------------------

def test_board_explains_each_suggestion_in_words(client, dispatcher, engineer, make_ticket):
    ticket = make_ticket()
    skilled(engineer, ticket)
    html = login(client, dispatcher).get(reverse("dispatch:board")).content.decode()
    line = ticket.unit.model.product_line.name
    assert f"has the {line} skill · works in the customer&#x27;s area (Urban) · available now · 0 open jobs" in html


def test_statuses_posted_together_without_javascript(client, dispatcher, engineer, other_engineer):
    services.profile_for(engineer)
    services.profile_for(other_engineer)
    login(client, dispatcher).post(reverse("dispatch:set_status"), {
        f"status-{engineer.pk}": "off_duty", f"status-{other_engineer.pk}": "available", "status-x": "on_job"})
    statuses = dict(EngineerProfile.objects.values_list("user__username", "status"))
    assert statuses == {"engineer": "off_duty", "engineer2": "available"}


def test_the_override_is_on_the_timeline_in_the_readers_language(api_client, dispatcher, mismatched, engineer):
    from django.utils import translation

    from tickets.templatetags.ticket_ui import event_text

    api_client(dispatcher).post(f"/api/tickets/{mismatched.number}/assign/",
                                {"assignee": engineer.pk, "override_reason": "Only one nearby"}, format="json")
    event = mismatched.events.get(data__text="assignment_override")
    assert event_text(event) == f"Assignment override ({engineer.get_full_name()} is off duty)"
    assert event.message == "Only one nearby"
    with translation.override("zh-hans"):
        assert "已下班" in event_text(event)


def test_cards_and_lanes_built_in_python_escape_what_people_typed(client, dispatcher, make_ticket):
    """The queue cards and lanes are plain strings (dispatch.views): names, fault texts
    and skills are escaped there, as the template would have."""
    ticket = make_ticket(fault_description='<script>alert("x")</script> & more')
    ticket.customer.name = '<b>Wu & "Sons"</b>'
    ticket.customer.save()
    engineer = UserFactory(username="e-hostile", first_name="<i>Li</i>", roles=["onsite_engineer"])
    line = ticket.unit.model.product_line
    line.name = "<em>AC</em>"
    line.save()
    skilled(engineer, ticket)
    html = login(client, dispatcher).get(reverse("dispatch:board")).content.decode()
    for raw in ("<script>alert", "<b>Wu", "<i>Li</i>", "<em>AC</em>"):
        assert raw not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more" in html
    assert "&lt;b&gt;Wu &amp; &quot;Sons&quot;&lt;/b&gt;" in html
    assert "&lt;i&gt;Li&lt;/i&gt;" in html and "&lt;em&gt;AC&lt;/em&gt;" in html
    assert f'href="{reverse("tickets:ticket_detail", args=[ticket.number])}"' in html


def test_the_whole_page_costs_at_most_seven_queries(client, dispatcher, engineer, make_ticket,
                                                    django_assert_max_num_queries):
    skilled(engineer, make_ticket())
    make_ticket()
    login(client, dispatcher).get(reverse("dispatch:board"))
    most = 7 if connection.vendor == "postgresql" else 8  # SQLite: the skills in a query of their own
    with django_assert_max_num_queries(most):
        assert client.get(reverse("dispatch:board")).status_code == 200
    with django_assert_max_num_queries(most):  # filtered: the queue's statement counts the queue
        assert client.get(reverse("dispatch:board") + "?service_type=onsite").status_code == 200
