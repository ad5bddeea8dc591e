"""What every request pays (issue 12): a role's permissions and names in one cached query,
sessions from the cache, the unread badge capped, the inbox without COUNT(*)."""
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from staff import backends, roles
from staff.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)


def test_permissions_and_roles_come_from_one_query(agent, django_assert_num_queries):
    agent = fresh(agent)
    with django_assert_num_queries(1):
        assert agent.has_perm("tickets.add_ticket") and not agent.has_perm("tickets.assign_ticket")
        assert agent.has_perm("tickets.view_all_tickets")
        assert roles.user_roles(agent) == {roles.AGENT}


def test_permissions_are_cached_across_requests(agent, django_assert_num_queries):
    fresh(agent).has_perm("tickets.add_ticket")
    with django_assert_num_queries(0):
        assert _has(agent, "tickets.add_ticket")


def _has(user, perm):
    """has_perm on a new instance of the user, as the next request would load it."""
    user = get_user_model()(pk=user.pk, username=user.username, is_active=True)
    return user.has_perm(perm)


def test_a_role_change_is_seen_at_once(agent):
    assert _has(agent, "tickets.add_ticket")
    agent.groups.remove(Group.objects.get(name=roles.AGENT))
    assert not _has(agent, "tickets.add_ticket")
    agent.groups.add(Group.objects.get(name=roles.DISPATCHER))
    assert _has(agent, "tickets.assign_ticket")


def test_a_group_permission_change_is_seen_at_once(agent):
    assert _has(agent, "tickets.cancel_ticket")
    group = Group.objects.get(name=roles.AGENT)
    group.permissions.remove(group.permissions.get(codename="cancel_ticket"))
    assert not _has(agent, "tickets.cancel_ticket")


def test_inactive_and_superusers_keep_djangos_rules(agent):
    agent.is_active = False
    agent.save()
    assert not fresh(agent).has_perm("tickets.add_ticket")
    root = get_user_model().objects.create_user("root2", is_superuser=True)
    assert root.has_perm("tickets.acknowledge_escalation")


def test_signing_in_does_not_drop_everyones_cached_permissions(agent):
    _has(agent, "tickets.add_ticket")
    version = backends._version()
    agent.last_login = agent.date_joined
    agent.save(update_fields=["last_login"])
    assert backends._version() == version


def test_a_page_pays_few_queries(client, agent):
    client.force_login(agent)
    client.get(reverse("staff:inbox"))  # session and permissions into the cache
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("staff:inbox")).status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    # the user, the unread badge, the page of messages: no session, permission or role query
    assert len(sql) == 3, sql
    assert not any("django_session" in s or "auth_permission" in s or "auth_group" in s for s in sql)


def test_unread_badge_stops_at_99(client, agent, now):
    Notification.objects.bulk_create(Notification(recipient=agent, title=f"n{i}", created_at=now)
                                     for i in range(105))
    client.force_login(agent)
    content = client.get(reverse("staff:inbox")).content.decode()
    assert '<span class="count" title="Unread">99+</span>' in content


def test_htmx_partials_do_not_count_unread(client, agent, now, unit):
    Notification.objects.create(recipient=agent, title="n", created_at=now)
    client.force_login(agent)
    client.get(reverse("tickets:intake_search"), {"q": "zz"})
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("tickets:intake_search"), {"q": "zz"})
    assert not any("staff_notification" in q["sql"] for q in queries.captured_queries)


def test_inbox_pages_without_counting(client, agent, now):
    Notification.objects.bulk_create(Notification(recipient=agent, title=f"Note {i}", created_at=now + timedelta(
        seconds=i)) for i in range(65))
    client.force_login(agent)
    with CaptureQueriesContext(connection) as queries:
        first = client.get(reverse("staff:inbox"))
    assert not any("COUNT(" in q["sql"].upper() and "LIMIT 100" not in q["sql"].upper()
                   for q in queries.captured_queries)
    titles = [n.title for n in first.context["page"].object_list]
    assert titles[0] == "Note 64" and len(titles) == 30 and "?page=2" in first.content.decode()
    third = client.get(reverse("staff:inbox"), {"page": 3})
    assert [n.title for n in third.context["page"].object_list] == ["Note 4", "Note 3", "Note 2", "Note 1", "Note 0"]
    assert "?page=4" not in third.content.decode() and "?page=2" in third.content.decode()
    for bad in ("0", "-1", "x", "99999999999999999999"):
        assert client.get(reverse("staff:inbox"), {"page": bad}).status_code == 200
