"""Every page under the strict Content-Security-Policy in Chromium: a CSP violation
(inline script, inline handler, injected style, eval) reported by the browser fails the
test. Pages come from the URL resolver, so pages added later are covered too."""
import pytest

from staff import roles
from tests.hardening.surface import build_world, fill, page_routes

PASSWORD = "pass-word-123"
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_in(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _urls(world):
    ok = {"number": world["onsite"].number, "pk": world["customer"].pk, "id": world["customer"].pk,
          "action": "assign", "step": "receive"}
    urls = {fill(route, ok) for route, _ in page_routes() if not route.endswith(".png")}
    urls.add(f"/dispatch/depot/{world['depot'].number}/")
    urls.add("/api/docs/")
    return sorted(urls)


def test_no_page_violates_the_content_security_policy(live_server, browser):
    world = build_world()
    urls = _urls(world)
    violations, visited = [], 0
    for role in (roles.SUPERVISOR, roles.DEPOT_ENGINEER, roles.AGENT):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on("console", lambda msg, role=role: violations.append(f"{role} {page.url}: {msg.text}")
                if "Content Security Policy" in msg.text else None)
        page.add_init_script(
            "document.addEventListener('securitypolicyviolation', e => console.error("
            "'Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));")
        _sign_in(page, live_server.url, world["users"][role].username)
        for url in urls:
            try:
                response = page.goto(live_server.url + url)
            except Exception:  # POST-only routes answer 405 with no body: nothing to render
                continue
            assert response is not None
            header = response.headers.get("content-security-policy", "")
            if response.status < 300 and "text/html" in response.headers.get("content-type", ""):
                directives = dict(d.strip().split(" ", 1) for d in header.split(";") if d.strip())
                assert directives.get("script-src") == "'self'", (url, header)
            page.wait_for_timeout(150)  # htmx requests fired on load, countdown scripts
            visited += 1
        if role == roles.AGENT:  # the intake search is htmx as you type
            for _attempt in range(3):  # the loop's last URL may still have a navigation in flight
                try:
                    page.goto(live_server.url + "/tickets/new/")
                    break
                except Exception:
                    page.wait_for_timeout(500)
            page.fill("#customer-search", "138")
            page.wait_for_timeout(800)
        context.close()
    assert visited >= 30  # the pages that render for someone (POST-only routes answer 405)
    assert not violations, "\n".join(violations[:40])
