"""Property-based fuzz of every URL, path parameter, query argument and HTML form: never a 5xx (issue 11, 18).

Hypothesis picks a route of the app, fills its path parameters with real ids, unknown ids or
random text, adds query arguments the pages read (page, periode, unit, layanan, status…) and,
for POST routes, posts random text into the fields the route's own form names (read from its
page) plus common ones, as anonymous, resident, ASN and admin. CSRF is off in the test config.
Bounded and deterministic: derandomized, a fixed number of examples, no deadline.
"""

import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forum import services as forum_services
from forum.models import Category
from konsultasi import services as konsultasi_services
from portal.feedback import services as feedback_services
from tests.konsultasi.conftest import consultation_values

EXAMPLES = 150

QUERY_KEYS = ["page", "periode", "period", "unit", "layanan", "status", "jenis", "q", "sort", "kutip", "kategori",
              "tahun", "urut", "arah", "lingkup", "waktu", "topik", "saya", "type", "email", "next", "kunci", "role",
              "action", "target_type", "target_id", "saran", "hadir"]
COMMON_FIELDS = ["body", "title", "reason", "comment", "rating", "category", "service", "unit", "type", "name",
                 "email", "password", "days", "target", "period", "periode", "note", "status", "lang", "next",
                 "jp", "percent", "capacity", "starts_at", "ends_at", "visit_date", "age", "quote_of", "official"]
# Routes that end the visitor's session would turn the rest of the run anonymous; their own tests cover them.
SKIP_ENDPOINTS = {"static", "accounts.logout", "accounts.sign_out_everywhere", "accounts.delete_account"}

ODD_VALUES = ["", " ", "0", "-1", "1", "²", "١٢", "１", "2147483647", "2147483648", "9" * 40, "1e9", "NaN", "0000",
              "9999-Q4", "2026-Q5", "2026-13", "0000-01-01", "9999-12-31T99:99", "<script>alert(1)</script>",
              "' OR 1=1 --", "../../etc/passwd", "\u202eevil", "🙂" * 50, "x" * 20_001, "true", "ya", "null"]
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
VALUE = st.one_of(st.sampled_from(ODD_VALUES), TEXT, st.integers(-10, 10**12).map(str))


@pytest.fixture
def world(app, db, make_user, make_unit, make_asn):
    """One of everything a route can point at, and the people to visit them as."""
    app.config["FORUM_NEW_ACCOUNT_POSTS_PER_HOUR"] = 1000
    unit = make_unit(name="Dinas Kesehatan", slug="dinkes", services=("Imunisasi",))
    admin = make_user(name="Admin Uji", roles=("warga", "asn", "admin", "moderator"))
    boss = make_asn(unit=unit, user=admin, name="Admin Uji")
    officer = make_asn(unit=unit, supervisor=boss, name="Petugas Uji")
    resident = make_user(name="Warga Uji")
    category = Category(name="Kesehatan", slug="kesehatan", unit=unit)
    db.session.add(category)
    db.session.commit()
    thread = forum_services.open_thread(resident, category, title="Antrean puskesmas panjang", body="Tiga jam antre.")
    db.session.commit()
    answer = forum_services.reply(officer.user, thread, "Jawaban resmi kami.", official=True)
    db.session.commit()
    feedback, _secret = feedback_services.submit_feedback(
        unit=unit, type="keluhan", title="Lampu jalan mati", body="Lampu jalan di depan rumah mati.",
        is_public=True, submitter=resident)
    consultation = konsultasi_services.create_consultation(admin, **consultation_values(unit))
    konsultasi_services.add_section(admin, consultation, heading="Pasal 1", body="Isi pasal satu.")
    db.session.commit()
    ids = {"thread_id": thread.id, "post_id": answer.id, "user_id": resident.id, "category_id": category.id,
           "unit_id": unit.id, "service_id": unit.services[0].id, "profile_id": officer.id, "asn_id": officer.id,
           "consultation_id": consultation.id, "section_id": consultation.sections[0].id}
    strings = {"slug": ["kesehatan", "dinkes", unit.services[0].slug], "number": [feedback.tracking_number],
               "role": ["moderator", "asn", "admin"], "phase": ["diumumkan", "berlangsung", "ditutup"],
               "token": ["abc"]}
    people = {"anonymous": None, "resident": resident, "asn": officer.user, "admin": admin}
    return ids, strings, people


