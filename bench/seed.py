"""A realistic service center, generated inside PostgreSQL (INSERT … SELECT over
generate_series, no Python loop over rows), at the shape of issue 12:

    at --scale 1:  3 years, 1,000,000 tickets, 300,000 customers (15 % with a second
    phone), 371,000 units, 300 engineers with profiles (+ agents, dispatchers,
    supervisors, managers), 4,604 open tickets, ~2.4 M SLA clocks, ~0.9 M escalations
    (~12 % unacknowledged), ~5.7 M timeline events, ~2.5 M notifications, service
    reports and depot receipts.

Everything scales with `scale` except the staff (300 engineers at any scale ≥ 0.1).
Every value is derived from the row number through `hashtext`, so two seeds at the same
scale produce the same data (only the dates move with the clock at seeding time).

Milestones are drawn first and the clocks follow from them: a clock stops when its
milestone happens (response at assignment, arrival at arrival, completion at
completion), so how late each milestone is decides which escalations exist; running
clocks (open tickets) have raised every threshold already past `now`. A ticket's
`sla_warned` / `sla_breached` and each clock's `raised` / `next_due_at` agree with the
escalation rows, so the sweep finds nothing to do right after seeding.

All staff log in with the password `bench-pass-2026`: eng001…eng300 (eng001–eng260
onsite, the rest depot), agent01…, disp01…, sup01…, mgr01….
"""
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from staff import roles

PASSWORD = "bench-pass-2026"
SHAPE = {  # at scale 1
    "tickets": 1_000_000, "customers": 300_000, "units": 371_000, "open": 4_604, "completed": 1_500,
}
STAFF = {  # role → (username prefix, count)
    roles.ONSITE_ENGINEER: ("eng", 260), roles.DEPOT_ENGINEER: ("eng", 40), roles.AGENT: ("agent", 40),
    roles.DISPATCHER: ("disp", 10), roles.SUPERVISOR: ("sup", 4), roles.MANAGER: ("mgr", 2),
}
YEARS = 3

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强文斌海燕红梅小红玉兰春梅丹辉鹏飞浩宇子涵欣怡梓轩雨涵晨阳佳怡一诺思远嘉豪俊杰"
PINYIN = ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma", "Zhu",
          "Hu", "Guo", "He", "Gao", "Lin", "Luo", "Zheng", "Liang", "Xie", "Song", "Tang", "Han", "Feng", "Deng"]
GIVEN_PINYIN = ["Wei", "Fang", "Na", "Xiuying", "Min", "Jing", "Li", "Qiang", "Lei", "Jun", "Yang", "Yong", "Yan",
                "Jie", "Juan", "Tao", "Ming", "Chao", "Xia", "Ping", "Gang", "Hua", "Jianguo", "Haiyan", "Hongmei",
                "Hao", "Yu", "Xin", "Chen", "Jiahao"]
COMPANY = ["Technology", "Trading", "Hotel", "Restaurant", "Logistics", "Clinic", "School", "Property"]
LINES = [("washer", "Washing machines", "WM"), ("fridge", "Refrigerators", "RF"), ("aircon", "Air conditioners", "AC"),
         ("tv", "Televisions", "TV"), ("heater", "Water heaters", "WH"), ("kitchen", "Kitchen appliances", "KA")]
MODELS_PER_LINE = 10
SERVICE_POINTS = 4  # bench service point warehouses the tickets are spread over


def H(expr, salt):
    """A stable pseudo-random integer 0..999 from an SQL expression."""
    return f"mod(abs(hashtext(({expr})::text || '{salt}')::bigint), 1000)"


def HN(expr, salt, n):
    """A stable pseudo-random integer 0..n-1 (n may be an SQL expression)."""
    return f"mod(abs(hashtext(({expr})::text || '{salt}')::bigint), {n})"


SEEDED_TABLES = (
    "staff_notification", "tickets_escalation", "tickets_slaclock", "tickets_ticketevent",
    "tickets_servicereport", "dispatch_benchtest", "dispatch_depotphoto", "dispatch_depotreceipt",
    "tickets_ticket", "tickets_ticketsequence", "tickets_productunit", "tickets_customerphone",
    "tickets_customer", "tickets_faultcode", "tickets_productmodel", "tickets_productline",
)


def counts(scale):
    shape = {k: max(int(round(v * scale)), 10) for k, v in SHAPE.items()}
    shape["staff"] = {role: (prefix, max(int(round(n * min(1.0, scale * 10))), 2 if n < 10 else 5))
                      for role, (prefix, n) in STAFF.items()}
    return shape


def reset():
    """Empty every table the seed writes (and whatever hangs on them)."""
    existing = set(connection.introspection.table_names())
    tables = [t for t in SEEDED_TABLES if t in existing]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    User = get_user_model()
    User.objects.filter(username__regex=r"^(eng|agent|disp|sup|mgr)\d+$").delete()


def _staff(shape):
    """Users of every role with a shared password hash; engineers get profiles."""
    from dispatch.models import EngineerProfile
    from staff.models import StaffProfile
    from tickets.models import ProductLine

    User = get_user_model()
    hasher = PBKDF2PasswordHasher()  # what production settings check, whatever settings seed
    password = hasher.encode(PASSWORD, hasher.salt())
    made = {}
    numbers = {}
    users = []
    for role, (prefix, n) in shape["staff"].items():
        for _ in range(n):
            numbers[prefix] = numbers.get(prefix, 0) + 1
            i = numbers[prefix]
            name = f"{prefix}{i:03d}" if prefix == "eng" else f"{prefix}{i:02d}"
            users.append((role, User(username=name, password=password, first_name=prefix.title(),
                                     last_name=f"{i:03d}", email=f"{name}@bench.example", is_active=True)))
    created = User.objects.bulk_create([u for _r, u in users])
    through = User.groups.through
    groups = {g.name: g.pk for g in Group.objects.filter(name__in=shape["staff"])}
    through.objects.bulk_create([through(user_id=u.pk, group_id=groups[role]) for (role, _), u in zip(users, created)])
    StaffProfile.objects.bulk_create([StaffProfile(user_id=u.pk, phone=f"1390000{u.pk:04d}") for u in created])
    for (role, _), u in zip(users, created):
        made.setdefault(role, []).append(u.pk)
    lines = list(ProductLine.objects.values_list("pk", flat=True))
    areas = ["urban", "urban", "suburban", "remote"]
    profiles = []
    for i, pk in enumerate(made[roles.ONSITE_ENGINEER] + made[roles.DEPOT_ENGINEER]):
        depot = pk in made[roles.DEPOT_ENGINEER]
        profiles.append(EngineerProfile(user_id=pk, does_onsite=not depot, does_depot=depot, area=areas[i % 4],
                                        status=["available", "on_job", "on_job", "off_duty"][i % 4],
                                        status_changed_at=timezone.now() - timedelta(minutes=i)))
    profiles = EngineerProfile.objects.bulk_create(profiles)
    m2m = EngineerProfile.product_lines.through
    m2m.objects.bulk_create([m2m(engineerprofile_id=p.pk, productline_id=lines[(i + k) % len(lines)])
                             for i, p in enumerate(profiles) for k in range(1 + i % 3)])
    return made


