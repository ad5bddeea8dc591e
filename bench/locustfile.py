"""Load test: the staff of a service center at work, against gunicorn (bench/load.py
starts it with production settings on 127.0.0.1 and runs this file headless).

Proportions (weights): call agents 4, engineers 3, dispatchers 2, supervisors 1. Each
simulated person signs in once as a seeded user (password of bench/seed.py), then works
with think time between requests. Only reads and searches: the numbers stay comparable
from one run to the next on the same copy of the seed.

Sample values (ticket numbers, phones, names, serials, engineers with open jobs) are read
from the database once, at the start (BENCH_DATABASE_URL)."""
import os
import random
import re
from urllib.parse import quote, urlparse

from locust import HttpUser, between, events, tag, task

POOL = {}
PASSWORD = "bench-pass-2026"


@events.test_start.add_listener
def _load_samples(environment, **_kwargs):
    import psycopg2

    url = urlparse(os.environ["BENCH_DATABASE_URL"])
    conn = psycopg2.connect(host=url.hostname, port=url.port or 5432, user=url.username,
                            password=url.password, dbname=url.path.lstrip("/"))
    with conn, conn.cursor() as cur:
        def column(sql):
            cur.execute(sql)
            return [row[0] for row in cur.fetchall()]

        POOL["tickets"] = column("SELECT number FROM tickets_ticket TABLESAMPLE SYSTEM (1) LIMIT 500")
        POOL["open"] = column("SELECT number FROM tickets_ticket WHERE status IN "
                              "('new','dispatched','in_progress','on_hold','at_vendor') LIMIT 500")
        POOL["phones"] = column("SELECT number FROM tickets_customerphone TABLESAMPLE SYSTEM (1) LIMIT 500")
        POOL["names"] = column("SELECT name FROM tickets_customer TABLESAMPLE SYSTEM (1) LIMIT 500")
        POOL["serials"] = column("SELECT serial_number FROM tickets_productunit TABLESAMPLE SYSTEM (1) LIMIT 500")
        cur.execute("SELECT u.username, array_agg(t.number) FROM tickets_ticket t JOIN auth_user u "
                    "ON u.id = t.assignee_id WHERE t.status IN ('dispatched','in_progress','on_hold','at_vendor') "
                    "GROUP BY u.username")
        POOL["engineers"] = cur.fetchall()
        POOL["engineer_ids"] = column("SELECT DISTINCT assignee_id FROM tickets_ticket WHERE status = 'dispatched'")
        POOL["agents"] = column("SELECT username FROM auth_user WHERE username ~ '^agent[0-9]+$'")
        POOL["dispatchers"] = column("SELECT username FROM auth_user WHERE username ~ '^disp[0-9]+$'")
        POOL["supervisors"] = column("SELECT username FROM auth_user WHERE username ~ '^sup[0-9]+$'")
    conn.close()


class Staff(HttpUser):
    abstract = True
    wait_time = between(1, 4)
    pool = None

    def on_start(self):
        self.username = random.choice(POOL[self.pool])
        page = self.client.get("/login/", name="login")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        response = self.client.post("/login/", {"username": self.username, "password": PASSWORD,
                                                "csrfmiddlewaretoken": token},
                                    headers={"Referer": f"{self.host}/login/"}, name="login (post)",
                                    allow_redirects=False)
        if response.status_code != 302:
            response.failure(f"login of {self.username} failed: {response.status_code}")

    def get(self, url, name, **kwargs):
        return self.client.get(url, name=name, **kwargs)


