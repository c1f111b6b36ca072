"""A sweep over every forum URL with odd ids and junk form values: the answer is never a 5xx."""

import pytest

JUNK = [
    {},
    {"body": "", "title": "", "reason": "", "category": "", "target": "", "days": "", "rating": "", "action": ""},
    {"body": "x" * 20_001, "title": "y" * 300, "reason": "z" * 600, "detail": "d" * 600, "comment": "c" * 1200,
     "pseudonym": "p" * 100, "kelurahan": "k" * 100},
    {"category": "-1", "service": "abc", "target": "99999", "days": "1e9", "rating": "NaN", "action": "hapus",
     "value": "2", "quote_of": "-5", "official": "ya", "position": "x", "unit": "🙂"},
    {"category": "9" * 30, "service": "9" * 30, "target": "9" * 30, "days": "9" * 30, "quote_of": "9" * 30},
    {"body": "isi\x00nul", "title": "judul\x00 dengan NUL", "reason": "a\x00", "pseudonym": "W\x00arga",
     "detail": "\x00", "comment": "\x00", "kelurahan": "\x00", "rating": "5", "action": "dismiss", "days": "3",
     "category": "{category}", "target": "unit", "name": "Baru\x00", "unit": "{unit}"},
]


def forum_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith(("forum.", "forum_admin."))]


def build(rule, ids):
    path = rule.rule
    for name in rule.arguments:
        path = path.replace(f"<int:{name}>", str(ids.get(name, 1))).replace(f"<{name}>", str(ids.get(name, "x")))
    return path


@pytest.mark.parametrize("who", ["anonymous", "resident", "officer", "moderator", "admin"])
def test_no_forum_url_answers_5xx(app, client, login, db, thread, make_reply, neighbour, officer, atasan, moderator,
                                  make_user, resident, who):
    official = make_reply(officer.user, thread, "Jawaban resmi.", official=True)
    flag_id = None
    from forum import services

    flag_id = services.flag_post(neighbour, official, "spam").id
    db.session.commit()
    people = {"anonymous": None, "resident": resident, "officer": officer.user, "moderator": moderator,
              "admin": make_user(name="Admin", roles=("warga", "admin"))}
    if people[who]:
        login(people[who])
    id_sets = [
        {"thread_id": thread.id, "post_id": official.id, "user_id": neighbour.id, "flag_id": flag_id,
         "category_id": thread.category_id, "slug": "kesehatan"},
        {"thread_id": 987654, "post_id": 987654, "user_id": 987654, "flag_id": 987654, "category_id": 987654,
         "slug": "tidak-ada"},
        {"thread_id": 10**20, "post_id": 10**20, "user_id": 10**20, "flag_id": 10**20, "category_id": 10**20,
         "slug": "a%00b"},
    ]
    failures = []
    for rule in forum_rules(app):
        for ids in id_sets:
            url = build(rule, ids)
            for query in ("", "?page=abc", "?page=0", "?kutip=x&kategori=%00&status=zzz"):
                if "GET" in rule.methods:
                    status = client.get(url + query).status_code
                    if status >= 500:
                        failures.append(("GET", url + query, status))
                if "POST" in rule.methods and query in ("", "?page=abc"):
                    for data in JUNK:
                        data = {key: value.format(category=thread.category_id, unit=officer.unit_id)
                                for key, value in data.items()}
                        status = client.post(url + query, data=data).status_code
                        if status >= 500:
                            failures.append(("POST", url + query, data, status))
    assert failures == []
