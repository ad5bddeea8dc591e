"""A manager opens last month's report, filters by model, drills down to the tickets and
downloads the XLSX; screenshots in English and Chinese."""
import io
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from quality.models import Callback
from quality.reports.periods import last_month
from spares.models import MoveKind, Part, Rma, StockMove, Vendor, Warehouse
from staff import roles
from tests.e2e.conftest import ARTIFACTS
from tests.factories import ProductModelFactory, ProductUnitFactory, TicketFactory, UserFactory
from tickets.choices import Outcome, Status
from tickets.models import Completion

PASSWORD = "pass-word-123"


def sign_in(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


@pytest.fixture
def report_data(transactional_db):
    manager = UserFactory(username="manager.e2e", first_name="Xu", last_name="Hui", roles=[roles.MANAGER])
    engineer = UserFactory(username="eng.e2e", first_name="Liu", last_name="Yang", roles=[roles.ONSITE_ENGINEER])
    first = last_month(timezone.localdate())
    noon = timezone.make_aware(datetime.combine(first + timedelta(days=4), time(12)))
    printer = ProductModelFactory(code="LP-200", name="激光打印机 200")
    router = ProductModelFactory(code="RT-9", name="Router 9")
    east = Warehouse.objects.create(code="SP-E2E", name="Service point East", kind="service_point")
    tickets = []
    for n, model in enumerate([printer, printer, router]):
        unit = ProductUnitFactory(model=model)
        ticket = TicketFactory(customer=unit.customer, unit=unit, created_at=noon + timedelta(hours=n),
                               assignee=engineer, status=Status.CLOSED, outcome=Outcome.REPAIRED,
                               completed_at=noon + timedelta(hours=n + 2), closed_at=noon + timedelta(days=1),
                               service_point=east if n == 0 else None)
        Completion.objects.create(ticket=ticket, sequence=1, outcome=Outcome.REPAIRED, engineer=engineer,
                                  completed_at=ticket.completed_at)
        tickets.append(ticket)
    # one part issued, one unit at a vendor, one answered callback: the newer sections have figures
    hq = Warehouse.objects.create(code="HQ-E2E", name="Head office", kind="head_office")
    fuser = Part.objects.create(part_number="FU-1", name="定影组件", unit_cost=Decimal("35.00"))
    StockMove.objects.create(kind=MoveKind.ISSUE, part=fuser, quantity=2, from_warehouse=hq, ticket=tickets[0],
                             unit_cost=Decimal("35.00"), by=engineer, at=noon + timedelta(hours=1))
    vendor = Vendor.objects.create(code="VEN-1", name="华南维修中心")
    Rma.objects.create(ticket=tickets[2], vendor=vendor, reason="board", status="shipped", received_at=noon,
                       shipped_at=noon + timedelta(hours=3), created_by=engineer, created_at=noon)
    Callback.objects.create(ticket=tickets[0], result="answered", attempted_at=noon + timedelta(days=1),
                            attitude=5, speed=4, repair_quality=5)
    return manager, printer, tickets, first, east


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_manager_filters_drills_down_and_downloads_xlsx(live_server, browser, browser_page, report_data, screenshot):
    manager, printer, tickets, first, east = report_data
    page = browser_page
    sign_in(page, live_server.url, manager.username)
    page.get_by_role("link", name="Reports").click()
    expect(page.locator(".period")).to_contain_text(first.strftime("%Y-%m-%d"))
    expect(page.locator("#kpi-received strong")).to_have_text("3")
    expect(page.locator("#kpi-parts strong")).to_have_text("70.00")
    expect(page.locator("#kpi-vendors strong")).to_have_text("1")
    expect(page.locator("#kpi-satisfied strong")).to_have_text("100.0 %")
    expect(page.locator("#parts-by-part")).to_contain_text("定影组件")
    expect(page.locator("#vendors-table")).to_contain_text("华南维修中心")
    screenshot("last-month")
    for section in ("parts", "vendors", "satisfaction", "engineers"):
        page.locator(f"#{section}").screenshot(path=str(ARTIFACTS / f"test_manager_reports_en-{section}.png"))

    page.select_option("#id_model", str(printer.pk))
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#kpi-received strong")).to_have_text("2")
    expect(page.locator("#kpi-success strong")).to_have_text("100.0 %")
    screenshot("filtered")

    page.locator("#kpi-received").click()
    expect(page.locator("#drill-total")).to_have_text("2 tickets")
    for ticket in tickets[:2]:
        expect(page.get_by_role("link", name=ticket.number)).to_be_visible()
    expect(page.get_by_role("link", name=tickets[2].number)).to_have_count(0)
    screenshot("drill-down")

    page.get_by_role("link", name="« Back to the report").click()
    with page.expect_download() as download_info:
        page.locator("#export-xlsx").click()
    download = download_info.value
    workbook = load_workbook(io.BytesIO(open(download.path(), "rb").read()))
    summary = {row[0]: row[1] for row in workbook["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["Repairs received"] == 2 and summary["Repair success rate (%)"] == 100.0
    models = list(workbook["Volume by model"].iter_rows(values_only=True))
    assert models[1] == ("LP-200", "激光打印机 200", 2, 2)

    # the branch handling the tickets: only the first printer ticket is Service point East's
    page.select_option("#id_service_point", str(east.pk))
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#kpi-received strong")).to_have_text("1")
    expect(page.locator("#kpi-parts strong")).to_have_text("70.00")
    page.locator("#kpi-received").click()
    expect(page.locator("#drill-total")).to_have_text("1 ticket")
    expect(page.get_by_role("link", name=tickets[0].number)).to_be_visible()
    screenshot("service-point")

    chinese = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    sign_in(chinese, live_server.url, manager.username)
    chinese.get_by_role("link", name="报表").click()
    expect(chinese.locator("h1")).to_have_text("报表")
    expect(chinese.locator("#kpi-received span")).to_have_text("收到的维修单")
    expect(chinese.locator("#parts h2")).to_contain_text("备件使用")
    expect(chinese.locator("#satisfaction h2")).to_contain_text("满意度与投诉")
    chinese.wait_for_timeout(300)
    ARTIFACTS.mkdir(exist_ok=True)
    chinese.screenshot(path=str(ARTIFACTS / "test_manager_reports_zh.png"), full_page=True)
    for section in ("parts", "vendors", "satisfaction", "engineers"):  # close-ups of the newer sections
        chinese.locator(f"#{section}").screenshot(path=str(ARTIFACTS / f"test_manager_reports_zh-{section}.png"))
    chinese.context.close()
