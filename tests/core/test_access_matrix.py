"""Every role's access to every page: one table, checked through the HTTP client.

Roles: anonymous, warga (citizen), asn, atasan (an ASN who supervises), moderator, admin.
Pages with parameters in their URL are covered by each capability's own permission tests;
the sweep at the end makes sure every route of the app is classified in one of the two places.
"""

import pytest

ROLES = ("anonymous", "warga", "asn", "atasan", "moderator", "admin")
LOGIN = 302  # anonymous visitors are sent to the sign-in page

PUBLIC = dict.fromkeys(ROLES, 200)
SIGNED_IN = {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 200)}
GUESTS_ONLY = {"anonymous": 200, **dict.fromkeys(ROLES[1:], 302)}  # signed-in visitors are sent on


def only(*allowed, anonymous=LOGIN):
    return {role: 200 if role in allowed else (anonymous if role == "anonymous" else 403) for role in ROLES}


ADMIN = only("admin")

# GET pages without parameters → expected status per role.
GET_MATRIX = {
    "/": PUBLIC,
    "/layanan": PUBLIC,
    "/healthz": PUBLIC,
    "/akun/daftar": GUESTS_ONLY,
    "/akun/masuk": GUESTS_ONLY,
    "/akun/verifikasi": PUBLIC,
    "/akun/lupa-sandi": PUBLIC,
    "/akun/profil": SIGNED_IN,
    "/akun/profil/ekspor": SIGNED_IN,
    "/akun/profil/hapus": SIGNED_IN,
    "/notifikasi/": SIGNED_IN,
    "/admin/": ADMIN,
    "/admin/pengguna": ADMIN,
    "/admin/audit": ADMIN,
    "/admin/unit": ADMIN,
    "/admin/unit/baru": ADMIN,
    "/admin/asn": ADMIN,
    "/admin/asn/baru": ADMIN,
    "/admin/asn/impor": ADMIN,
    "/admin/hari-libur": ADMIN,
    "/admin/tenggat": ADMIN,
    "/admin/forum/": ADMIN,
    "/admin/forum/baru": ADMIN,
    "/api/openapi.json": PUBLIC,
    "/api/v1/units": PUBLIC,
    "/forum/": PUBLIC,
    "/forum/baru": SIGNED_IN,
    "/forum/moderasi": only("moderator"),
    "/forum/perlu-ditanggapi": only("asn", "atasan"),
    "/konsultasi/": PUBLIC,
    "/konsultasi/baru": only("moderator"),
    "/konsultasi/saya": SIGNED_IN,
    "/masukan": PUBLIC,
    "/masukan/kirim": PUBLIC,
    "/masukan/saya": SIGNED_IN,
    "/masukan/kotak": only("asn", "atasan", "moderator"),
    "/lacak": PUBLIC,
    "/survei": PUBLIC,
    "/ikm": PUBLIC,
    "/cari": PUBLIC,
    "/cari/saran": PUBLIC,
    "/api/v1/search": PUBLIC,
    "/pembinaan/saya": {"anonymous": LOGIN, "warga": 403, "asn": 302, "atasan": 302, "moderator": 403, "admin": 403},
    "/pembinaan/tim": only("atasan"),
    "/pembinaan/hr": ADMIN,
    "/pembinaan/hr/ekspor.csv": ADMIN,
    "/pembinaan/hr/pengaturan": ADMIN,
    "/pembinaan/sanggahan": only("moderator"),
}

