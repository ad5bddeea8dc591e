"""Legacy data import (SPEC §10): every row validated, bad rows reported by line number,
nothing imported from a file with errors unless told to skip them."""
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from tests.factories import CustomerPhoneFactory, FaultCodeFactory, ProductModelFactory, ProductUnitFactory
from tickets import choices, imports
from tickets.exceptions import PermissionDenied
from tickets.models import ClockKind, Customer, CustomerPhone, ProductUnit, SlaClock, Ticket, TicketEvent

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)


def csv_text(*lines):
    return io.StringIO("\n".join(lines) + "\n")


@pytest.fixture
def lp200(db):
    return ProductModelFactory(code="LP-200", warranty_months=12, doa_days=15)


# --- customers and units ----------------------------------------------------------------------

CUSTOMER_HEADER = "name,phones,area,model,serial_number,purchase_date,proof_verified"


def test_customers_with_units_are_imported_and_rows_sharing_a_phone_are_one_customer(agent, lp200):
    report = imports.import_customers(csv_text(
        CUSTOMER_HEADER,
        "Zhang Wei,138 0013 8000; 010-6552-1234,suburban,LP-200,SN-1,2026-03-01,yes",
        "zhang wei,+86 138-0013-8000,,LP-200,SN-2,2026/04/02,no",
        "Li Na,13900000000,,,,,",
    ), by=agent, today=date(2026, 11, 23))
    assert report.imported and not report.errors and report.rows == 3
    assert report.created == {"customers": 2, "units": 2}
    zhang = Customer.objects.get(name="Zhang Wei")
    assert zhang.area == choices.Area.SUBURBAN
    assert set(zhang.phones.values_list("number", flat=True)) == {"13800138000", "01065521234"}
    units = {u.serial_number: u for u in ProductUnit.objects.filter(customer=zhang)}
    assert set(units) == {"SN-1", "SN-2"}
    assert units["SN-1"].proof_verified and units["SN-1"].purchase_date == date(2026, 3, 1)
    assert not units["SN-2"].proof_verified and units["SN-2"].purchase_date == date(2026, 4, 2)
    assert Customer.objects.get(name="Li Na").area == choices.Area.URBAN


def test_a_file_with_bad_rows_imports_nothing_and_names_each_line_and_column(agent, lp200):
    report = imports.import_customers(csv_text(
        CUSTOMER_HEADER,
        "Good Customer,13811111111,,LP-200,SN-9,2026-01-01,yes",
        ",13822222222,,,,,",                      # line 3: no name
        "Bad Area,13833333333,mars,,,,",           # line 4: area
        "Unknown Model,13844444444,,XX-1,SN-1,,",  # line 5: model
        "Twice,13855555555,,LP-200,sn-9,,",         # line 6: same unit as line 2
        "Maybe,13866666666,,LP-200,SN-7,,perhaps",  # line 7: yes/no
    ), by=agent, today=date(2026, 11, 23))
    assert not report.imported
    assert [(e.line, sorted(e.errors)) for e in report.errors] == [
        (3, ["name"]), (4, ["area"]), (5, ["model"]), (6, ["serial_number"]), (7, ["proof_verified"])]
    assert "line 2" in report.errors[3].errors["serial_number"][0]
    assert not Customer.objects.exists() and not ProductUnit.objects.exists()


def test_skip_bad_imports_the_good_rows_only(agent, lp200):
    report = imports.import_customers(csv_text(
        CUSTOMER_HEADER,
        "Good One,13811111111,,LP-200,SN-1,,",
        "Bad Date,13822222222,,LP-200,SN-2,31.02.2026,",
        "Good Two,13833333333,,,,,",
    ), by=agent, skip_bad=True, today=date(2026, 11, 23))
    assert report.imported and report.skipped == 1 and report.errors[0].line == 3
    assert sorted(Customer.objects.values_list("name", flat=True)) == ["Good One", "Good Two"]