def routes(app):
    return sorted((rule for rule in app.url_map.iter_rules() if rule.endpoint not in SKIP_ENDPOINTS),
                  key=lambda rule: rule.rule)


def path_value(rule, name, ids, strings):
    converter = type(rule._converters[name]).__name__
    if converter == "BoundedIntConverter":
        known = [ids[name]] if name in ids else []
        return st.sampled_from([*known, 1, 987654, 2**31 - 1]).map(str)
    return st.one_of(st.sampled_from(strings.get(name, ["x"])), TEXT.filter(bool)).map(lambda v: quote(v, safe=""))


@st.composite
def requests(draw, rules, ids, strings, fields):
    rule = draw(st.sampled_from(rules))
    path = rule.rule
    for name in rule.arguments:
        value = draw(path_value(rule, name, ids, strings))
        path = re.sub(rf"<(?:[a-z]+:)?{name}>", value, path)
    methods = sorted(rule.methods & {"GET", "POST"})
    method = draw(st.sampled_from(methods))
    query = draw(st.dictionaries(st.sampled_from(QUERY_KEYS), VALUE, max_size=4))
    data = {}
    if method == "POST":
        names = fields.get(rule.endpoint, []) + COMMON_FIELDS
        data = draw(st.dictionaries(st.sampled_from(names), VALUE, max_size=8))
    return method, path, query, data


def form_fields(app, client, rules, ids):
    """Read the input names of each GET+POST page's form, so the fuzz posts what the form would."""
    fields = {}
    for rule in rules:
        if not {"GET", "POST"} <= rule.methods:
            continue
        path = rule.rule
        for name in rule.arguments:
            path = re.sub(rf"<(?:[a-z]+:)?{name}>", str(ids.get(name, "x")), path)
        html = client.get(path).get_data(as_text=True)
        fields[rule.endpoint] = sorted(set(re.findall(r'name="([a-z_][a-z0-9_\-]*)"', html)) - {"csrf_token"})
    return fields


@pytest.mark.parametrize("who", ["anonymous", "resident", "asn", "admin"])
def test_no_url_query_or_form_answers_5xx(app, client, login, world, who):
    ids, strings, people = world
    rules = routes(app)
    if people[who] is not None:
        login(people[who])
    fields = form_fields(app, client, rules, ids)
    assert sum(len(names) for names in fields.values()) > 20  # the forms were really read

    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(request=requests(rules, ids, strings, fields))
    def never_5xx(request):
        method, path, query, data = request
        response = client.open(path, method=method, query_string=query, data=data or None)
        assert response.status_code < 500, (method, path, query, data, response.status_code)

    never_5xx()


@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_every_route_answers_without_5xx_once_with_odd_values(app, client, login, world, who):
    """Not left to chance: each route once with every query key and form field set to an odd value."""
    ids, strings, people = world
    if people[who] is not None:
        login(people[who])
    failures = []
    for index, rule in enumerate(routes(app)):
        odd = ODD_VALUES[index % len(ODD_VALUES)]
        path = rule.rule
        for name in rule.arguments:
            path = re.sub(rf"<(?:[a-z]+:)?{name}>", str(ids.get(name, strings.get(name, ["x"])[0])), path)
        for method in sorted(rule.methods & {"GET", "POST"}):
            data = dict.fromkeys(COMMON_FIELDS, odd) if method == "POST" else None
            status = client.open(path, method=method, query_string=dict.fromkeys(QUERY_KEYS, odd),
                                 data=data).status_code
            if status >= 500:
                failures.append((method, path, odd, status))
    assert failures == []