def _catalog(cursor):
    for i, (code, name, prefix) in enumerate(LINES, 1):
        cursor.execute("INSERT INTO tickets_productline (id, code, name) VALUES (%s, %s, %s)", [i, code, name])
    cursor.execute(f"""
        INSERT INTO tickets_productmodel (id, code, name, product_line_id, warranty_months, doa_days)
        SELECT m, (ARRAY{[p for _c, _n, p in LINES]})[1 + (m - 1) / {MODELS_PER_LINE}] || '-' || (100 + m),
               (ARRAY{[n for _c, n, _p in LINES]})[1 + (m - 1) / {MODELS_PER_LINE}] || ' model ' || (100 + m),
               1 + (m - 1) / {MODELS_PER_LINE}, CASE WHEN m % 4 = 0 THEN 24 ELSE 12 END, 15
        FROM generate_series(1, {len(LINES) * MODELS_PER_LINE}) m""")
    cursor.execute("""
        INSERT INTO tickets_faultcode (id, code, description, kind, product_line_id)
        SELECT f, 'F' || lpad(f::text, 3, '0'), 'Fault ' || f, CASE WHEN f % 3 = 0 THEN 'software' ELSE 'hardware' END,
               CASE WHEN f <= 36 THEN 1 + (f - 1) / 6 END
        FROM generate_series(1, 40) f""")
    cursor.execute(f"""
        INSERT INTO spares_warehouse (code, name, kind, is_active)
        SELECT 'BSP-' || s, 'Bench service point ' || s, 'service_point', true
        FROM generate_series(1, {SERVICE_POINTS}) s
        ON CONFLICT DO NOTHING""")


def _service_point_ids(cursor):
    cursor.execute("SELECT id FROM spares_warehouse WHERE code LIKE %s ORDER BY code", ["BSP-%"])
    return [row[0] for row in cursor.fetchall()]


def _customers(cursor, shape, start):
    surnames, given = list(SURNAMES), list(dict.fromkeys(GIVEN))
    cursor.execute(f"""
        INSERT INTO tickets_customer (id, name, email, address, area, customer_type, is_vip, notes, created_at)
        SELECT c,
          CASE WHEN {H('c', 'biz')} < 60 THEN
                 (%(pinyin)s::text[])[1 + {H('c', 'n1')} %% %(np)s] || ' ' || (%(company)s::text[])[1 + {H('c', 'n2')} %% 8]
                 || ' Co. ' || c
               WHEN {H('c', 'lang')} < 800 THEN
                 (%(surnames)s::text[])[1 + {H('c', 'n1')} %% %(ns)s] || (%(given)s::text[])[1 + {H('c', 'n2')} %% %(ng)s]
                 || CASE WHEN {H('c', 'n3')} < 600 THEN (%(given)s::text[])[1 + {H('c', 'n4')} %% %(ng)s] ELSE '' END
               ELSE (%(pinyin)s::text[])[1 + {H('c', 'n1')} %% %(np)s] || ' ' || (%(gpinyin)s::text[])[1 + {H('c', 'n2')} %% %(ngp)s]
          END,
          CASE WHEN {H('c', 'mail')} < 300 THEN 'c' || c || '@mail.example' ELSE '' END,
          'Building ' || (1 + c %% 90) || ', ' || (1 + {H('c', 'road')}) || ' Road, District ' || (1 + c %% 17),
          CASE WHEN {H('c', 'area')} < 700 THEN 'urban' WHEN {H('c', 'area')} < 900 THEN 'suburban' ELSE 'remote' END,
          CASE WHEN {H('c', 'biz')} < 60 THEN 'business' ELSE 'consumer' END,
          {H('c', 'vip')} < 20, '',
          %(start)s::timestamptz + (c - 1) * (%(span)s::interval / %(n)s)
        FROM generate_series(1, %(n)s) c""",
                   {"n": shape["customers"], "start": start, "span": timedelta(days=365 * YEARS),
                    "surnames": surnames, "given": given, "pinyin": PINYIN, "gpinyin": GIVEN_PINYIN,
                    "company": COMPANY, "ns": len(surnames), "ng": len(given), "np": len(PINYIN),
                    "ngp": len(GIVEN_PINYIN)})
    # Mobile numbers 1[3-9]x xxxx xxxx, unique (48271 is invertible mod 10^9); 15 % also a landline.
    cursor.execute(f"""
        INSERT INTO tickets_customerphone (customer_id, number, raw, label)
        SELECT c, num, CASE WHEN c %% 3 = 0 THEN substr(num, 1, 3) || ' ' || substr(num, 4, 4) || ' ' || substr(num, 8)
                            WHEN c %% 3 = 1 THEN '+86 ' || num ELSE num END, 'mobile'
        FROM (SELECT c, '1' || (3 + {H('c', 'm')} %% 7) || lpad(((c::bigint * 48271) %% 1000000000)::text, 9, '0') AS num
              FROM generate_series(1, %(n)s) c) x
        UNION ALL
        SELECT c, '021' || lpad(((c::bigint * 69621) %% 100000000)::text, 8, '0'),
               '(021) ' || lpad(((c::bigint * 69621) %% 100000000)::text, 8, '0'), 'home'
        FROM generate_series(1, %(n)s) c WHERE {H('c', 'land')} < 150""", {"n": shape["customers"]})
    n_models = len(LINES) * MODELS_PER_LINE
    cursor.execute(f"""
        INSERT INTO tickets_productunit (id, model_id, serial_number, customer_id, purchase_date, invoice_number,
            proof_image, proof_verified, sold_by, created_at)
        SELECT u, 1 + {H('u', 'mdl')} %% {n_models}, upper(substr(md5(u::text), 1, 5)) || lpad(u::text, 7, '0'),
               1 + (u - 1) %% %(customers)s,
               (%(start)s::timestamptz + (u - 1) * (%(span)s::interval / %(n)s) - interval '90 days')::date,
               CASE WHEN {H('u', 'inv')} < 700 THEN 'INV' || lpad(u::text, 9, '0') ELSE '' END, '',
               {H('u', 'prf')} < 600, (ARRAY['JD.com','Tmall','Suning','Gome','Store'])[1 + u %% 5],
               %(start)s::timestamptz + (u - 1) * (%(span)s::interval / %(n)s)
        FROM generate_series(1, %(n)s) u""",
                   {"n": shape["units"], "customers": shape["customers"], "start": start,
                    "span": timedelta(days=365 * YEARS)})


