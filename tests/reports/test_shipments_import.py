"""import_shipments and the upload page: line-numbered errors, all-or-nothing unless
--skip-bad, dry run, progress, replace on re-import, role checks."""
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from quality.models import Shipment
from tests.factories import ProductModelFactory

GOOD = "model,month,units\nM-A,2026-10,200\nm-b,2026-10,500\n"
BAD = "model,month,units\nM-A,2026-10,200\nM-X,2026-10,5\nM-B,2026-13,-1\nM-A,2026-10,7\n"


@pytest.fixture
def models(db):
    return ProductModelFactory(code="M-A"), ProductModelFactory(code="M-B")


def _write(tmp_path, text, encoding="utf-8"):
    path = tmp_path / "shipments.csv"
    path.write_text(text, encoding=encoding)
    return str(path)


def _figures():
    return sorted(Shipment.objects.values_list("model__code", "month", "units"))


def test_command_imports_units_per_model_and_month(tmp_path, models, supervisor, capsys):
    call_command("import_shipments", _write(tmp_path, GOOD), "--user", "supervisor", "--progress-every", "1")
    assert _figures() == [("M-A", date(2026, 10, 1), 200), ("M-B", date(2026, 10, 1), 500)]
    captured = capsys.readouterr()
    assert "2 of 2 rows imported" in captured.out and "… 1 rows validated" in captured.err


def test_reimport_replaces_the_figure(tmp_path, models, supervisor):
    call_command("import_shipments", _write(tmp_path, GOOD), "--user", "supervisor")
    call_command("import_shipments", _write(tmp_path, "model,month,units\nM-A,2026-10,250\n"), "--user", "supervisor")
    assert _figures() == [("M-A", date(2026, 10, 1), 250), ("M-B", date(2026, 10, 1), 500)]


def test_file_with_errors_imports_nothing_and_names_the_lines(tmp_path, models, supervisor, capsys):
    with pytest.raises(CommandError, match="3 of 4 rows have errors; nothing was imported"):
        call_command("import_shipments", _write(tmp_path, BAD), "--user", "supervisor")
    err = capsys.readouterr().err
    assert "line 3: model: No product model with the code “M-X”." in err
    assert "line 4: month:" in err and "units:" in err
    assert "line 5: month: Same model and month as line 2." in err
    assert _figures() == []


def test_skip_bad_imports_the_good_rows(tmp_path, models, supervisor):
    call_command("import_shipments", _write(tmp_path, BAD), "--user", "supervisor", "--skip-bad")
    assert _figures() == [("M-A", date(2026, 10, 1), 200)]


def test_dry_run_writes_nothing(tmp_path, models, supervisor, capsys):
    call_command("import_shipments", _write(tmp_path, GOOD), "--user", "supervisor", "--dry-run")
    assert "2 rows checked, 0 with errors; nothing written (dry run)" in capsys.readouterr().out
    assert _figures() == []


def test_bad_header_and_user_without_permission(tmp_path, models, supervisor, manager):
    with pytest.raises(CommandError, match="missing columns: units"):
        call_command("import_shipments", _write(tmp_path, "model,month\nM-A,2026-10\n"), "--user", "supervisor")
    with pytest.raises(CommandError, match="not allowed"):
        call_command("import_shipments", _write(tmp_path, GOOD), "--user", "manager")
    assert _figures() == []


def test_gb18030_file(tmp_path, supervisor):
    ProductModelFactory(code="打印机-1")
    path = _write(tmp_path, "model,month,units\n打印机-1,2026-09,12\n", encoding="gb18030")
    call_command("import_shipments", path, "--user", "supervisor", "--encoding", "gb18030")
    assert _figures() == [("打印机-1", date(2026, 9, 1), 12)]


def _upload(client, text, **options):
    return client.post(reverse("reports:shipments"), {
        "file": SimpleUploadedFile("s.csv", text.encode("utf-8"), content_type="text/csv"),
        "encoding": "utf-8-sig", **options})


def test_upload_page_imports_a_good_file(client, models, supervisor):
    client.force_login(supervisor)
    response = _upload(client, GOOD)
    assert response.status_code == 302
    assert len(_figures()) == 2
    assert "M-A" in client.get(reverse("reports:shipments")).content.decode()


def test_upload_page_shows_line_errors_and_writes_nothing(client, models, supervisor):
    client.force_login(supervisor)
    response = _upload(client, BAD)
    assert response.status_code == 400
    html = response.content.decode()
    assert "line 3: model: No product model with the code “M-X”." in html
    assert "3 of 4 rows have errors; nothing was imported." in html
    assert _figures() == []
    assert _upload(client, BAD, skip_bad="on").status_code == 200
    assert len(_figures()) == 1


def test_upload_page_dry_run_and_bad_files(client, models, supervisor):
    client.force_login(supervisor)
    response = _upload(client, GOOD, dry_run="on")
    assert response.status_code == 200 and "nothing written (dry run)" in response.content.decode()
    assert _figures() == []
    assert _upload(client, "name\nx\n").status_code == 400
    assert _upload(client, "").status_code == 400
    bad_bytes = client.post(reverse("reports:shipments"), {
        "file": SimpleUploadedFile("s.csv", b"model,month,units\n\xff\xfe,2026-10,1\n"), "encoding": "utf-8-sig"})
    assert bad_bytes.status_code == 400
    assert _figures() == []
