"""Bad input answers a 4xx with an Indonesian message, never a 500 (issue 11, points 12 and 13).

Each cause is fixed at its shared root: one URL converter and one parse function for ids
(portal/converters.py), one page parser (portal/pagination.py), one period parser
(portal/periods.py), one NUL and JSON check for every request (portal/web.py).
Run on SQLite and, with TEST_DATABASE_URL, on PostgreSQL, where overflows and NULs used to fail.
"""

import json
import re

import pytest

from portal.converters import MAX_ID, parse_id, parse_int
from portal.pagination import MAX_PAGE, PageOutOfRange, parse_page
from portal.periods import InvalidPeriod, parse_period

NUL_MESSAGE = "karakter yang tidak diizinkan (NUL)"
YEAR_MESSAGE = "Tahun periode harus antara 2000 dan 2100"
PAGE_MESSAGE = f"hanya dapat dibuka sampai halaman {MAX_PAGE}"


@pytest.fixture
def unit(make_unit):
    return make_unit(name="Dinas Kesehatan", slug="dinkes", services=("Imunisasi",))


@pytest.fixture
def admin(make_user, make_asn, unit):
    """An admin and moderator who is also an ASN with a team: every list of the portal is theirs."""
    user = make_user(name="Admin Uji", roles=("warga", "asn", "admin", "moderator"))
    make_asn(unit=unit, user=user)
    return user


@pytest.fixture
def asn(make_asn, unit, admin):
    return make_asn(unit=unit, supervisor=admin.asn_profile)


def int_rules(app):
    return [rule for rule in app.url_map.iter_rules() if any(
        type(rule._converters[name]).__name__ == "BoundedIntConverter" for name in rule.arguments)]


def fill(rule, number):
    path = rule.rule
    for name in rule.arguments:
        path = re.sub(rf"<int:{name}>", str(number), path)
        path = re.sub(rf"<(?:[a-z]+:)?{name}>", "x", path)
    return path


# ---------------------------------------------------------------- ids: one converter, one parser


@pytest.mark.parametrize("number", [2**31, 2**63, 10**30])
def test_ids_beyond_the_database_integer_are_404_on_every_url(app, client, login, admin, number):
    login(admin)
    rules = int_rules(app)
    assert len(rules) > 60  # every `<int:…>` of the app, not only the forum's
    failures = []
    for rule in rules:
        url = fill(rule, number)
        for method in sorted(rule.methods & {"GET", "POST"}):
            status = client.open(url, method=method).status_code
            # 405 when another rule has the same path for other methods (the method is checked first)
            if status not in (404, 405):
                failures.append((method, url, status))
    assert failures == []


def test_the_largest_id_is_still_an_ordinary_unknown_id(client, login, admin):
    login(admin)
    response = client.get(f"/admin/pengguna/{MAX_ID}")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.get_data(as_text=True)


@pytest.mark.parametrize("value", ["²", "١٢", "１", "2147483648", "99999999999999999999999", "-1", "0", " ", "1e3"])
def test_ids_from_query_values_are_read_as_ascii_digits_in_range(client, asn, value):
    # /masukan?unit= used str.isdigit(): "²" passed it and int("²") raised; 2³¹ overflowed PostgreSQL.
    response = client.get("/masukan", query_string={"unit": value, "layanan": value})
    assert response.status_code == 200


@pytest.mark.parametrize("value", ["²", "١٢", "2147483648", "9" * 40])
def test_a_unit_filter_on_the_hr_overview_is_refused_with_a_message(client, login, admin, asn, value):
    login(admin)
    response = client.get("/pembinaan/hr", query_string={"unit": value})
    assert response.status_code == 400
    assert "Perangkat daerah tidak dikenal" in response.get_data(as_text=True)


def test_parse_id_accepts_only_ascii_digits_within_the_integer():
    assert [parse_id(v) for v in ("1", " 42 ", str(MAX_ID))] == [1, 42, MAX_ID]
    assert {parse_id(v) for v in ("²", "١", "１", "0", "-3", "+3", str(MAX_ID + 1), "", None, "9" * 5000, True)} == {None}
    assert parse_int("7", minimum=1, maximum=5) is None


def test_a_quoted_post_id_from_a_form_goes_through_the_same_parser(app):
    from forum.forms import ReplyForm

    with app.test_request_context(method="POST", data={"body": "x", "quote_of": "²"}):
        assert ReplyForm().quote_of.data is None
    with app.test_request_context(method="POST", data={"body": "x", "quote_of": str(2**40)}):
        assert ReplyForm().quote_of.data is None


# ---------------------------------------------------------------- page numbers: one parser, capped at 50


@pytest.mark.parametrize("url", [
    "/masukan", "/forum/k/umum", "/konsultasi/", "/cari?q=jalan", "/masukan/saya", "/masukan/kotak",
    "/notifikasi/", "/admin/pengguna", "/admin/audit", "/admin/asn", "/forum/moderasi", "/forum/perlu-ditanggapi",
])
@pytest.mark.parametrize("page", [MAX_PAGE + 1, 40006, 10**30, "9" * 5000])
def test_pages_beyond_the_cap_are_404_with_the_reason(client, login, admin, asn, unit, db, url, page):
    from forum.models import Category

    db.session.add(Category(name="Umum", slug="umum", unit=unit))
    db.session.commit()
    login(admin)
    response = client.get(f"{url}{'&' if '?' in url else '?'}page={page}")
    assert response.status_code == 404
    assert PAGE_MESSAGE in response.get_data(as_text=True)


@pytest.mark.parametrize("page", ["1", "abc", "²", "1.5", ""])
def test_readable_or_unreadable_small_pages_still_answer(client, page):
    assert client.get(f"/masukan?page={page}").status_code == 200