def _ticket_plan(cursor, shape, start, now, staff):
    """One row per ticket with every drawn fact and milestone, in a temp table: tickets,
    clocks, events, reports and receipts are all selected from it."""
    n, n_open, n_completed = shape["tickets"], shape["open"], shape["completed"]
    n_new = max(int(n_open * 0.15), 1)
    span = (now - timedelta(hours=2)) - start
    late = lambda salt: (  # noqa: E731 — how late a milestone is, as a fraction of its target
        f"(CASE WHEN {H('g', salt)} < 800 THEN 0.2 + {H('g', salt)} / 1600.0 "
        f"WHEN {H('g', salt)} < 880 THEN 0.75 + ({H('g', salt)} - 800) / 320.0 "
        f"WHEN {H('g', salt)} < 950 THEN 1.0 + ({H('g', salt)} - 880) / 70.0 "
        f"ELSE 2.0 + ({H('g', salt)} - 950) / 25.0 END)")
    cursor.execute("DROP TABLE IF EXISTS bench_plan")
    cursor.execute(f"""
        CREATE TEMP TABLE bench_plan AS
        SELECT *,
          CASE WHEN assigned THEN assigned_at + interval '6 hours' END AS completion_due_at,
          CASE WHEN assigned AND service_type = 'onsite' THEN assigned_at + interval '20 minutes' END AS arrival_due_at
        FROM (
        SELECT *,
          CASE WHEN status IN ('completed', 'closed') AND assigned
               THEN least(coalesce(arrived_at, assigned_at) + interval '6 hours' * f_comp, %(now)s - interval '1 hour') END
               AS completed_at
        FROM (
        SELECT *,
          CASE WHEN assigned AND service_type = 'onsite' AND status NOT IN ('dispatched', 'cancelled')
               THEN least(assigned_at + interval '20 minutes' * f_arr, %(now)s - interval '2 minutes') END AS arrived_at
        FROM (
        SELECT *,
          CASE WHEN assigned THEN least(created_at + interval '4 hours' * f_resp, %(now)s - interval '3 minutes') END
               AS assigned_at
        FROM (
        SELECT *,
          category <> 'inquiry' AND status NOT IN ('new', 'closed_intake')
               AND NOT (status = 'cancelled' AND {H('g', 'cxa')} < 500) AS assigned
        FROM (
        SELECT g, created_at, category, service_type, priority, channel, f_resp, f_comp, f_arr,
          CASE WHEN category = 'inquiry' AND life IN ('closed', 'completed') THEN 'closed_intake'
               WHEN category = 'inquiry' AND life = 'open' THEN 'new'
               WHEN life = 'open' AND g > %(n)s - %(n_new)s THEN 'new'
               WHEN life = 'open' THEN (ARRAY['dispatched','dispatched','dispatched','dispatched','in_progress',
                   'in_progress','in_progress','on_hold','on_hold','at_vendor'])[1 + {H('g', 'ost')} %% 10]
               ELSE life END AS status,
          CASE WHEN category = 'inquiry' THEN NULL ELSE 1 + {HN('g', 'unit', '%(units)s')} END AS unit_id,
          row_number() OVER (PARTITION BY extract(year FROM created_at AT TIME ZONE %(tz)s) ORDER BY g) AS seq,
          extract(year FROM created_at AT TIME ZONE %(tz)s)::int AS year
        FROM (
        SELECT g,
          %(start)s::timestamptz + (g - 1) * (%(span)s::interval / %(n)s) AS created_at,
          CASE WHEN g > %(n)s - %(n_open)s THEN 'open'
               WHEN g > %(n)s - %(n_open)s - %(n_completed)s THEN 'completed'
               WHEN {H('g', 'cx')} < 50 THEN 'cancelled' ELSE 'closed' END AS life,
          CASE WHEN {H('g', 'cat')} < 700 THEN 'repair' WHEN {H('g', 'cat')} < 820 THEN 'installation'
               WHEN {H('g', 'cat')} < 920 THEN 'inquiry' WHEN {H('g', 'cat')} < 960 THEN 'parts'
               ELSE 'complaint' END AS category,
          CASE WHEN {H('g', 'svc')} < 600 THEN 'onsite' WHEN {H('g', 'svc')} < 850 THEN 'carry_in'
               WHEN {H('g', 'svc')} < 950 THEN 'mail_in' ELSE 'remote' END AS service_type,
          CASE WHEN {H('g', 'pri')} < 20 THEN 'critical' WHEN {H('g', 'pri')} < 120 THEN 'urgent'
               ELSE 'normal' END AS priority,
          CASE WHEN {H('g', 'ch')} < 700 THEN 'phone' WHEN {H('g', 'ch')} < 800 THEN 'web'
               WHEN {H('g', 'ch')} < 870 THEN 'email' WHEN {H('g', 'ch')} < 970 THEN 'walk_in'
               ELSE 'field' END AS channel,
          {late('fr')} AS f_resp, {late('fc')} AS f_comp, {late('fa')} AS f_arr
        FROM generate_series(1, %(n)s) g) a) b) c) d) e) f
        """, {"n": n, "n_open": n_open, "n_completed": n_completed, "n_new": n_new, "start": start,
              "span": span, "now": now, "units": shape["units"], "tz": settings.TIME_ZONE})
    cursor.execute("ALTER TABLE bench_plan ADD PRIMARY KEY (g)")
    # Who: onsite jobs to onsite engineers, the rest to depot; created by agents.
    cursor.execute(f"""
        ALTER TABLE bench_plan ADD COLUMN assignee_id int, ADD COLUMN created_by_id int,
            ADD COLUMN dispatcher_id int, ADD COLUMN customer_id int""")
    onsite, depot = staff[roles.ONSITE_ENGINEER], staff[roles.DEPOT_ENGINEER]
    cursor.execute(f"""
        UPDATE bench_plan SET
          assignee_id = CASE WHEN NOT assigned THEN NULL
                             WHEN service_type IN ('carry_in', 'mail_in') THEN (%(depot)s::int[])[1 + {H('g', 'eng')} %% %(nd)s]
                             ELSE (%(onsite)s::int[])[1 + ({H('g', 'eng')} * 7 + g) %% %(no)s] END,
          created_by_id = (%(agents)s::int[])[1 + g %% %(na)s],
          dispatcher_id = (%(disp)s::int[])[1 + g %% %(ndi)s],
          customer_id = CASE WHEN unit_id IS NULL THEN 1 + {HN('g', 'cust', '%(customers)s')}
                             ELSE 1 + (unit_id - 1) %% %(customers)s END""",
                   {"depot": depot, "nd": len(depot), "onsite": onsite, "no": len(onsite),
                    "agents": staff[roles.AGENT], "na": len(staff[roles.AGENT]),
                    "disp": staff[roles.DISPATCHER], "ndi": len(staff[roles.DISPATCHER]),
                    "customers": shape["customers"]})
    cursor.execute("ANALYZE bench_plan")