def test_a_phone_already_on_file_under_another_name_is_an_error(agent):
    CustomerPhoneFactory(raw="13811111111", customer__name="Wang Fang")
    report = imports.import_customers(csv_text("name,phones", "Someone Else,138-1111-1111"), by=agent)
    assert report.errors[0].errors["name"] and "Wang Fang" in report.errors[0].errors["name"][0]


def test_an_existing_customer_gets_the_new_unit_and_phone(agent, lp200):
    existing = CustomerPhoneFactory(raw="13811111111", customer__name="Wang Fang").customer
    report = imports.import_customers(csv_text(
        "name,phones,model,serial_number", "Wang Fang,13811111111;13822222222,LP-200,SN-5"), by=agent)
    assert report.created == {"units": 1, "phones": 1}
    assert Customer.objects.count() == 1
    assert existing.units.get().serial_number == "SN-5"
    assert existing.phones.count() == 2


def test_a_unit_already_on_file_is_reported(agent, lp200):
    ProductUnitFactory(model=lp200, serial_number="SN-1")
    report = imports.import_customers(csv_text("name,phones,model,serial_number", "A,13811111111,LP-200,sn-1"),
                                      by=agent)
    assert "already exists" in report.errors[0].errors["serial_number"][0]


@pytest.mark.parametrize("header,message", [
    ("name,telephone", "missing columns: phones"),
    ("name,phones,colour", "unknown columns: colour"),
])
def test_a_bad_header_fails_the_whole_file(agent, header, message):
    with pytest.raises(imports.ImportFileError, match=message):
        imports.import_customers(csv_text(header, "A,1"), by=agent)


def test_a_row_with_too_many_cells_is_reported(agent):
    report = imports.import_customers(csv_text("name,phones", "A,13811111111,extra"), by=agent)
    assert report.errors[0].line == 2 and "more cells" in str(report.errors[0])


def test_purchase_details_without_a_unit_and_future_dates_are_refused(agent, lp200):
    report = imports.import_customers(csv_text(
        CUSTOMER_HEADER,
        "A,13811111111,,,,2026-01-01,",
        "B,13822222222,,LP-200,SN-1,2027-01-01,",
    ), by=agent, today=date(2026, 11, 23))
    assert [sorted(e.errors) for e in report.errors] == [["model"], ["purchase_date"]]


def test_only_staff_allowed_to_add_customers_may_import(engineer):
    with pytest.raises(PermissionDenied):
        imports.import_customers(csv_text("name,phones", "A,13811111111"), by=engineer)


def test_dry_run_validates_and_writes_nothing(agent):
    report = imports.import_customers(csv_text("name,phones", "A,13811111111"), by=agent, dry_run=True)
    assert report.rows == 1 and not report.errors and not report.imported
    assert not Customer.objects.exists()


# --- tickets ---------------------------------------------------------------------------------

TICKET_HEADER = ("legacy_ref,created_at,phone,model,serial_number,channel,category,service_type,"
                 "status,outcome,completed_at,closed_at,cancel_reason,engineer,fault_code")


@pytest.fixture
def customer_unit(lp200):
    unit = ProductUnitFactory(model=lp200, serial_number="SN-1", purchase_date=date(2026, 5, 1),
                              proof_verified=True)
    CustomerPhoneFactory(customer=unit.customer, raw="13811111111")
    return unit


