def test_home_page_is_indonesian_with_units(client, make_unit):
    make_unit(name="Dinas Kesehatan", services=["Puskesmas"])
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="id">' in html
    assert "Dinas Kesehatan" in html
    assert "Puskesmas" in html
    assert "Langsung ke konten utama" in html


def test_home_page_empty_state(client):
    html = client.get("/").get_data(as_text=True)
    assert "Belum ada perangkat daerah yang terdaftar." in html