def _tickets(cursor, now):
    # the branch handling the ticket: one of the bench service points in turn, every 10th none
    points = ", ".join(str(i) for i in _service_point_ids(cursor))
    cursor.execute(f"""
        INSERT INTO tickets_ticket (id, number, customer_id, unit_id, channel, category, service_type, priority,
            fault_description, fault_code_id, fault_kind, warranty_status, is_doa, status, hold_reason, held_from,
            assignee_id, outcome, close_reason, cancel_reason, repeat_of_id, is_repeat, reopen_count, created_by_id,
            created_at, first_assigned_at, assigned_at, arrived_at, started_at, sent_to_vendor_at, completed_at,
            closed_at, cancelled_at, quote_accepted_at, parts_requested_at, special_circumstance, travel_minutes,
            response_due_at, completion_due_at, arrival_due_at, sla_warned, sla_breached, updated_at, legacy_ref,
            service_point_id)
        SELECT g, 'SR-' || year || '-' || lpad(seq::text, 6, '0'), customer_id, unit_id, channel, category,
          service_type, priority,
          (ARRAY['No power','Noisy when running','Leaks water','Does not cool','Error code E4 on display',
                 'Remote not responding','Door seal broken','Display flickers','Install new unit',
                 'Question about warranty'])[1 + {H('g', 'fd')} %% 10] || ' (' || g || ')',
          CASE WHEN status IN ('completed', 'closed') AND assigned THEN 1 + {H('g', 'fc')} %% 40 END,
          CASE WHEN status IN ('completed', 'closed') AND assigned
               THEN CASE WHEN {H('g', 'fc')} %% 40 %% 3 = 2 THEN 'software' ELSE 'hardware' END ELSE '' END,
          CASE WHEN {H('g', 'war')} < 650 THEN 'in_warranty' WHEN {H('g', 'war')} < 900 THEN 'out_of_warranty'
               ELSE 'unverified' END,
          {H('g', 'doa')} < 8,
          CASE status WHEN 'closed_intake' THEN 'closed' ELSE status END,
          CASE status WHEN 'on_hold' THEN (ARRAY['awaiting_parts','customer_reason','awaiting_parts'])[1 + g %% 3]
               ELSE '' END,
          CASE status WHEN 'on_hold' THEN 'in_progress' ELSE '' END,
          assignee_id,
          CASE WHEN status = 'closed_intake' THEN 'answered'
               WHEN status IN ('completed', 'closed') AND assigned THEN
                 CASE WHEN {H('g', 'out')} < 750 THEN 'repaired' WHEN {H('g', 'out')} < 870 THEN 'replaced'
                      WHEN {H('g', 'out')} < 950 THEN 'no_fault_found' ELSE 'unrepairable' END
               WHEN status = 'closed' THEN 'answered' ELSE '' END,
          CASE WHEN status = 'closed_intake' OR (status = 'closed' AND NOT assigned) THEN 'resolved_at_intake'
               WHEN status = 'closed' THEN CASE WHEN {H('g', 'clr')} < 900 THEN 'callback_done'
                                                ELSE 'customer_unreachable' END ELSE '' END,
          CASE WHEN status = 'cancelled' THEN 'Customer cancelled the visit' ELSE '' END,
          NULL, false, 0, created_by_id,
          created_at, assigned_at, assigned_at, arrived_at,
          CASE WHEN status IN ('in_progress', 'on_hold', 'at_vendor', 'completed', 'closed') AND assigned
               THEN coalesce(arrived_at, assigned_at + interval '30 minutes') END,
          CASE WHEN status = 'at_vendor' THEN least(coalesce(arrived_at, assigned_at) + interval '1 day', %(now)s) END,
          completed_at,
          CASE WHEN status = 'closed_intake' OR (status = 'closed' AND NOT assigned) THEN created_at + interval '5 minutes'
               WHEN status = 'closed' THEN least(completed_at + interval '1 day' * (1 + g %% 3), %(now)s) END,
          CASE WHEN status = 'cancelled' THEN coalesce(assigned_at, created_at) + interval '1 hour' END,
          NULL, NULL, '', CASE WHEN service_type = 'onsite' THEN (g %% 4) * 15 ELSE 0 END,
          created_at + interval '4 hours', completion_due_at, arrival_due_at,
          coalesce(f.warned, false), coalesce(f.breached, false),
          coalesce(completed_at, assigned_at, created_at),
          CASE WHEN g <= (SELECT max(g) FROM bench_plan) * 2 / 5
               THEN 'LG' || to_char(created_at, 'YYMM') || '-' || lpad(g::text, 7, '0') ELSE '' END,
          CASE WHEN g %% 10 <> 0 THEN (ARRAY[{points}]::bigint[])[1 + g %% {SERVICE_POINTS}] END
        FROM bench_plan LEFT JOIN bench_flags f USING (g)
        ORDER BY g""", {"now": now})
    cursor.execute("""
        INSERT INTO tickets_ticketsequence (year, last)
        SELECT year, max(seq) FROM bench_plan GROUP BY year""")


