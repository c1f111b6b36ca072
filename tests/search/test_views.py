"""The search page, the title suggestions and the JSON API: status codes, shape, messages, no personal data."""

import pytest

from tests.querycount import count_queries

pytestmark = pytest.mark.usefixtures("backend")

MALFORMED = [
    "", "   ", '"', '"antrean', 'antrean"', '""', "AND", "OR", "NOT", "-", "*", "+", "!", "~", "^", "&&", "||",
    "-puskesmas", "puskesmas AND", "OR puskesmas", "*puskesmas", "pusk**", "((((", ")", "[", "{}", ":", "title:",
    "\\", "'", "%", "yang", "a", "x" * 1000, "🙂" * 300, "<script>alert(1)</script>", "' OR 1=1 --",
    "$(rm -rf /)", "\u200b", "a" * 50 + " " + "b" * 50, " ".join(["kata"] * 200),
    "".join(chr(c) for c in range(33, 127)) * 11,
]


@pytest.fixture
def content(make_thread, make_feedback):
    make_thread(title="Antrean puskesmas panjang", body="Saya mengeluhkan pelayanan loket.")
    make_feedback(title="Pelayanan puskesmas lambat", body="Petugas tidak ramah.")


@pytest.mark.parametrize("raw", MALFORMED)
def test_malformed_queries_answer_200_with_a_message(client, content, raw):
    page = client.get("/cari", query_string={"q": raw})
    assert page.status_code == 200
    api = client.get("/api/v1/search", query_string={"q": raw})
    assert api.status_code == 200
    body = api.get_json()
    assert isinstance(body["results"], list)
    if not body["results"]:
        assert body["message"] or body["total"] == 0


def test_empty_query_explains_what_to_do(client, content):
    page = client.get("/cari?q=")
    assert "Tulis kata kunci" in page.get_data(as_text=True)
    assert client.get("/api/v1/search").get_json()["message"].startswith("Tulis kata kunci")


def test_search_page_lists_results_with_highlights_facets_and_filters(client, world, content):
    page = client.get("/cari?q=pelayanan").get_data(as_text=True)
    assert "2 hasil" in page
    assert "<mark>pelayanan</mark>" in page or "<mark>Pelayanan</mark>" in page
    assert "Dinas Kesehatan" in page and "Masukan" in page and "Forum" in page
    assert 'href="/cari?q=pelayanan&amp;type=feedback"' in page  # a facet link keeps the query
    only_feedback = client.get("/cari?q=pelayanan&type=feedback").get_data(as_text=True)
    assert "1 hasil" in only_feedback and "hapus saringan" in only_feedback
    assert "Hartono" not in page and "Budi Santoso" not in page


def test_search_page_without_a_query_shows_the_form(client):
    page = client.get("/cari")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'role="search"' in text and "hasil untuk" not in text


def test_no_results_page_offers_did_you_mean(client, content):
    text = client.get("/cari?q=puskesmaas").get_data(as_text=True)
    assert "Mungkin maksud Anda" in text and "/cari?q=puskesmas" in text


def test_pagination_links(client, make_thread):
    for n in range(12):
        make_thread(title=f"Pohon tumbang nomor {n}", body="Menutup jalan.")
    text = client.get("/cari?q=pohon").get_data(as_text=True)
    assert "Halaman 1 dari 2" in text and 'href="/cari?q=pohon&amp;page=2"' in text
    assert "Halaman 2 dari 2" in client.get("/cari?q=pohon&page=2").get_data(as_text=True)
    assert client.get("/cari?q=pohon&page=abc").status_code == 200


def test_nav_has_search_and_pages_use_no_inline_script(client):
    text = client.get("/cari?q=apa").get_data(as_text=True)
    assert 'href="/cari"' in text and ">Cari<" in text
    assert "<script>" not in text  # strict CSP: script-src 'self' only


def test_title_suggestions_json(client, make_thread, make_feedback):
    thread = make_thread(title="Pendaftaran BPJS ditolak", body="Katanya data tidak cocok.")
    make_feedback(title="BPJS ditolak lagi", body="Kenapa?")
    body = client.get("/cari/saran?q=bpjs").get_json()
    assert body == {"items": [{"title": "Pendaftaran BPJS ditolak", "url": f"/forum/t/{thread.id}"}]}
    assert client.get("/cari/saran?q=bp").get_json() == {"items": []}
    assert client.get("/cari/saran?q=%22AND").get_json() == {"items": []}


