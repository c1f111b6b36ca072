"""Feedback list and detail pages send the same number of SQL queries whatever the data size."""

from portal.feedback import services
from tests.querycount import count_queries


def make_many(submit, world, db, n):
    for i in range(n):
        feedback, _ = submit(title=f"Keluhan nomor {i} tentang antrean")
        services.verify_feedback(world.asn.user, feedback)
        services.assign_feedback(world.atasan.user, feedback, world.asn)
        services.answer_feedback(world.asn, feedback, "Sudah kami tindak lanjuti dengan menambah loket.")
    db.session.commit()


def queries_for(client, db, path):
    with count_queries(db.engine) as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def test_public_list_and_inbox_do_not_grow_with_the_data(client, submit, world, db, login):
    make_many(submit, world, db, 2)
    small = queries_for(client, db, "/masukan")
    make_many(submit, world, db, 18)
    assert queries_for(client, db, "/masukan") == small

    login(world.asn.user)
    submit()
    inbox_small = queries_for(client, db, "/masukan/kotak")
    for _ in range(15):
        submit()
    assert queries_for(client, db, "/masukan/kotak") == inbox_small


def test_detail_page_does_not_grow_with_history(client, submit, world, db):
    feedback, secret = submit()
    few = queries_for(client, db, f"/masukan/{feedback.tracking_number}")
    services.verify_feedback(world.asn.user, feedback)
    services.assign_feedback(world.atasan.user, feedback, world.asn)
    services.answer_feedback(world.asn, feedback, "Jawaban pertama yang cukup panjang.")
    services.reopen_feedback(feedback, "Belum selesai")
    services.answer_feedback(world.asn, feedback, "Jawaban kedua yang cukup panjang.")
    db.session.commit()
    assert queries_for(client, db, f"/masukan/{feedback.tracking_number}") == few
    assert queries_for(client, db, f"/lacak/{feedback.tracking_number}?kunci={secret}") <= few + 3