def _clock_plan(cursor, now):
    """Response (every ticket), arrival (onsite jobs), completion (assigned jobs), part
    return (replaced parts); thresholds at 75 % / 100 % / 200 % of the target, 24×7."""
    cursor.execute("""
        CREATE TEMP TABLE bench_clock AS
        SELECT g AS ticket_id, 'response' AS kind, created_at AS started_at, interval '4 hours' AS target,
               CASE WHEN assigned THEN assigned_at WHEN status = 'closed_intake' THEN created_at + interval '5 minutes'
                    WHEN status IN ('cancelled', 'closed') THEN created_at + interval '1 hour' END AS stopped_at,
               status = 'cancelled' AND NOT assigned AS cancelled
          FROM bench_plan
        UNION ALL
        SELECT g, 'arrival', assigned_at, interval '20 minutes',
               CASE WHEN arrived_at IS NOT NULL THEN arrived_at WHEN status = 'cancelled'
                    THEN assigned_at + interval '10 minutes' END, status = 'cancelled' AND arrived_at IS NULL
          FROM bench_plan WHERE assigned AND service_type = 'onsite'
        UNION ALL
        SELECT g, 'completion', assigned_at, interval '6 hours',
               CASE WHEN completed_at IS NOT NULL THEN completed_at WHEN status = 'cancelled'
                    THEN assigned_at + interval '1 hour' END, status = 'cancelled'
          FROM bench_plan WHERE assigned
        UNION ALL
        SELECT g, 'part_return', completed_at, interval '6 hours',
               completed_at + interval '6 hours' * (0.3 + (g % 10) / 10.0), false
          FROM bench_plan WHERE completed_at IS NOT NULL AND g % 25 = 0""")
    # thresholds, and how many of them each clock passed (before it stopped, or by now)
    cursor.execute("""
        ALTER TABLE bench_clock ADD COLUMN warn_at timestamptz, ADD COLUMN due_at timestamptz,
            ADD COLUMN level2_at timestamptz, ADD COLUMN raised int""")
    cursor.execute("""
        UPDATE bench_clock SET warn_at = started_at + target * 0.75, due_at = started_at + target,
                               level2_at = started_at + target * 2""")
    cursor.execute("""
        UPDATE bench_clock SET raised = (warn_at <= coalesce(stopped_at, %(now)s))::int
            + (due_at <= coalesce(stopped_at, %(now)s))::int + (level2_at <= coalesce(stopped_at, %(now)s))::int""",
                   {"now": now})
    cursor.execute("""
        CREATE TEMP TABLE bench_flags AS
        SELECT ticket_id AS g, bool_or(raised >= 1) AS warned, bool_or(raised >= 2) AS breached
        FROM bench_clock GROUP BY ticket_id""")
    cursor.execute("ALTER TABLE bench_flags ADD PRIMARY KEY (g)")


def _clocks(cursor, now):
    cursor.execute("""
        INSERT INTO tickets_slaclock (ticket_id, kind, cycle, calendar_id, started_at, target, warn_at, due_at,
            level2_at, next_due_at, raised, stopped_at, outcome, elapsed, overrun, subject)
        SELECT ticket_id, kind, 0, NULL, started_at, target, warn_at, due_at, level2_at,
          CASE WHEN stopped_at IS NOT NULL THEN NULL
               WHEN warn_at > %(now)s THEN warn_at WHEN due_at > %(now)s THEN due_at
               WHEN level2_at > %(now)s THEN level2_at END,
          raised, stopped_at,
          CASE WHEN stopped_at IS NULL THEN '' WHEN cancelled THEN 'cancelled'
               WHEN stopped_at > due_at THEN 'breached' ELSE 'met' END,
          stopped_at - started_at,
          CASE WHEN stopped_at > due_at THEN stopped_at - due_at END, ''
        FROM bench_clock c
        ORDER BY ticket_id, started_at""", {"now": now})


def _escalations(cursor, now, staff):
    """One per threshold a clock passed; ~12 % left unacknowledged."""
    sups = staff[roles.SUPERVISOR]
    cursor.execute(f"""
        INSERT INTO tickets_escalation (clock_id, ticket_id, level, due_at, raised_at, acknowledged_by_id,
            acknowledged_at, note, rma_milestone)
        SELECT id, ticket_id, level, at, least(at + interval '1 minute', %(now)s),
          CASE WHEN {H('id::text || level', 'ack')} >= 118 THEN (%(sups)s::int[])[1 + id %% %(ns)s] END,
          CASE WHEN {H('id::text || level', 'ack')} >= 118 THEN least(at + interval '40 minutes', %(now)s) END,
          CASE WHEN {H('id::text || level', 'ack')} >= 118 AND id %% 4 = 0 THEN 'Called the engineer' ELSE '' END,
          ''
        FROM tickets_slaclock c
        CROSS JOIN LATERAL (VALUES ('warning', c.warn_at, 1), ('level_1', c.due_at, 2),
                                   ('level_2', c.level2_at, 3)) AS l(level, at, n)
        WHERE l.n <= c.raised
        ORDER BY at""", {"now": now, "sups": sups, "ns": len(sups)})