def test_history_is_imported_closed_without_clocks_and_open_tickets_start_their_clock(
        agent, engineer, customer_unit):
    FaultCodeFactory(code="PWR-01")
    report = imports.import_tickets(csv_text(
        TICKET_HEADER,
        "OLD-1,2026-06-01 09:30,13811111111,LP-200,SN-1,phone,repair,onsite,closed,repaired,"
        "2026-06-01 15:00,2026-06-03 10:00,,engineer,pwr-01",
        "OLD-2,2026-06-02 11:00,138-1111-1111,,,phone,inquiry,remote,cancelled,,,2026-06-02 11:30,Duplicate call,,",
        "OLD-3,2026-11-23 08:00,13811111111,LP-200,SN-1,web,repair,carry_in,new,,,,,,",
    ), by=agent, now=NOW)
    assert report.imported and not report.errors, [str(e) for e in report.errors]
    assert report.created == {"tickets_closed": 1, "tickets_cancelled": 1, "tickets_new": 1}

    closed = Ticket.objects.get(legacy_ref="OLD-1")
    assert closed.number.startswith("SR-2026-")
    assert (closed.status, closed.outcome, closed.assignee) == (choices.Status.CLOSED, choices.Outcome.REPAIRED, engineer)
    assert closed.created_at == datetime(2026, 6, 1, 9, 30, tzinfo=SHANGHAI)
    assert closed.completed_at == datetime(2026, 6, 1, 15, 0, tzinfo=SHANGHAI)
    assert closed.warranty_status == choices.WarrantyStatus.IN_WARRANTY
    assert closed.fault_code.code == "PWR-01"
    assert not SlaClock.objects.filter(ticket=closed).exists()
    completion = closed.completions.get()  # issue 7 item 5: past repairs count in reports too
    assert (completion.sequence, completion.engineer, completion.completed_at, completion.completion_outcome) == (
        1, engineer, datetime(2026, 6, 1, 15, 0, tzinfo=SHANGHAI), "")
    assert list(closed.events.order_by("at", "id").values_list("kind", "to_status")) == [
        (choices.EventKind.CREATED, choices.Status.NEW), (choices.EventKind.NOTE, ""),
        (choices.EventKind.STATUS_CHANGE, choices.Status.CLOSED)]

    cancelled = Ticket.objects.get(legacy_ref="OLD-2")
    assert cancelled.status == choices.Status.CANCELLED and cancelled.cancel_reason == "Duplicate call"
    assert cancelled.unit is None and cancelled.cancelled_at is not None

    new = Ticket.objects.get(legacy_ref="OLD-3")
    assert new.status == choices.Status.NEW
    clock = SlaClock.objects.get(ticket=new, kind=ClockKind.RESPONSE)
    assert clock.started_at == datetime(2026, 11, 23, 8, 0, tzinfo=SHANGHAI)
    assert new.response_due_at == clock.due_at
    assert TicketEvent.objects.filter(ticket=new, data__legacy_ref="OLD-3").exists()


def test_ticket_rows_are_checked_against_the_records(agent, customer_unit):
    CustomerPhoneFactory(raw="13999999999")  # someone else
    report = imports.import_tickets(csv_text(
        TICKET_HEADER,
        "A,2026-06-01 09:30,13700000000,,,phone,inquiry,remote,cancelled,,,2026-06-01 10:00,x,,",  # no customer
        "B,2026-06-01 09:30,13999999999,LP-200,SN-1,phone,repair,onsite,new,,,,,,",  # not their unit
        "C,2026-06-01 09:30,13811111111,LP-200,SN-404,phone,repair,onsite,new,,,,,,",  # no such unit
        "D,2026-06-01 09:30,13811111111,,,phone,repair,onsite,new,,,,,,",  # repair w/o unit
        "E,2026-06-01 09:30,13811111111,LP-200,SN-1,phone,repair,onsite,closed,,,,,,",  # outcome, closed_at
        "F,2026-06-01 09:30,13811111111,LP-200,SN-1,phone,repair,onsite,dispatched,,,,,,",  # status
        "G,2026-06-01 09:30,13811111111,LP-200,SN-1,phone,repair,onsite,closed,repaired,,2026-05-01 00:00,,,",
        "H,2026-06-01 09:30,13811111111,LP-200,SN-1,phone,repair,onsite,closed,repaired,,2026-06-02 00:00,,nobody,NOPE",
        "I,2027-01-01 09:30,13811111111,LP-200,SN-1,phone,repair,onsite,new,,,,,,",  # future
        "I,2026-06-01 09:30,13811111111,,,fax,inquiry,onsite,new,,,,,,",  # channel
    ), by=agent, now=NOW)
    found = {e.line: sorted(e.errors) for e in report.errors}
    assert found == {
        2: ["phone"], 3: ["phone"], 4: ["serial_number"], 5: ["serial_number"],
        6: ["closed_at", "outcome"], 7: ["status"], 8: ["closed_at"], 9: ["engineer", "fault_code"],
        10: ["created_at"], 11: ["channel"],
    }
    assert "import the customers first" in report.errors[0].errors["phone"][0]
    assert "cannot be imported" in report.errors[5].errors["status"][0]
    assert not Ticket.objects.exists()


