"""An invalid rating on an official answer beyond the first page answers 422, not a BuildError (issue 11)."""

import pytest


@pytest.mark.parametrize("data", [{"rating": "9"}, {}, {"rating": "²"}])
def test_an_invalid_rating_on_page_two_re_renders_the_thread(client, login, app, thread, resident, neighbour,
                                                              officer, make_reply, data):
    app.config["FORUM_NEW_ACCOUNT_POSTS_PER_HOUR"] = 100
    for i in range(21):
        make_reply(neighbour, thread, f"Balasan {i}")
    answer = make_reply(officer.user, thread, "Jawaban resmi di halaman dua.", official=True)
    assert answer.number > 20
    login(resident)
    response = client.post(f"/forum/p/{answer.id}/nilai", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Pilih nilai 1 sampai 5 bintang." in html or "Pilihan tidak valid." in html
    # The page links lead to the thread, not to the rating URL that rendered it.
    assert f'href="/forum/t/{thread.id}"' in html or f'href="/forum/t/{thread.id}?page=1"' in html