def _events(cursor, staff):
    """The timeline: created, assignment + dispatched, arrival/start, hold, vendor,
    completion, close, cancel, some notes, and one per escalation."""
    cursor.execute("""
        INSERT INTO tickets_ticketevent (ticket_id, at, actor_id, kind, from_status, to_status, message, data,
            on_behalf_of_id)
        SELECT ticket_id, at, actor_id, kind, from_status, to_status, message, data::jsonb, NULL FROM (
          SELECT g AS ticket_id, created_at AS at, created_by_id AS actor_id, 'created' AS kind, '' AS from_status,
                 'new' AS to_status, '' AS message, '{}' AS data FROM bench_plan
          UNION ALL
          SELECT g, assigned_at, dispatcher_id, 'assignment', '', '', '',
                 '{"engineer": ' || assignee_id || '}' FROM bench_plan WHERE assigned
          UNION ALL
          SELECT g, assigned_at, dispatcher_id, 'status_change', 'new', 'dispatched', '', '{}'
            FROM bench_plan WHERE assigned
          UNION ALL
          SELECT g, coalesce(arrived_at, assigned_at + interval '30 minutes'), assignee_id, 'status_change',
                 'dispatched', 'in_progress', '', '{}'
            FROM bench_plan WHERE assigned AND status IN ('in_progress', 'on_hold', 'at_vendor', 'completed', 'closed')
          UNION ALL
          SELECT g, coalesce(arrived_at, assigned_at) + interval '40 minutes', assignee_id, 'status_change',
                 'in_progress', 'on_hold', '', '{}' FROM bench_plan WHERE status = 'on_hold'
          UNION ALL
          SELECT g, completed_at, assignee_id, 'status_change', 'in_progress', 'completed', '', '{}'
            FROM bench_plan WHERE completed_at IS NOT NULL
          UNION ALL
          SELECT g, CASE WHEN assigned THEN least(completed_at + interval '1 day' * (1 + g % 3), now())
                         ELSE created_at + interval '5 minutes' END, created_by_id, 'status_change',
                 CASE WHEN assigned THEN 'completed' ELSE 'new' END, 'closed', '', '{}'
            FROM bench_plan WHERE status IN ('closed', 'closed_intake')
          UNION ALL
          SELECT g, coalesce(assigned_at, created_at) + interval '1 hour', created_by_id, 'status_change',
                 CASE WHEN assigned THEN 'dispatched' ELSE 'new' END, 'cancelled', 'Customer cancelled the visit', '{}'
            FROM bench_plan WHERE status = 'cancelled'
          UNION ALL
          SELECT g, created_at + interval '50 minutes', created_by_id, 'note', '', '',
                 'Customer called again, asked for an earlier visit', '{}'
            FROM bench_plan WHERE g % 50 = 0
        ) e ORDER BY at""")
    cursor.execute("""
        INSERT INTO tickets_ticketevent (ticket_id, at, actor_id, kind, from_status, to_status, message, data,
            on_behalf_of_id)
        SELECT e.ticket_id, e.raised_at, NULL, CASE e.level WHEN 'warning' THEN 'sla_warning' ELSE 'escalation' END,
               '', '', initcap(replace(e.level, '_', ' ')) || ': ' || c.kind || ' clock',
               jsonb_build_object('clock', c.kind, 'level', e.level, 'due_at', e.due_at, 'escalation', e.id), NULL
        FROM tickets_escalation e JOIN tickets_slaclock c ON c.id = e.clock_id ORDER BY e.raised_at""")


def _notifications(cursor, staff):
    """As the sweep sends them: warning → the assignee (dispatchers if none), level 1 →
    every supervisor, level 2 → every manager; plus one per assignment. Read when the
    escalation was acknowledged (assignments: unless the job is still open)."""
    cursor.execute("""
        INSERT INTO staff_notification (recipient_id, kind, title, body, link, created_at, read_at, text, params)
        SELECT r.recipient, CASE e.level WHEN 'warning' THEN 'warning' ELSE 'escalation' END,
               initcap(replace(e.level, '_', ' ')) || ': ' || c.kind || ' clock of ' || t.number,
               'Customer #' || t.customer_id, '/tickets/' || t.number || '/', e.raised_at,
               CASE WHEN e.acknowledged_at IS NOT NULL THEN e.acknowledged_at END, '', '{}'::jsonb
        FROM tickets_escalation e
        JOIN tickets_slaclock c ON c.id = e.clock_id
        JOIN tickets_ticket t ON t.id = e.ticket_id
        CROSS JOIN LATERAL unnest(CASE WHEN e.level = 'warning' AND t.assignee_id IS NOT NULL
                                       THEN ARRAY[t.assignee_id]
                                       WHEN e.level = 'warning' THEN %(disp)s::int[]
                                       WHEN e.level = 'level_1' THEN %(sups)s::int[]
                                       ELSE %(mgrs)s::int[] END) AS r(recipient)
        ORDER BY e.raised_at""", {"disp": staff[roles.DISPATCHER], "sups": staff[roles.SUPERVISOR],
                                  "mgrs": staff[roles.MANAGER]})
    cursor.execute("""
        INSERT INTO staff_notification (recipient_id, kind, title, body, link, created_at, read_at, text, params)
        SELECT p.assignee_id, 'assignment', 'New job SR-' || p.year || '-' || lpad(p.seq::text, 6, '0'), '',
               '/tickets/SR-' || p.year || '-' || lpad(p.seq::text, 6, '0') || '/', p.assigned_at,
               CASE WHEN p.status IN ('dispatched') THEN NULL ELSE p.assigned_at + interval '5 minutes' END, '', '{}'::jsonb
        FROM bench_plan p WHERE p.assigned ORDER BY p.assigned_at""")


def _reports_and_receipts(cursor):
    cursor.execute("""
        INSERT INTO tickets_servicereport (ticket_id, work_done, parts_used, parts_replaced, customer_confirmation,
            customer_signature, created_by_id, created_at)
        SELECT g, 'Diagnosed and fixed: ' || lower(category) || ' job ' || g,
               CASE WHEN g % 3 = 0 THEN 'Part P-' || (g % 500) ELSE '' END, g % 3 = 0, 'Customer ' || customer_id, '',
               assignee_id, completed_at
        FROM bench_plan WHERE completed_at IS NOT NULL""")
    cursor.execute("""
        INSERT INTO dispatch_depotreceipt (ticket_id, condition, accessories, received_by_id, received_at,
            returned_at, return_method, return_tracking, returned_by_id)
        SELECT g, 'Scratches on the left side', 'Power cable', assignee_id, assigned_at + interval '2 hours',
               CASE WHEN completed_at IS NOT NULL THEN completed_at + interval '4 hours' END,
               CASE WHEN completed_at IS NULL THEN '' WHEN g % 2 = 0 THEN 'pickup' ELSE 'courier' END,
               CASE WHEN completed_at IS NOT NULL AND g % 2 = 1 THEN 'SF' || lpad(g::text, 10, '0') ELSE '' END,
               CASE WHEN completed_at IS NOT NULL THEN assignee_id END
        FROM bench_plan
        WHERE assigned AND service_type IN ('carry_in', 'mail_in')
          AND status IN ('in_progress', 'on_hold', 'at_vendor', 'completed', 'closed')""")