def test_a_legacy_reference_is_imported_once(agent, customer_unit):
    line = "OLD-1,2026-06-01 09:30,13811111111,,,phone,inquiry,remote,cancelled,,,2026-06-01 10:00,x,,"
    first = imports.import_tickets(csv_text(TICKET_HEADER, line, line), by=agent, now=NOW)
    assert "line 2" in first.errors[0].errors["legacy_ref"][0] and not first.imported
    imports.import_tickets(csv_text(TICKET_HEADER, line), by=agent, now=NOW)
    again = imports.import_tickets(csv_text(TICKET_HEADER, line), by=agent, now=NOW)
    number = Ticket.objects.get().number
    assert f"Already imported as {number}" in again.errors[0].errors["legacy_ref"][0]


def test_a_phone_shared_by_two_customers_needs_the_unit(agent, customer_unit):
    CustomerPhoneFactory(raw="13811111111")  # a second customer with the same number
    report = imports.import_tickets(csv_text(
        TICKET_HEADER,
        "A,2026-06-01 09:30,13811111111,,,phone,inquiry,remote,cancelled,,,2026-06-01 10:00,x,,",
        "B,2026-06-01 09:30,13811111111,LP-200,SN-1,phone,repair,onsite,new,,,,,,",
    ), by=agent, skip_bad=True, now=NOW)
    assert [e.line for e in report.errors] == [2]
    assert Ticket.objects.get().customer == customer_unit.customer


# --- the commands --------------------------------------------------------------------------------

def test_command_imports_and_reports(tmp_path, agent, lp200, capsys):
    path = tmp_path / "customers.csv"
    path.write_text("\ufeffName,Phones,Model,Serial_Number\n张伟,13811111111,LP-200,SN-1\n", encoding="utf-8")
    call_command("import_customers", str(path), "--user", "agent")
    assert "1 of 1 rows imported (1 customers, 1 units)" in capsys.readouterr().out
    assert Customer.objects.get().name == "张伟"


def test_command_refuses_a_file_with_errors_and_lists_them(tmp_path, agent, capsys):
    path = tmp_path / "customers.csv"
    path.write_text("name,phones\nA,13811111111\nB,\n")
    with pytest.raises(CommandError, match="1 of 2 rows have errors; nothing was imported"):
        call_command("import_customers", str(path), "--user", "agent")
    assert "line 3: phones:" in capsys.readouterr().err
    assert not Customer.objects.exists()


def test_command_shows_progress_and_reads_other_encodings(tmp_path, agent, capsys):
    path = tmp_path / "customers.csv"
    rows = "".join(f"客户{i},1381111{i:04d}\n" for i in range(5))
    path.write_bytes(("name,phones\n" + rows).encode("gb18030"))
    call_command("import_customers", str(path), "--user", "agent", "--encoding", "gb18030", "--progress-every", "2")
    err = capsys.readouterr().err
    assert "… 4 rows validated" in err and "… 4 rows imported" in err
    assert Customer.objects.filter(name__startswith="客户").count() == 5
    assert CustomerPhone.objects.count() == 5


@pytest.mark.parametrize("args,message", [
    (["missing.csv", "--user", "agent"], "no such file"),
    (["{file}", "--user", "nobody"], "no active user"),
    (["{file}", "--user", "agent", "--encoding", "klingon"], "unknown encoding"),
    (["{file}", "--user", "engineer"], "nothing was imported"),
])
def test_command_errors_are_clear(tmp_path, agent, engineer, args, message):
    path = tmp_path / "customers.csv"
    path.write_text("name,phones\nA,13811111111\n")
    with pytest.raises(CommandError, match=message):
        call_command("import_customers", *[a.format(file=path) for a in args])
    assert not Customer.objects.exists()


