"""Every role, in English and in Simplified Chinese, in Chromium: sign in, then open every
page of the role's own menu. Each page must answer, raise no script error, be in the
reader's language (html lang, translated menu labels) and scroll no wider than the
screen. The menu comes from staff.context_processors, so pages added to it later are
covered too."""
import re

import pytest
from django.utils import translation

from tests.hardening.surface import ROLES, build_world

PASSWORD = "pass-word-123"
CJK = re.compile(r"[\u4e00-\u9fff]")
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _menu(page):
    return page.eval_on_selector_all(
        "header nav a", "links => links.map(a => [a.textContent.trim(), a.getAttribute('href')])")


def _english_labels():
    from staff.context_processors import _NAV

    with translation.override("en"):
        return {str(label) for label, _name, _perm in _NAV}


def _visit_menu(browser, base, username, locale, problems):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("pageerror", lambda error: problems.append(f"{username} {locale} {page.url}: {error}"))
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    menu = _menu(page)
    assert menu, f"{username} has no menu after signing in"
    english = _english_labels()
    for label, href in menu:
        response = page.goto(base + href)
        where = f"{username} {locale} {href}"
        if response is None or response.status >= 400:
            problems.append(f"{where}: status {response and response.status}")
            continue
        lang = page.get_attribute("html", "lang")
        if locale.startswith("zh"):
            if lang != "zh-hans" or label in english or not CJK.search(label):
                problems.append(f"{where}: not in Chinese (lang={lang}, menu label {label!r})")
        elif lang != "en" or CJK.search(label):
            problems.append(f"{where}: not in English (lang={lang}, menu label {label!r})")
        if page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"):
            problems.append(f"{where}: wider than the screen")
    context.close()
    return len(menu)


def test_every_role_opens_its_menu_in_english_and_chinese(live_server, browser):
    world = build_world()
    problems, pages = [], 0
    for role in ROLES:
        user = world["users"][role]
        for locale in ("en-US", "zh-CN"):
            pages += _visit_menu(browser, live_server.url, user.username, locale, problems)
    assert not problems, "\n".join(problems)
    assert pages >= 2 * len(ROLES)