def _completions(cursor):
    """One completion per completed job (tickets with an outcome of work), every 40th
    a failed repair; then the report dimensions copied onto completions and stopped
    clocks by the same single UPDATE … FROM the migration runs."""
    from tickets.models.report_dims import BACKFILL_SQL, TICKET_BACKFILL_SQL

    cursor.execute("""
        INSERT INTO tickets_completion (ticket_id, sequence, outcome, engineer_id, fault_kind, parts_replaced,
            assigned_at, started_at, completed_at, response_outcome, arrival_outcome, completion_outcome,
            part_return_outcome, callback_outcome, is_repeat, repeat_of_id, reopened_at, failed,
            d_service_type, d_area, d_category, d_second_visit)
        SELECT id, 1, outcome, assignee_id, fault_kind, id % 3 = 0, assigned_at, started_at, completed_at,
               '', '', '', '', '', false, NULL, NULL, outcome IN ('repaired', 'replaced') AND id % 40 = 0,
               '', '', '', false
        FROM tickets_ticket
        WHERE completed_at IS NOT NULL AND outcome IN ('repaired', 'replaced', 'no_fault_found', 'unrepairable')""")
    for sql in TICKET_BACKFILL_SQL + BACKFILL_SQL:
        cursor.execute(sql)


def _spares_and_quality(cursor):
    """A modest amount for the report's newer sections (issue 11): a part issued to every
    third worked ticket (some returned unused), an RMA with its milestones for every 50th,
    a satisfaction callback for every second closed ticket, a complaint for every 100th."""
    cursor.execute("""
        INSERT INTO spares_part (part_number, name, category, unit_cost, reorder_point, is_active)
          SELECT 'BP-' || g, 'Bench part ' || g, 'other', 5 + (g % 50) * 3.5, 2, true FROM generate_series(1, 400) g
          ON CONFLICT DO NOTHING""")
    cursor.execute("""
        INSERT INTO spares_warehouse (code, name, kind, is_active) VALUES ('BHQ', 'Bench HQ', 'head_office', true)
          ON CONFLICT DO NOTHING""")
    cursor.execute("""
        INSERT INTO spares_vendor (code, name, contact_name, phone, email, address)
          SELECT 'BV-' || g, 'Bench vendor ' || g, '', '', '', '' FROM generate_series(1, 20) g
          ON CONFLICT DO NOTHING""")
    cursor.execute("""
        INSERT INTO spares_stockmove (kind, quantity, condition, unit_cost, note, at, by_id, part_id, ticket_id, from_warehouse_id)
          SELECT 'issue', 1 + t.id % 3, 'good', p.unit_cost, '', t.completed_at - interval '1 hour', t.assignee_id, p.id, t.id,
                 (SELECT id FROM spares_warehouse WHERE code = 'BHQ')
          FROM tickets_ticket t JOIN spares_part p ON p.part_number = 'BP-' || (1 + t.id % 400)
          WHERE t.completed_at IS NOT NULL AND t.assignee_id IS NOT NULL AND t.id % 3 = 0""")
    cursor.execute("""
        INSERT INTO spares_stockmove (kind, quantity, condition, unit_cost, note, at, by_id, part_id, ticket_id, to_warehouse_id)
          SELECT 'return', 1, 'good', m.unit_cost, '', m.at + interval '2 hours', m.by_id, m.part_id, m.ticket_id, m.from_warehouse_id
          FROM spares_stockmove m WHERE m.kind = 'issue' AND m.ticket_id % 30 = 0""")
    cursor.execute("""
        INSERT INTO spares_rma (reason, is_doa, status, received_at, carrier, tracking_number, shipped_at, cost, top_priority,
                                returned_at, return_note, write_off_reason, created_at, created_by_id, ticket_id, vendor_id)
          SELECT 'bench', false, CASE WHEN t.id % 7 = 0 THEN 'shipped' ELSE 'returned' END, t.created_at, '', '',
                 t.created_at + interval '1 day', 0, false,
                 CASE WHEN t.id % 7 = 0 THEN NULL ELSE t.created_at + interval '1 day' * (6 + t.id % 30) END, '', '',
                 t.created_at, t.assignee_id, t.id, (SELECT min(id) FROM spares_vendor WHERE code LIKE 'BV-%') + t.id % 20
          FROM tickets_ticket t WHERE t.assignee_id IS NOT NULL AND t.completed_at IS NOT NULL AND t.id % 50 = 0""")
    cursor.execute("""
        INSERT INTO spares_rmamilestone (kind, due_at, completed_at, note, cancelled, rma_id)
          SELECT k.kind, r.shipped_at + interval '1 day' * k.days,
                 CASE WHEN r.returned_at IS NOT NULL AND r.returned_at < r.shipped_at + interval '1 day' * k.days THEN NULL
                      WHEN r.id % 4 = 0 THEN NULL ELSE r.shipped_at + interval '1 day' * k.days - interval '2 hours' END,
                 '', r.returned_at IS NOT NULL AND r.returned_at < r.shipped_at + interval '1 day' * k.days, r.id
          FROM spares_rma r CROSS JOIN (VALUES ('receipt', 3), ('day_7', 7), ('day_15', 15), ('day_30', 30)) k(kind, days)""")
    cursor.execute("""
        INSERT INTO quality_callback (cycle, result, channel, attempted_at, attitude, speed, repair_quality, comment, is_low_score,
                                      follow_up_note, ticket_id)
          SELECT 0, 'answered', 'phone', t.completed_at + interval '20 hours', 3 + t.id % 3, 2 + t.id % 4, 3 + (t.id / 7) % 3, '',
                 2 + t.id % 4 <= 2, '', t.id
          FROM tickets_ticket t WHERE t.status = 'closed' AND t.completed_at IS NOT NULL AND t.id % 2 = 0""")
    cursor.execute("""
        INSERT INTO quality_callback (cycle, result, channel, attempted_at, comment, is_low_score, follow_up_note, ticket_id)
          SELECT 0, 'no_answer', 'phone', t.completed_at + interval '4 hours', '', false, '', t.id
          FROM tickets_ticket t WHERE t.status = 'closed' AND t.completed_at IS NOT NULL AND t.id % 16 = 0""")
    cursor.execute("""
        INSERT INTO quality_complaint (channel, severity, category, description, status, created_at, reply_target, reply_warn_at,
            reply_due_at, reply_level2_at, raised, reply_note, reply_breached, cause, responsibility, remedy, closing_summary,
            prevention, closed_at, created_by_id, customer_id, ticket_id)
          SELECT 'phone', CASE WHEN t.id % 900 = 0 THEN 'major' ELSE 'general' END,
                 (ARRAY['attitude','repair_quality','delay','fees','product','logistics','other'])[1 + t.id % 7], 'bench',
                 CASE WHEN t.id % 3 = 0 THEN 'open' WHEN t.id % 3 = 1 THEN 'replied' ELSE 'closed' END,
                 t.created_at + interval '3 days', interval '4 hours', t.created_at + interval '3 days 3 hours',
                 t.created_at + interval '3 days 4 hours', t.created_at + interval '3 days 8 hours', 0, '', t.id % 11 = 0, '', '', '', '', '',
                 CASE WHEN t.id % 3 = 2 THEN t.created_at + interval '3 days' + interval '1 hour' * (10 + t.id % 200) END,
                 t.created_by_id, t.customer_id, t.id
          FROM tickets_ticket t WHERE t.id % 100 = 0""")