def test_the_last_allowed_page_is_served(client):
    assert client.get(f"/masukan?page={MAX_PAGE}").status_code == 200
    assert client.get(f"/konsultasi/?page={MAX_PAGE}").status_code == 200


def test_the_search_api_refuses_pages_beyond_the_cap_with_422(client):
    for page in (str(MAX_PAGE + 1), "²", "9" * 5000):
        response = client.get(f"/api/v1/search?q=jalan&page={page}")
        assert response.status_code == 422
        assert response.get_json()["field"] == "page"


def test_parse_page():
    assert [parse_page(v) for v in (None, "", "abc", "²", "1", "+2", str(MAX_PAGE))] == [1, 1, 1, 1, 1, 2, MAX_PAGE]
    for value in ("0", "-1", str(MAX_PAGE + 1), "9" * 5000):
        with pytest.raises(PageOutOfRange):
            parse_page(value)
    assert parse_page("120", limit=1000) == 120


# ---------------------------------------------------------------- NUL anywhere, deep JSON anywhere


@pytest.mark.parametrize("url", ["/masukan/AB%00CD", "/lacak/%00", "/forum/k/a%00b", "/api/v1/feedback/x%00y",
                                 "/api/v1/units/a%00/ikm", "/akun/verifikasi/t%00k"])
def test_nul_in_a_path_segment_is_refused_with_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert NUL_MESSAGE in body


def test_nul_in_a_query_key_or_json_key_is_refused(client):
    assert client.get("/masukan?un%00it=1").status_code == 400
    response = client.post("/api/v1/feedback", json={"ti\x00tle": "x"})
    assert response.status_code == 400
    assert NUL_MESSAGE in response.get_json()["message"]


@pytest.mark.parametrize("url", ["/api/v1/feedback", "/masukan/kirim", "/akun/masuk", "/forum/", "/tidak-ada"])
@pytest.mark.parametrize("depth", [100_000, 40])
def test_deeply_nested_json_on_any_url_is_refused_with_400(client, url, depth):
    body = "[" * depth + "]" * depth
    response = client.post(url, data=body, content_type="application/json")
    assert response.status_code == 400
    assert "terlalu dalam bertingkat" in response.get_data(as_text=True)
    nested = {"a": 1}
    for _i in range(depth if depth < 1000 else 0):
        nested = {"a": nested}
    if depth < 1000:
        assert client.post(url, data=json.dumps(nested), content_type="application/json").status_code == 400


def test_shallow_json_with_a_nul_deep_inside_is_still_found(client):
    response = client.post("/api/v1/feedback", json={"a": [{"b": ["ok", "x\x00"]}]})
    assert response.status_code == 400


# ---------------------------------------------------------------- periods: one parser, bounded years


@pytest.mark.parametrize("text", ["0000", "0000-Q1", "1999-07", "2101", "9999-Q4", "9999-12", "0001-S1"])
def test_years_out_of_range_are_refused_by_the_one_parser(text):
    with pytest.raises(InvalidPeriod, match=YEAR_MESSAGE):
        parse_period(text)


@pytest.mark.parametrize("text", ["٢٠٢٦", "２０２６", "2026-Q²"])
def test_period_digits_are_ascii(text):
    with pytest.raises(InvalidPeriod):
        parse_period(text)


def test_both_capabilities_share_the_parser():
    from portal.feedback import ikm
    from portal.pembinaan import periods

    assert periods.parse_period is parse_period
    assert ikm.InvalidPeriod is InvalidPeriod
    with pytest.raises(InvalidPeriod, match=YEAR_MESSAGE):
        ikm.parse_period("0000")
    with pytest.raises(InvalidPeriod):
        ikm.parse_period("2026-S1")  # SKM is reported per year, quarter or month
    assert ikm.parse_period("2026-Q3").label == "2026-Q3"


@pytest.mark.parametrize("url, status", [
    ("/ikm?periode=0000", 400), ("/ikm?periode=9999-Q4", 400), ("/masukan?periode=0000", 200),
    ("/api/v1/units/dinkes/ikm?period=0000", 422), ("/api/v1/units/dinkes/ikm?period=9999-Q4", 422),
])
def test_year_zero_and_far_years_on_public_pages(client, asn, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert YEAR_MESSAGE in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["", "/evaluasi", "/target/baru", "/rencana/baru", "/pelatihan/baru"])
@pytest.mark.parametrize("period", ["9999-Q4", "0000", "0000-Q1"])
def test_far_periods_on_pembinaan_pages_are_refused(client, login, admin, asn, path, period):
    login(admin)
    response = client.get(f"/pembinaan/asn/{asn.id}{path}?periode={period}")
    assert response.status_code < 500
    assert response.status_code in (200, 400, 403)


@pytest.mark.parametrize("url", ["/pembinaan/asn/{asn}?periode=9999-Q4", "/pembinaan/hr?periode=9999-Q4",
                                 "/pembinaan/hr/ekspor.csv?periode=0000", "/pembinaan/tim?periode=9999-Q4"])
def test_far_periods_on_record_pages_say_why(client, login, admin, asn, url):
    login(admin)
    response = client.get(url.format(asn=asn.id))
    assert response.status_code == 400
    assert YEAR_MESSAGE in response.get_data(as_text=True)


@pytest.mark.parametrize("year", ["2147483648", "0", "²", "9" * 30, "abc"])
def test_a_silly_year_on_the_holiday_calendar_lists_everything(client, login, admin, year):
    # ?tahun=2147483648 built the date '2147483648-01-01': PostgreSQL refused the comparison (500).
    login(admin)
    assert client.get(f"/admin/hari-libur?tahun={year}").status_code == 200
