"""Running the center (issue 7 item 10): the admin registers what the README says is
edited there, role groups have readable names, an engineer is on the board as soon as
they get the role, and supervisors manage engineers on a page of their own."""
from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.urls import reverse

from dispatch import selectors
from dispatch.models import EngineerProfile
from staff import roles
from tests.factories import ProductLineFactory, UserFactory
from tickets.models import BusinessCalendar

# --- the admin ---------------------------------------------------------------------------------

ADMIN_PAGES = ["tickets_slapolicy", "tickets_businesscalendar", "tickets_faultcode", "tickets_escalation",
               "dispatch_engineerprofile", "tickets_productmodel", "auth_group", "auth_user"]


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_admin_lists_what_the_readme_says_is_edited_there(admin_client, page):
    assert admin_client.get(reverse(f"admin:{page}_changelist")).status_code == 200


def test_business_calendar_is_edited_with_its_hours_and_days_inline(admin_client):
    calendar = BusinessCalendar.objects.first()
    html = admin_client.get(reverse("admin:tickets_businesscalendar_change", args=[calendar.pk])).content.decode()
    assert 'id="hours-group"' in html and 'id="days-group"' in html


def test_sla_policy_change_page_opens(admin_client):
    from tickets.models import SlaPolicy

    policy = SlaPolicy.objects.get(priority="urgent")
    assert admin_client.get(reverse("admin:tickets_slapolicy_change", args=[policy.pk])).status_code == 200


def test_groups_show_readable_role_names(admin_client):
    html = admin_client.get(reverse("admin:auth_group_changelist")).content.decode()
    assert "Onsite engineer" in html and "Service center supervisor" in html
    user = UserFactory(username="someone")
    html = admin_client.get(reverse("admin:auth_user_change", args=[user.pk])).content.decode()
    assert "Depot engineer (depot_engineer)" in html


# --- an engineer is on the board as soon as they get the role ----------------------------------

def test_engineer_given_the_role_is_on_the_board_at_once(db):
    user = UserFactory(username="newbie", first_name="Xiao", last_name="Wang")
    assert not EngineerProfile.objects.filter(user=user).exists()
    user.groups.add(Group.objects.get(name=roles.ONSITE_ENGINEER))
    profile = EngineerProfile.objects.get(user=user)
    assert (profile.does_onsite, profile.does_depot) == (True, False)
    assert user.pk in {p.user_id for p in selectors.engineers()}


def test_depot_engineer_added_from_the_group_side_works_depot_jobs(db):
    user = UserFactory(username="bench")
    Group.objects.get(name=roles.DEPOT_ENGINEER).user_set.add(user)
    profile = EngineerProfile.objects.get(user=user)
    assert (profile.does_onsite, profile.does_depot) == (False, True)


def test_other_roles_get_no_engineer_profile(db):
    user = UserFactory(username="agent-x", roles=[roles.AGENT])
    user.groups.add(Group.objects.get(name=roles.SUPERVISOR))
    assert not EngineerProfile.objects.filter(user=user).exists()


def test_migration_gives_existing_engineers_a_profile(db):
    user = UserFactory(username="old-engineer", roles=[roles.DEPOT_ENGINEER])
    EngineerProfile.objects.filter(user=user).delete()
    import_module("dispatch.migrations.0002_profiles_for_engineer_roles").create_missing_profiles(apps, None)
    assert EngineerProfile.objects.get(user=user).does_depot


# --- the engineers page ------------------------------------------------------------------------

PAGE_ROLES = {"supervisor": 200, "dispatcher": 200, "agent": 403, "engineer": 403, "depot_engineer": 403,
              "tech_support": 403, "spares_admin": 403, "quality": 403, "manager": 403}


@pytest.mark.parametrize("role, status", PAGE_ROLES.items())
def test_engineers_page_per_role(client, request, role, status, engineer):
    user = request.getfixturevalue(role)
    client.force_login(user)
    profile = EngineerProfile.objects.get(user=engineer)
    assert client.get(reverse("dispatch:engineers")).status_code == status
    assert client.get(reverse("dispatch:engineer_edit", args=[profile.pk])).status_code == status
    response = client.post(reverse("dispatch:engineer_edit", args=[profile.pk]),
                           {"area": "remote", "does_onsite": "on", "status": "available"})
    assert response.status_code == (302 if status == 200 else 403)
    profile.refresh_from_db()
    assert (profile.area == "remote") == (status == 200)


def test_supervisor_sets_skills_area_service_types_and_status(client, supervisor, engineer):
    printers, laptops = ProductLineFactory(name="Printers"), ProductLineFactory(name="Laptops")
    profile = EngineerProfile.objects.get(user=engineer)
    client.force_login(supervisor)
    response = client.post(reverse("dispatch:engineer_edit", args=[profile.pk]), {
        "product_lines": [printers.pk, laptops.pk], "area": "suburban", "does_depot": "on", "status": "off_duty"})
    assert response.status_code == 302
    profile.refresh_from_db()
    assert set(profile.product_lines.all()) == {printers, laptops}
    assert (profile.area, profile.does_onsite, profile.does_depot, profile.status) == (
        "suburban", False, True, "off_duty")
    assert profile.status_changed_at is not None
    html = client.get(reverse("dispatch:engineers")).content.decode()
    assert engineer.get_full_name() in html and "Printers" in html


def test_engineer_needs_at_least_one_service_type(client, supervisor, engineer):
    profile = EngineerProfile.objects.get(user=engineer)
    client.force_login(supervisor)
    response = client.post(reverse("dispatch:engineer_edit", args=[profile.pk]),
                           {"area": "urban", "status": "available"})
    assert response.status_code == 400
    assert "onsite jobs, depot jobs or both" in response.content.decode()


def test_engineers_page_never_lists_the_superuser(client, supervisor, engineer, admin_user):
    admin_user.groups.add(Group.objects.get(name=roles.ONSITE_ENGINEER))
    client.force_login(supervisor)
    html = client.get(reverse("dispatch:engineers")).content.decode()
    assert engineer.get_full_name() in html and admin_user.username not in html


def test_supervisor_menu_links_the_engineers_page(client, supervisor, agent):
    client.force_login(supervisor)
    assert reverse("dispatch:engineers") in client.get(reverse("tickets:ticket_list")).content.decode()
    client.force_login(agent)
    assert reverse("dispatch:engineers") not in client.get(reverse("tickets:ticket_list")).content.decode()


@pytest.fixture
def administrator(db):
    return UserFactory(username="center-admin", roles=[roles.ADMINISTRATOR], is_staff=True)


@pytest.mark.parametrize("page", ["tickets_slapolicy", "tickets_businesscalendar", "dispatch_engineerprofile",
                                  "tickets_faultcode"])
def test_administrator_role_edits_them_in_the_admin_without_being_superuser(client, administrator, page):
    client.force_login(administrator)
    assert client.get(reverse(f"admin:{page}_changelist")).status_code == 200


def test_administrator_sets_an_engineers_skills_in_the_admin(client, administrator, engineer):
    line = ProductLineFactory()
    profile = EngineerProfile.objects.get(user=engineer)
    client.force_login(administrator)
    response = client.post(reverse("admin:dispatch_engineerprofile_change", args=[profile.pk]), {
        "user": engineer.pk, "product_lines": [line.pk], "does_onsite": "on", "area": "remote", "status": "available"})
    assert response.status_code == 302, response.content.decode()[:2000]
    profile.refresh_from_db()
    assert profile.area == "remote" and list(profile.product_lines.all()) == [line]