BULK_TABLES = ("tickets_customer", "tickets_customerphone", "tickets_productunit", "tickets_ticket",
               "tickets_slaclock", "tickets_escalation", "tickets_ticketevent", "staff_notification",
               "tickets_servicereport", "dispatch_depotreceipt", "tickets_completion")


def _drop_indexes(cursor):
    """Secondary indexes of the big tables, dropped for the load (rebuilt after: much
    faster than maintaining them row by row). Primary keys and unique constraints stay."""
    cursor.execute("""
        SELECT indexname, indexdef FROM pg_indexes
        WHERE schemaname = current_schema() AND tablename = ANY(%s)
          AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u', 'x'))""",
                   [list(BULK_TABLES)])
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in indexes]


def _fk_checks_off(cursor):
    """Skip foreign-key triggers while loading rows that are consistent by construction
    (needs a superuser; without one the load is only slower)."""
    try:
        with transaction.atomic():
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET session_replication_role = replica")
        return True
    except Exception:
        return False


def _sync_sequences(cursor):
    for table in ("tickets_productline", "tickets_productmodel", "tickets_faultcode", "tickets_customer",
                  "tickets_productunit", "tickets_ticket"):
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")


def seed(scale=1.0, *, now=None, log=print, vacuum=True):
    """Seed the current database (PostgreSQL) at `scale`; returns row counts and seconds."""
    assert connection.vendor == "postgresql", "the benchmark seed needs PostgreSQL"
    now = now or timezone.now()
    start = now - timedelta(days=365 * YEARS)
    shape = counts(scale)
    started = time.perf_counter()

    def step(name, fn, *args):
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            fn(cursor, *args)
        log(f"  {name}: {time.perf_counter() - t0:.1f} s")

    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET work_mem = '256MB'")
        cursor.execute("SET maintenance_work_mem = '512MB'")
    with transaction.atomic():
        reset()
        step("catalog", _catalog)
        staff = _staff(shape)
        with connection.cursor() as cursor:
            rebuild = _drop_indexes(cursor)
            fk_off = _fk_checks_off(cursor)
        step("customers, phones, units", _customers, shape, start)
        step("ticket plan", _ticket_plan, shape, start, now, staff)
        step("clock plan", _clock_plan, now)
        step("tickets", _tickets, now)
        step("clocks", _clocks, now)
        step("escalations", _escalations, now, staff)
        step("events", _events, staff)
        step("notifications", _notifications, staff)
        step("service reports, depot receipts", _reports_and_receipts)
        step("completions, report dimensions", _completions)
        step("spare parts, RMAs, callbacks, complaints", _spares_and_quality)
        step("sequences", lambda c: (_sync_sequences(c), c.execute("DROP TABLE bench_plan, bench_clock, bench_flags")))
        with connection.cursor() as cursor:
            if fk_off:
                cursor.execute("SET session_replication_role = DEFAULT")
        step(f"rebuild {len(rebuild)} indexes", lambda c: [c.execute(sql) for sql in rebuild])
    if vacuum:  # not inside a transaction (tests)
        with connection.cursor() as cursor:
            t0 = time.perf_counter()
            cursor.execute("VACUUM ANALYZE")
            log(f"  vacuum analyze: {time.perf_counter() - t0:.1f} s")
    return {"seconds": round(time.perf_counter() - started, 1), "now": now.isoformat(), **row_counts()}


def row_counts():
    tables = {"tickets": "tickets_ticket", "customers": "tickets_customer", "phones": "tickets_customerphone",
              "units": "tickets_productunit", "clocks": "tickets_slaclock", "escalations": "tickets_escalation",
              "events": "tickets_ticketevent", "notifications": "staff_notification",
              "engineers": "dispatch_engineerprofile"}
    out = {}
    with connection.cursor() as cursor:
        for name, table in tables.items():
            cursor.execute(f"SELECT count(*) FROM {table}")
            out[name] = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM tickets_ticket WHERE status IN "
                       "('new','dispatched','in_progress','on_hold','at_vendor')")
        out["open_tickets"] = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM tickets_escalation WHERE acknowledged_at IS NULL")
        out["unacknowledged"] = cursor.fetchone()[0]
    return out


def make_due(count, *, now):
    """Give `count` tickets (the newest first) a fresh callback clock whose warning fell
    due a minute ago: the sweep's work. Clocks made by an earlier call are removed first,
    so it can be repeated on the same copy of the seed."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM tickets_escalation WHERE clock_id IN "
                       "(SELECT id FROM tickets_slaclock WHERE cycle = 99)")
        cursor.execute("DELETE FROM tickets_slaclock WHERE cycle = 99")
        cursor.execute("""
            INSERT INTO tickets_slaclock (ticket_id, kind, cycle, calendar_id, started_at, target, warn_at, due_at,
                level2_at, next_due_at, raised, stopped_at, outcome, elapsed, overrun, subject)
            SELECT id, 'callback', 99, NULL, %(now)s - interval '3 hours', interval '4 hours',
                   %(now)s - interval '1 minute', %(now)s + interval '1 hour', %(now)s + interval '5 hours',
                   %(now)s - interval '1 minute', 0, NULL, '', NULL, NULL, ''
            FROM tickets_ticket ORDER BY id DESC LIMIT %(count)s""", {"now": now, "count": count})
        return cursor.rowcount