def test_command_reports_a_file_in_the_wrong_encoding(tmp_path, agent):
    path = tmp_path / "customers.csv"
    path.write_bytes("name,phones\n客户,13811111111\n".encode("gb18030"))
    with pytest.raises(CommandError, match="expected encoding"):
        call_command("import_customers", str(path), "--user", "agent")


def test_import_tickets_command(tmp_path, agent, customer_unit, capsys):
    path = tmp_path / "tickets.csv"
    path.write_text("created_at,phone,channel,category,service_type,status,closed_at,cancel_reason\n"
                    "2026-06-01 09:30,13811111111,phone,inquiry,remote,cancelled,2026-06-01 10:00,Answered elsewhere\n")
    call_command("import_tickets", str(path), "--user", "agent")
    assert "1 tickets cancelled" in capsys.readouterr().out
    assert Ticket.objects.get().status == choices.Status.CANCELLED


def test_the_legacy_reference_shows_on_the_ticket_page_and_in_the_api(client, agent, customer_unit):
    imports.import_tickets(csv_text(
        TICKET_HEADER, "OLD-77,2026-06-01 09:30,13811111111,,,phone,inquiry,remote,cancelled,,,2026-06-01 10:00,x,,"),
        by=agent, now=NOW)
    ticket = Ticket.objects.get()
    client.force_login(agent)
    assert "OLD-77" in client.get(ticket.get_absolute_url()).content.decode()
    assert client.get(f"/api/tickets/{ticket.number}/").json()["legacy_ref"] == "OLD-77"


def test_the_ticket_list_search_finds_the_legacy_reference(client, agent, customer_unit):
    imports.import_tickets(csv_text(
        TICKET_HEADER, "OLD-77,2026-06-01 09:30,13811111111,,,phone,inquiry,remote,cancelled,,,2026-06-01 10:00,x,,",
        "OLD-78,2026-06-01 09:30,13811111111,,,phone,inquiry,remote,cancelled,,,2026-06-01 10:00,x,,"),
        by=agent, now=NOW)
    client.force_login(agent)
    found = client.get("/api/tickets/", {"q": "OLD-78"}).json()["results"]
    assert [t["number"] for t in found] == [Ticket.objects.get(legacy_ref="OLD-78").number]


def test_history_numbers_are_taken_from_the_yearly_counter(agent, customer_unit, make_ticket):
    before = make_ticket(now=datetime(2026, 11, 1, 10, 0, tzinfo=SHANGHAI)).number
    rows = [f"H{i},{year}-06-01 09:30,13811111111,,,phone,inquiry,remote,cancelled,,,{year}-06-01 10:00,x,,"
            for i, year in enumerate([2025, 2026, 2025, 2026])]
    rows.insert(2, "N1,2026-11-20 09:30,13811111111,,,phone,inquiry,remote,new,,,,,,")
    imports.import_tickets(csv_text(TICKET_HEADER, *rows), by=agent, now=NOW)
    after = make_ticket(now=NOW).number
    numbers = dict(Ticket.objects.exclude(legacy_ref="").values_list("legacy_ref", "number"))
    assert sorted(numbers[r] for r in ("H0", "H2")) == ["SR-2025-000001", "SR-2025-000002"]
    taken_2026 = sorted([before, after, numbers["H1"], numbers["H3"], numbers["N1"]])
    assert taken_2026 == [f"SR-2026-{n:06d}" for n in range(1, 6)]
    assert before == "SR-2026-000001" and after == "SR-2026-000005"


def test_a_ticket_from_before_the_purchase_is_refused(agent, customer_unit):
    report = imports.import_tickets(csv_text(
        TICKET_HEADER, "A,2026-04-30 09:30,13811111111,LP-200,SN-1,phone,repair,onsite,new,,,,,,"), by=agent, now=NOW)
    assert "before the unit was bought (2026-05-01)" in report.errors[0].errors["created_at"][0]


def test_the_list_shows_the_year_of_tickets_from_other_years(client, agent, make_ticket):
    make_ticket(now=datetime(2025, 3, 1, 10, 0, tzinfo=SHANGHAI))
    client.force_login(agent)
    page = client.get("/tickets/").content.decode()
    assert "2025-03-01 10:00" in page
