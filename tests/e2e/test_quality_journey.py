"""Quality in a real browser: a quality user takes a major complaint from intake to
closure (the task force sees it), makes a survey link, and the customer answers the
survey on a 390 × 844 phone screen in Chinese."""
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from quality.models import Callback, Complaint
from staff import roles
from tests.e2e.conftest import ARTIFACTS
from tests.factories import ProductUnitFactory, UserFactory
from tickets import services
from tickets.choices import Status
from tickets.models import Ticket

PASSWORD = "pass-word-123"


def sign_in(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


@pytest.fixture
def quality_data(transactional_db):
    agent = UserFactory(username="agent.e2e", roles=[roles.AGENT])
    dispatcher = UserFactory(username="dispatcher.e2e", roles=[roles.DISPATCHER])
    engineer = UserFactory(username="engineer.e2e", first_name="Zhang", last_name="Wei",
                           roles=[roles.ONSITE_ENGINEER])
    UserFactory(username="quality.e2e", first_name="Zhou", last_name="Xin", roles=[roles.QUALITY])
    UserFactory(username="supervisor.e2e", first_name="Wu", last_name="Gang", roles=[roles.SUPERVISOR])
    UserFactory(username="sales.e2e", first_name="Ma", last_name="Lin", roles=[roles.SALES_LEAD])
    unit = ProductUnitFactory(customer__name="Harbor Logistics")
    start = timezone.now() - timedelta(hours=3)
    ticket = services.create_ticket(by=agent, now=start, customer=unit.customer, unit=unit, channel="phone",
                                    category="repair", service_type="onsite", fault_description="Paper jam")
    services.assign_ticket(ticket, engineer, by=dispatcher, now=start + timedelta(minutes=10))
    services.arrive(ticket, by=engineer, now=start + timedelta(minutes=30))
    services.complete(ticket, by=engineer, now=start + timedelta(hours=1), outcome="repaired",
                      work_done="Replaced the roller", customer_confirmation="Mr. Gao")
    return ticket


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_major_complaint_to_closure_and_survey_on_a_phone(live_server, browser, quality_data, screenshot,
                                                          browser_page):
    ticket, base, page = quality_data, live_server.url, browser_page
    sign_in(page, base, "quality.e2e")
    page.goto(f"{base}/quality/complaints/new/")
    page.fill("input[name=ticket]", ticket.number)
    page.check("input[name=severity][value=major]")
    page.select_option("select[name=category]", "repair_quality")
    page.fill("textarea[name=description]", "Jams again; the customer is furious.")
    screenshot("complaint-intake")
    page.get_by_role("button", name="Log complaint").click()
    page.wait_for_url("**/quality/complaints/*/")
    complaint = Complaint.objects.get()
    expect(page.locator("#task-force")).to_contain_text("Sales lead")
    expect(page.locator("#task-force")).to_contain_text("Zhang Wei")
    screenshot("complaint-task-force")

    steps = [("#step-reply", {"textarea[name=note]": "Called back, engineer tomorrow 9:00."}),
             ("#step-investigate", {"textarea[name=cause]": "Worn pick-up roller left in place."}),
             ("#step-remedy", {"textarea[name=remedy]": "Free roller replacement and a toner."})]
    for form, fields in steps:
        for selector, value in fields.items():
            page.fill(f"{form} {selector}", value)
        page.locator(f"{form} button[type=submit]").click()
        expect(page.locator(".messages")).to_contain_text("Saved.")
    page.check("#step-acceptance input[value=yes]")
    page.locator("#step-acceptance button[type=submit]").click()
    page.fill("#step-close textarea[name=closing_summary]", "Roller was worn; replaced; customer accepted.")
    page.fill("#step-close textarea[name=prevention]", "Check roller wear on every printer visit.")
    page.get_by_role("button", name="Close complaint").click()
    expect(page.locator("#complaint-status")).to_have_text("Closed")
    screenshot("complaint-closed")
    complaint.refresh_from_db()
    assert (complaint.status, complaint.customer_accepted, complaint.responsibility) == ("closed", True, "staff")

    # The sales lead sees it on the task-force page.
    sales = browser.new_context(viewport={"width": 1280, "height": 900})
    sales_page = sales.new_page()
    sign_in(sales_page, base, "sales.e2e")
    sales_page.goto(f"{base}/quality/task-force/")
    expect(sales_page.locator("#task-force-table")).to_contain_text(complaint.number)
    sales.close()

    # A survey link instead of a call, in Chinese.
    page.goto(f"{base}/quality/callbacks/")
    expect(page.locator("#callback-table")).to_contain_text(ticket.number)
    page.goto(f"{base}/quality/callbacks/{ticket.number}/")
    page.select_option("#survey-form select[name=language]", "zh-hans")
    page.get_by_role("button", name="Make survey link").click()
    url = page.locator("#survey-url").input_value()
    assert f"/survey/{ticket.number}/" in url
    screenshot("survey-link")

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US", is_mobile=True,
                                has_touch=True)
    customer = phone.new_page()
    customer.goto(base + url[url.index("/survey/"):])
    expect(customer.locator("h1")).to_have_text("您对我们的服务满意吗？")
    assert customer.evaluate("document.documentElement.scrollWidth") <= 390
    for question, score in (("attitude", "5"), ("speed", "4"), ("repair_quality", "5")):
        customer.locator(f"input[name={question}][value='{score}']").check()
    customer.fill("textarea[name=comment]", "师傅很专业")
    ARTIFACTS.mkdir(exist_ok=True)
    customer.screenshot(path=str(ARTIFACTS / "quality-journey-survey-390x844.png"), full_page=True)
    customer.get_by_role("button", name="提交").click()
    expect(customer.locator("h1")).to_have_text("谢谢！")
    customer.reload()
    expect(customer.locator("h1")).to_have_text("此问卷已关闭")
    phone.close()

    callback = Callback.objects.get()
    assert (callback.channel, callback.attitude, callback.speed, callback.repair_quality) == ("survey", 5, 4, 5)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED
