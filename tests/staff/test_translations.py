"""Simplified Chinese catalogue: complete, placeholder-safe, compiled, and used by the pages.

The .po file is parsed here with a small parser (polib is not a dependency), so a string
added to the code and merged by ``makemessages`` without a translation fails CI.
"""
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

PO_PATH = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

# Python %-format placeholders: %(name)s, %(n)d, %s, %d, %.1f … ("%%" is a literal percent).
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[#0 +\-]*\d*(?:\.\d+)?[diouxXeEfFgGcrs]")
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")\s*$")
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


def _unquote(quoted):
    body = _STRING.fullmatch(quoted.strip()).group(1)
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), body)


def parse_po(path=PO_PATH):
    """Return the catalogue entries (header excluded) as dicts:
    {"msgctxt", "msgid", "msgid_plural", "msgstr": {key: text}, "flags", "line"}."""
    entries, entry, field = [], None, None

    def finish():
        if entry is not None and entry.get("msgid") is not None:
            entries.append(entry)

    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#~"):  # obsolete entries are not part of the catalogue
            field = None
            continue
        if line.startswith("#"):
            if entry is not None and entry.get("msgid") is not None:
                finish()
                entry = None
            entry = entry or {"msgstr": {}, "flags": set(), "line": lineno}
            if line.startswith("#,"):
                entry["flags"].update(f.strip() for f in line[2:].split(",") if f.strip())
            continue
        keyword = _KEYWORD.match(line)
        if keyword:
            name, value = keyword.group(1), _unquote(keyword.group(2))
            if name in ("msgctxt", "msgid") and entry is not None and entry.get("msgid") is not None \
                    and (name == "msgctxt" or entry.get("msgstr")):
                finish()
                entry = None
            entry = entry or {"msgstr": {}, "flags": set(), "line": lineno}
            field = name
            if name.startswith("msgstr"):
                entry["msgstr"][name] = value
            else:
                entry[name] = value
            continue
        assert line.startswith('"'), f"{path.name}:{lineno}: cannot parse {raw!r}"
        if field.startswith("msgstr"):
            entry["msgstr"][field] += _unquote(line)
        else:
            entry[field] += _unquote(line)
    finish()
    return [e for e in entries if e["msgid"] != ""]


def _placeholders(text):
    return sorted(PLACEHOLDER.findall(text.replace("%%", "")))


def _label(entry):
    return f"{PO_PATH.name}:{entry['line']} {entry['msgid']!r}"


@pytest.fixture(scope="module")
def catalogue():
    assert PO_PATH.exists(), "run: manage.py makemessages -l zh_Hans (see Makefile: messages)"
    entries = parse_po()
    assert len(entries) > 100, "the catalogue looks truncated"
    return entries


def test_header_declares_chinese_plural_rule():
    text = PO_PATH.read_text(encoding="utf-8")
    assert "Plural-Forms: nplurals=1; plural=0;" in text
    header = text.split("\n\n", 1)[0]
    assert "#, fuzzy" not in header, "the header is still marked fuzzy: the .mo would skip it"


def test_every_msgid_has_a_translation(catalogue):
    untranslated = [
        _label(e) for e in catalogue
        if not e["msgstr"] or any(not text.strip() for text in e["msgstr"].values())
    ]
    assert not untranslated, "untranslated strings (run makemessages, translate, compilemessages):\n" \
        + "\n".join(untranslated)


def test_no_fuzzy_translations(catalogue):
    fuzzy = [_label(e) for e in catalogue if "fuzzy" in e["flags"]]
    assert not fuzzy, "fuzzy translations are not compiled; review them and drop the flag:\n" + "\n".join(fuzzy)


def test_plural_entries_use_the_single_chinese_form(catalogue):
    for e in catalogue:
        if e.get("msgid_plural") is not None:
            assert set(e["msgstr"]) == {"msgstr[0]"}, _label(e)
        else:
            assert set(e["msgstr"]) == {"msgstr"}, _label(e)


def test_placeholders_match(catalogue):
    wrong = []
    for e in catalogue:
        expected = _placeholders(e["msgid"])
        if e.get("msgid_plural") is not None:
            # Chinese has one form; it is used for n == 1 and n > 1 alike, so it must carry
            # the placeholders of the plural msgid.
            expected = _placeholders(e["msgid_plural"])
        for key, text in e["msgstr"].items():
            if sorted(set(_placeholders(text))) != sorted(set(expected)):
                wrong.append(f"{_label(e)} {key}: {expected} != {_placeholders(text)}")
    assert not wrong, "placeholders differ between msgid and msgstr:\n" + "\n".join(wrong)


