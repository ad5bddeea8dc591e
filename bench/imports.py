"""Time and memory of the legacy import: `rows` customers with a unit each, then `rows`
tickets for them (90 % closed history, 10 % open), written through the import services.
Memory: the process's peak resident size after both imports (the whole file is
validated before it is written, so it grows with the file)."""
import io
import time
import resource
import uuid

from django.contrib.auth import get_user_model

from staff import roles
from tickets import imports
from tickets.models import ProductLine, ProductModel


def _importer():
    from django.contrib.auth.models import Group

    user, _created = get_user_model().objects.get_or_create(username="bench-importer")
    user.groups.add(Group.objects.get(name=roles.SUPERVISOR))
    return get_user_model().objects.get(pk=user.pk)  # fresh permission cache


def _files(rows, tag):
    line = ProductLine.objects.get_or_create(code="bench", defaults={"name": "Bench"})[0]
    model = ProductModel.objects.get_or_create(code="BENCH-1", defaults={"name": "Bench model", "product_line": line})[0]
    customers = ["name,phones,area,model,serial_number,purchase_date,proof_verified"]
    tickets = ["legacy_ref,created_at,phone,model,serial_number,channel,category,service_type,status,"
               "outcome,closed_at"]
    for i in range(rows):
        phone, serial = f"177{tag}{i:06d}", f"{tag}-{i:07d}"
        customers.append(f"Customer {tag} {i},{phone},urban,{model.code},{serial},2026-01-15,yes")
        if i % 10:
            tickets.append(f"{tag}-{i},2026-06-01 09:30,{phone},{model.code},{serial},phone,repair,onsite,"
                           "closed,repaired,2026-06-02 10:00")
        else:
            tickets.append(f"{tag}-{i},2026-11-01 09:30,{phone},{model.code},{serial},phone,repair,onsite,new,,")
    return "\n".join(customers) + "\n", "\n".join(tickets) + "\n"


def _measure(fn):
    started = time.perf_counter()
    report = fn()
    seconds = time.perf_counter() - started
    assert report.imported and not report.errors, report.errors[:3]
    return round(seconds, 2)


def run(*, rows):
    by = _importer()
    tag = uuid.uuid4().int % 10**2
    customers, tickets = _files(rows, f"{tag:02d}")
    c_s = _measure(lambda: imports.import_customers(io.StringIO(customers), by=by))
    t_s = _measure(lambda: imports.import_tickets(io.StringIO(tickets), by=by))
    return {"import_rows": rows, "import_customers_s": c_s, "import_customers_rows_per_s": round(rows / c_s),
            "import_tickets_s": t_s, "import_tickets_rows_per_s": round(rows / t_s),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}