class Agent(Staff):
    """Answers calls: finds the customer as they type, looks at tickets."""
    weight = 4
    pool = "agents"

    @task(5)
    def intake_search_phone(self):
        phone = random.choice(POOL["phones"])
        for n in range(4, len(phone) + 1, 2):  # a keystroke every other digit
            self.get(f"/tickets/new/search/?q={phone[:n]}", "intake search (keystroke)",
                     headers={"HX-Request": "true"})

    @task(2)
    def intake_search_name(self):
        name = random.choice(POOL["names"])
        for n in range(2, len(name) + 1):
            self.get(f"/tickets/new/search/?q={quote(name[:n])}", "intake search (keystroke)",
                     headers={"HX-Request": "true"})

    @task(1)
    def intake_page(self):
        self.get("/tickets/new/", "intake page")

    @task(3)
    def search_tickets(self):
        term = random.choice([random.choice(POOL["phones"]), random.choice(POOL["serials"]),
                              random.choice(POOL["tickets"]), random.choice(POOL["names"])])
        self.get(f"/tickets/?q={quote(term)}", "list page: search")

    @task(3)
    def ticket(self):
        self.get(f"/tickets/{random.choice(POOL['tickets'])}/", "ticket page")


class Dispatcher(Staff):
    """Watches the board and the open tickets, searches."""
    weight = 2
    pool = "dispatchers"

    etag = None  # the board version this dispatcher's page shows

    @tag("board")
    @task(3)
    def board_poll(self):
        """As board.js does: the version the page has goes back as If-None-Match, and a
        304 leaves the page as it is; a 200 brings the new board and its version."""
        headers = {"HX-Request": "true"}
        if self.etag:
            headers["If-None-Match"] = self.etag
        response = self.get("/dispatch/body/", "board: poll", headers=headers)
        if response.status_code == 200:
            self.etag = response.headers.get("ETag")

    @tag("board")
    @task(1)
    def board(self):
        response = self.get("/dispatch/", "board")
        match = re.search(r'data-etag="([^"]+)"', response.text or "")
        if match:
            self.etag = match.group(1).replace("&quot;", '"')

    @task(3)
    def open_tickets(self):
        self.get("/tickets/?status=new&status=dispatched&status=in_progress&status=on_hold&status=at_vendor",
                 "list page: open")

    @task(2)
    def list_api(self):
        self.get("/api/tickets/?status=new", "list API: new")

    @task(2)
    def by_engineer(self):
        self.get(f"/api/tickets/?assignee={random.choice(POOL['engineer_ids'])}", "list API: assignee")

    @task(2)
    def search(self):
        self.get(f"/api/tickets/?q={random.choice(POOL['phones'])}", "search API")

    @task(3)
    def ticket(self):
        self.get(f"/tickets/{random.choice(POOL['open'])}/", "ticket page")


class Engineer(Staff):
    """On the road: My jobs on the phone, a job's page, the inbox."""
    weight = 3

    def on_start(self):
        self.username, self.jobs = random.choice(POOL["engineers"])
        page = self.client.get("/login/", name="login")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        self.client.post("/login/", {"username": self.username, "password": PASSWORD,
                                     "csrfmiddlewaretoken": token},
                         headers={"Referer": f"{self.host}/login/"}, name="login (post)")

    @task(4)
    def my_jobs(self):
        self.get("/tickets/mine/", "my jobs")

    @task(3)
    def job(self):
        self.get(f"/tickets/{random.choice(self.jobs)}/", "ticket page")

    @task(2)
    def job_api(self):
        self.get(f"/api/tickets/{random.choice(self.jobs)}/", "ticket API")

    @task(1)
    def inbox(self):
        self.get("/staff/inbox/", "inbox")


class Supervisor(Staff):
    """Escalations, breached tickets, the inbox."""
    weight = 1
    pool = "supervisors"

    @task(3)
    def escalations(self):
        self.get("/tickets/escalations/", "escalations page")

    @task(2)
    def inbox(self):
        self.get("/staff/inbox/", "inbox")

    @task(2)
    def breached(self):
        self.get("/tickets/?breached=true", "list page: breached")

    @task(2)
    def ticket(self):
        self.get(f"/tickets/{random.choice(POOL['tickets'])}/", "ticket page")

    @task(1)
    def date_range(self):
        self.get("/api/tickets/?created_after=2026-01-01&created_before=2026-01-31", "list API: date range")