def test_html_tags_are_kept(catalogue):
    tag = re.compile(r"</?[a-zA-Z][^>]*>")
    wrong = [
        _label(e) for e in catalogue
        for text in e["msgstr"].values() if sorted(tag.findall(e["msgid"])) != sorted(tag.findall(text))
    ]
    assert not wrong, "\n".join(wrong)


def test_compiled_catalogue_is_up_to_date(catalogue):
    """Every translation in the .po is what gettext serves: the .mo was recompiled."""
    assert MO_PATH.exists(), "run: manage.py compilemessages -l zh_Hans --ignore=.venv"
    stale = []
    with translation.override("zh-hans"):
        for e in catalogue:
            if e.get("msgctxt") is not None:
                served, wanted = translation.pgettext(e["msgctxt"], e["msgid"]), e["msgstr"].get("msgstr")
            elif e.get("msgid_plural") is not None:
                served, wanted = ngettext(e["msgid"], e["msgid_plural"], 2), e["msgstr"]["msgstr[0]"]
            else:
                served, wanted = gettext(e["msgid"]), e["msgstr"]["msgstr"]
            if served != wanted:
                stale.append(_label(e))
    assert not stale, "the .mo is stale; run compilemessages:\n" + "\n".join(stale[:20])


KEY_STRINGS = {
    "Dispatch board": "派单看板",
    "Assign": "派单",
    "Reassign": "改派",
    "Tickets": "服务单",
    "Ticket": "服务单",
    "New call": "新来电",
    "Escalations": "升级",
    "Warning": "预警",
    "Level 1": "一级升级",
    "Level 2": "二级升级",
    "Breached": "已超时",
    "Met": "达标",
    "Onsite": "上门",
    "Carry-in": "送修",
    "Mail-in": "寄修",
    "In warranty": "保内",
    "Out of warranty": "保外",
    "Unverified": "待核实",
    "Call agent": "接线员",
    "Dispatcher": "排程人员",
    "Callback": "回访",
    "Repeat repair": "返修",
    "Complaint": "投诉",
    "Sign in": "登录",
}


def test_key_ui_strings_are_chinese():
    with translation.override("zh-hans"):
        for english, chinese in KEY_STRINGS.items():
            translated = gettext(english)
            assert translated != english, f"{english!r} is not translated"
            assert re.search(r"[\u4e00-\u9fff]", translated), f"{english!r} -> {translated!r}"
            assert translated == chinese, f"{english!r} -> {translated!r}, glossary says {chinese!r}"
        assert ngettext("%(n)s open job", "%(n)s open jobs", 3) % {"n": 3} == "在办 3 单"
        assert gettext("Ticket %(number)s created.") % {"number": "SR-2026-000001"} \
            == "服务单 SR-2026-000001 已创建。"
    with translation.override("en"):
        assert gettext("Dispatch board") == "Dispatch board"


def _chinese(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    assert 'lang="zh-hans"' in html, url
    return html


@pytest.mark.django_db
def test_login_page_in_chinese_from_accept_language(client):
    html = _chinese(client, reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-hans,zh;q=0.9,en;q=0.5")
    assert "登录" in html and "用户名" in html and "密码" in html
    assert "Sign in" not in html


@pytest.mark.django_db
def test_intake_page_in_chinese_after_choosing_the_language(client, agent):
    client.force_login(agent)
    # The language selector in the top bar posts here.
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("tickets:intake")})
    assert response.status_code == 302 and response["Location"] == reverse("tickets:intake")
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    html = _chinese(client, reverse("tickets:intake"))
    assert "新来电" in html and "创建服务单" in html and "接线员" in html
    assert "Create ticket" not in html
    # Switching back works too.
    client.post(reverse("set_language"), {"language": "en", "next": reverse("tickets:intake")})
    assert "Create ticket" in client.get(reverse("tickets:intake")).content.decode()


@pytest.mark.django_db
def test_dispatch_board_in_chinese(client, dispatcher, make_ticket):
    ticket = make_ticket()
    client.force_login(dispatcher)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    html = _chinese(client, reverse("dispatch:board"))
    assert ticket.number in html
    assert "派单看板" in html and "派单" in html and "待派单" in html and "响应剩余" in html
    assert ">Assign<" not in html and "Dispatch board" not in html


def test_same_english_word_translates_by_context():
    """"Remote" is an area (偏远) and a service type (远程); "Call" is an event and a verb."""
    from tickets import choices

    with translation.override("zh-hans"):
        assert str(choices.Area.REMOTE.label) == "偏远"
        assert str(choices.ServiceType.REMOTE.label) == "远程"
        assert translation.pgettext("dial a number", "Call") != translation.pgettext("incoming phone call", "Call")