def test_new_thread_form_hooks_the_suggestions(client, login, world):
    login(world.resident)
    text = client.get("/forum/baru").get_data(as_text=True)
    assert 'data-suggest-url="/cari/saran"' in text and 'data-suggest-for="title"' in text
    assert "js/search-suggest.js" in text


def test_api_shape(client, world, make_thread, make_feedback):
    thread = make_thread(title="Antrean puskesmas panjang", body="Saya mengeluhkan pelayanan loket.")
    feedback = make_feedback(title="Pelayanan puskesmas lambat", body="Petugas tidak ramah.")
    body = client.get("/api/v1/search?q=pelayanan&page=1").get_json()
    assert body["total"] == 2 and body["page"] == 1 and body["pages"] == 1 and body["message"] is None
    by_type = {result["type"]: result for result in body["results"]}
    assert set(by_type) == {"thread", "feedback"}
    assert by_type["thread"]["id"] == thread.id
    assert by_type["thread"]["url"] == f"http://localhost/forum/t/{thread.id}"
    assert by_type["feedback"]["url"] == f"http://localhost/masukan/{feedback.tracking_number}"
    assert "<mark>" in by_type["thread"]["snippet"] or "<mark>" in by_type["feedback"]["snippet"]
    for result in body["results"]:
        assert set(result) >= {"type", "id", "title", "url", "snippet", "score"}
        assert isinstance(result["score"], float)
    assert {f["value"]: f["count"] for f in body["facets"]["type"]} == {"thread": 1, "feedback": 1}
    assert body["facets"]["unit"] == [{"value": "dinkes", "label": "Dinas Kesehatan", "count": 2}]
    assert client.get("/api/v1/search?q=pelayanan&type=thread").get_json()["total"] == 1
    assert client.get("/api/v1/search?q=pelayanan&unit=dispendik").get_json()["total"] == 0
    text = client.get("/api/v1/search?q=pelayanan").get_data(as_text=True)
    assert "Hartono" not in text and "rahasiawan" not in text and "Budi" not in text


@pytest.mark.parametrize("query, field", [("page=0", "page"), ("page=x", "page"), ("type=rahasia", "type"),
                                          ("sort=acak", "sort")])
def test_api_rejects_bad_parameters_with_422(client, query, field):
    response = client.get(f"/api/v1/search?q=jalan&{query}")
    assert response.status_code == 422
    assert response.get_json()["field"] == field


def test_api_is_in_the_openapi_document(client):
    spec = client.get("/api/openapi.json").get_json()
    operation = spec["paths"]["/v1/search"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"q", "type", "unit", "page"}
    result = spec["components"]["schemas"]["SearchResult"]
    assert set(result["required"]) == {"type", "id", "title", "url", "snippet", "score"}


def test_search_page_and_api_cost_no_more_queries_for_30_results_than_for_3(app, db, client, world, make_thread,
                                                                        make_feedback):
    def cost(path):
        client.get(path)  # warm the per-process caches (labels, searcher, vocabulary)
        with count_queries(db.engine) as statements:
            assert client.get(path).status_code == 200
        return len(statements)

    for n in range(2):
        make_thread(title=f"Genangan air di Rungkut {n}", body="Setiap hujan.", kelurahan="Rungkut")
    make_feedback(title="Genangan depan sekolah", body="Anak-anak basah.")
    few = (cost("/cari?q=genangan"), cost("/api/v1/search?q=genangan"))
    dispendik_category = world.pendidikan
    for n in range(27):
        make_thread(title=f"Genangan nomor {n}", body="Air setinggi mata kaki.",
                    category=dispendik_category if n % 2 else None, kelurahan=f"Kelurahan {n}")
    for n in range(3):  # the newest, so page 1 again holds both types (one visibility check per type)
        make_feedback(title=f"Genangan di halte {n}", body="Penumpang kebasahan.")
    many = (cost("/cari?q=genangan"), cost("/api/v1/search?q=genangan"))
    # PostgreSQL reads the page tier by tier and stops once it is full, so more results can cost
    # one statement less, never more. At most: SET, counts, 3 tiers, hits, unit names, one
    # visibility check per type on the page, and the page's list of units for the filter.
    assert many[0] <= few[0] <= 11 and many[1] <= few[1] <= 10
