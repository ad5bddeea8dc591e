"""Staff pages: sign-in (with throttling), the inbox, the base layout and language switch."""
import pytest
from django.core.cache import cache
from django.urls import reverse

from staff.models import Notification
from staff.services import notify

pytestmark = pytest.mark.django_db
PASSWORD = "pass-word-123"  # tests.factories.UserFactory


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


def _sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_page_renders_and_signs_in(client, agent):
    page = client.get(reverse("login"))
    assert page.status_code == 200 and 'name="password"' in page.content.decode()
    response = _sign_in(client, "agent", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home"))["Location"] == reverse("tickets:intake")


def test_wrong_password_shows_error(client, agent):
    response = _sign_in(client, "agent", "wrong")
    assert response.status_code == 200 and response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_login_is_throttled_after_repeated_failures(client, agent, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT + 1):
        _sign_in(client, "agent", "wrong")
    response = _sign_in(client, "agent", PASSWORD)
    assert response.status_code == 429  # was 200 with the message; django-axes answers 429 Too Many Requests
    assert "Too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post_and_returns_to_login(client, agent):
    client.force_login(agent)
    page = client.get(reverse("staff:inbox")).content.decode()
    assert f'action="{reverse("logout")}" method="post"' in page
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")


def test_base_layout_shows_navigation_roles_and_unread_badge(client, agent, now):
    notify([agent], title="Escalation on SR-1", now=now, kind=Notification.Kind.ESCALATION)
    client.force_login(agent)
    content = client.get(reverse("staff:inbox")).content.decode()
    assert "Call agent" in content and 'class="count"' in content
    assert reverse("tickets:intake") in content and reverse("tickets:my_jobs") not in content
    assert 'hx-headers=\'{"X-CSRFToken": "' in content and "htmx-2.min.js" in content


def test_only_the_most_specific_nav_item_is_active(client, agent):
    client.force_login(agent)
    content = client.get(reverse("tickets:intake")).content.decode()
    assert content.count('aria-current="page"') == 1
    assert f'<a href="{reverse("tickets:intake")}" class="active"' in content


def test_inbox_lists_own_notifications_and_marks_one_read(client, agent, dispatcher, now):
    notify([agent], title="First", now=now)
    notify([agent], title="Second", now=now)
    notify([dispatcher], title="Not yours", now=now)
    client.force_login(agent)
    content = client.get(reverse("staff:inbox")).content.decode()
    assert "First" in content and "Second" in content and "Not yours" not in content
    first = Notification.objects.get(title="First")
    response = client.post(reverse("staff:mark_read"), {"id": first.pk})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    assert Notification.objects.get(title="Second").read_at is None


def test_inbox_mark_all_read(client, agent, now):
    notify([agent], title="A", now=now)
    notify([agent], title="B", now=now)
    client.force_login(agent)
    client.post(reverse("staff:mark_read"), {"all": "1"})
    assert not agent.notifications.filter(read_at__isnull=True).exists()
    assert 'class="count"' not in client.get(reverse("staff:inbox")).content.decode()


def test_inbox_paginates(client, agent, now):
    for i in range(35):
        notify([agent], title=f"Note {i}", now=now)
    client.force_login(agent)
    first = client.get(reverse("staff:inbox"))
    assert len(first.context["page"].object_list) == 30 and "?page=2" in first.content.decode()
    assert len(client.get(reverse("staff:inbox"), {"page": 2}).context["page"].object_list) == 5


def test_language_cookie_renders_simplified_chinese(client, agent):
    client.force_login(agent)
    client.cookies["django_language"] = "zh-hans"
    response = client.get(reverse("tickets:ticket_list"))
    assert response.status_code == 200 and 'lang="zh-hans"' in response.content.decode()


def test_set_language_switches_the_page_language(client, agent):
    client.force_login(agent)
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("staff:inbox")})
    assert response.status_code == 302
    page = client.get(reverse("staff:inbox"))
    assert page.status_code == 200 and 'lang="zh-hans"' in page.content.decode()
    assert 'value="zh-hans" selected' in page.content.decode()