# State-changing routes without parameters → who is refused (403, or the sign-in page).
POST_REFUSED = {
    "/admin/asn/baru": {"anonymous": LOGIN, "warga": 403, "asn": 403, "atasan": 403, "moderator": 403},
    "/admin/unit/baru": {"anonymous": LOGIN, "warga": 403, "asn": 403, "atasan": 403, "moderator": 403},
    "/admin/asn/impor": {"anonymous": LOGIN, "warga": 403, "asn": 403, "atasan": 403, "moderator": 403},
    "/admin/asn/impor/simpan": {"anonymous": LOGIN, "warga": 403, "asn": 403, "atasan": 403, "moderator": 403},
    "/admin/hari-libur": {"anonymous": LOGIN, "warga": 403, "asn": 403, "atasan": 403, "moderator": 403},
    "/admin/tenggat": {"anonymous": LOGIN, "warga": 403, "asn": 403, "atasan": 403, "moderator": 403},
    "/admin/forum/baru": {"anonymous": LOGIN, "warga": 403, "asn": 403, "atasan": 403, "moderator": 403},
    "/konsultasi/baru": {"anonymous": LOGIN, "warga": 403, "asn": 403, "atasan": 403, "admin": 403},
    "/akun/profil": {"anonymous": LOGIN},
    "/akun/profil/sandi": {"anonymous": LOGIN},
    "/akun/profil/hapus": {"anonymous": LOGIN},
    "/notifikasi/baca-semua": {"anonymous": LOGIN},
    "/forum/baru": {"anonymous": LOGIN},
    "/bahasa": {},  # anyone may choose a language
    "/pembinaan/hr/pengaturan": {"anonymous": LOGIN, "warga": 403, "asn": 403, "atasan": 403, "moderator": 403},
}

# Routes with parameters, and the test module that checks each one's permissions.
COVERED_ELSEWHERE = {
    "accounts.": "tests/accounts/test_accounts.py",
    "admin.": "tests/admin/test_permissions.py",
    "forum.": "tests/forum/test_permissions.py",
    "forum_admin.": "tests/forum/test_admin_categories.py",
    "konsultasi.": "tests/konsultasi/test_permissions.py",
    "feedback.": "tests/feedback/test_views.py",
    "feedback_admin.": "tests/feedback/test_views.py",
    "api.": "tests/feedback/test_api.py",
    "notifications.": "tests/forum/test_posts.py",
    "search.": "tests/search",
    "pembinaan.": "tests/pembinaan",
}


@pytest.fixture
def people(make_user, make_asn, make_unit):
    unit = make_unit(name="Dinas Kesehatan", slug="dinkes", services=["Puskesmas"])
    atasan = make_asn(unit=unit, name="Atasan")
    asn = make_asn(unit=unit, supervisor=atasan, name="Staf")
    return {
        "anonymous": None,
        "warga": make_user(name="Warga"),
        "asn": asn.user,
        "atasan": atasan.user,
        "moderator": make_user(name="Moderator", roles=("warga", "moderator")),
        "admin": make_user(name="Admin", roles=("warga", "admin")),
    }


@pytest.mark.parametrize("role", ROLES)
def test_every_page_answers_each_role_as_the_table_says(client, login, people, role):
    if people[role] is not None:
        login(people[role])
    wrong = {}
    for path, expected in GET_MATRIX.items():
        status = client.get(path).status_code
        if status != expected[role]:
            wrong[path] = (status, expected[role])
    assert wrong == {}, f"{role}: path → (got, expected)"


@pytest.mark.parametrize("role", ROLES)
def test_state_changes_are_refused_to_the_wrong_roles(client, login, people, role):
    if people[role] is not None:
        login(people[role])
    wrong = {}
    for path, refused in POST_REFUSED.items():
        if role in refused:
            status = client.post(path, data={}).status_code
            if status != refused[role]:
                wrong[path] = (status, refused[role])
    assert wrong == {}


def test_every_route_is_classified(app):
    unclassified = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.rule in GET_MATRIX or rule.rule in POST_REFUSED:
            continue
        if "<" not in rule.rule and "GET" in rule.methods:
            unclassified.append(rule.rule)  # a plain page must be in the table above
        elif not any(rule.endpoint.startswith(prefix) for prefix in COVERED_ELSEWHERE):
            unclassified.append(rule.endpoint)
    assert unclassified == []
