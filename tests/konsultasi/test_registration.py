"""Registration: seats, the ordered waiting list, promotion, the confirmation mail, and races."""

import threading

import pytest
from sqlalchemy import select

from konsultasi import services
from konsultasi.models import Consultation, Registration
from portal.accounts.models import User
from portal.extensions import db as _db
from portal.notifications.models import Notification

pytestmark = pytest.mark.usefixtures("world")


def test_seats_then_waiting_list_in_order(db, world, make_user, make_consultation):
    consultation = make_consultation(phase="diumumkan", capacity=2)
    people = [make_user() for _ in range(5)]
    results = []
    for person in people:
        results.append(services.register_for_consultation(person, consultation))
        db.session.commit()
    assert [r.status for r in results] == ["terdaftar", "terdaftar", "menunggu", "menunggu", "menunggu"]
    assert [r.waitlist_position for r in results[2:]] == [1, 2, 3]
    assert consultation.registered_count == 2
    assert [r.user_id for r in services.list_waiting(consultation)] == [p.id for p in people[2:]]


def test_registering_twice_is_refused(db, world, make_consultation):
    consultation = make_consultation(phase="diumumkan")
    services.register_for_consultation(world.citizen, consultation)
    db.session.commit()
    with pytest.raises(services.AlreadyRegistered):
        services.register_for_consultation(world.citizen, consultation)


@pytest.mark.parametrize("phase", ["draf", "ditutup", "laporan"])
def test_registration_is_closed_outside_its_phases(world, make_consultation, phase):
    consultation = make_consultation(phase=phase)
    with pytest.raises(services.RegistrationClosed):
        services.register_for_consultation(world.citizen, consultation)


def test_cancelling_a_seat_promotes_the_first_waiting_and_tells_them(db, world, make_user, make_consultation, mailbox):
    consultation = make_consultation(phase="diumumkan", capacity=1)
    first, second, third = make_user(), make_user(), make_user()
    for person in (first, second, third):
        services.register_for_consultation(person, consultation)
        db.session.commit()
    mailbox.clear()
    promoted = services.cancel_registration(first, consultation)
    db.session.commit()
    assert [r.user_id for r in promoted] == [second.id]
    assert consultation.registered_count == 1
    statuses = {r.user_id: r.status for r in db.session.scalars(select(Registration))}
    assert statuses == {first.id: "dibatalkan", second.id: "terdaftar", third.id: "menunggu"}
    notification = db.session.scalar(select(Notification).where(Notification.user_id == second.id))
    assert notification.kind == "konsultasi"
    assert notification.url == f"/konsultasi/{consultation.id}"
    assert [m.recipients for m in mailbox] == [[second.email]]
    assert mailbox[0].attachments[0].filename.endswith(".ics")
    assert "kursi yang kosong" in mailbox[0].body


def test_cancelling_a_waiting_place_promotes_nobody(db, world, make_user, make_consultation):
    consultation = make_consultation(phase="diumumkan", capacity=1)
    seated, waiting = make_user(), make_user()
    services.register_for_consultation(seated, consultation)
    services.register_for_consultation(waiting, consultation)
    assert services.cancel_registration(waiting, consultation) == []
    db.session.commit()
    assert consultation.registered_count == 1


def test_cancelling_without_registration_is_refused(world, make_consultation):
    consultation = make_consultation(phase="diumumkan")
    with pytest.raises(services.NotRegistered):
        services.cancel_registration(world.citizen, consultation)


def test_re_registering_after_cancelling_goes_to_the_back(db, world, make_user, make_consultation):
    consultation = make_consultation(phase="diumumkan", capacity=1)
    a, b = make_user(), make_user()
    services.register_for_consultation(a, consultation)
    services.register_for_consultation(b, consultation)
    services.cancel_registration(a, consultation)  # b takes the seat
    again = services.register_for_consultation(a, consultation)
    db.session.commit()
    assert again.status == "menunggu"
    assert again.waitlist_position == 2


def test_confirmation_mail_carries_a_valid_calendar_file(db, world, make_consultation, mailbox):
    from tests.konsultasi.test_ics import props, unfold

    consultation = make_consultation(phase="diumumkan")
    services.register_for_consultation(world.citizen, consultation)
    db.session.commit()
    (message,) = mailbox
    assert message.recipients == [world.citizen.email]
    assert consultation.title in message.subject
    (attachment,) = message.attachments
    assert attachment.content_type == "text/calendar"
    p = props(unfold(attachment.data))
    assert p["UID"] == [f"konsultasi-{consultation.id}@localhost"]
    assert p["DTSTART"] == ["20270310T020000Z"]
    assert p["URL"] == [f"http://localhost/konsultasi/{consultation.id}"]
    assert "Aula Dinas Kesehatan" in p["LOCATION"][0]


def test_waiting_list_mail_has_no_calendar(db, world, make_user, make_consultation, mailbox):
    consultation = make_consultation(phase="diumumkan", capacity=1)
    services.register_for_consultation(make_user(), consultation)
    services.register_for_consultation(world.citizen, consultation)
    assert mailbox == []  # mails leave only once the seats are committed
    db.session.commit()
    assert mailbox[-1].attachments == []
    assert "daftar tunggu nomor 1" in mailbox[-1].body


def test_raising_capacity_promotes_in_order_and_lowering_below_seats_is_refused(db, world, make_user,
                                                                              make_consultation):
    from tests.konsultasi.conftest import consultation_values

    consultation = make_consultation(phase="diumumkan", capacity=1)
    people = [make_user() for _ in range(4)]
    for person in people:
        services.register_for_consultation(person, consultation)
    db.session.commit()
    promoted = services.update_consultation(world.moderator, consultation, **consultation_values(world.unit, capacity=3))
    db.session.commit()
    assert [r.user_id for r in promoted] == [people[1].id, people[2].id]
    with pytest.raises(services.CapacityTooLow):
        services.update_consultation(world.moderator, consultation, **consultation_values(world.unit, capacity=2))


def test_attendance_check_in(db, world, make_user, make_consultation):
    consultation = make_consultation(phase="diumumkan", capacity=1)
    seated = services.register_for_consultation(world.citizen, consultation)
    waiting = services.register_for_consultation(world.neighbour, consultation)
    services.set_attendance(world.moderator, seated, True)
    db.session.commit()
    assert seated.attended_at is not None and seated.checked_in_by_id == world.moderator.id
    with pytest.raises(services.NotRegistered):
        services.set_attendance(world.moderator, waiting, True)
    services.set_attendance(world.moderator, seated, False)
    assert seated.attended_at is None


@pytest.mark.slow
@pytest.mark.parametrize("run", range(2))
def test_concurrent_registrations_never_exceed_capacity(app, db, world, make_user, make_consultation, run):
    """Many people press "Daftar" for the last seats at the same moment, each in their own connection."""
    consultation = make_consultation(phase="diumumkan", capacity=4)
    for _ in range(2):
        services.register_for_consultation(make_user(), consultation)
    db.session.commit()
    racers = [make_user().id for _ in range(10)]
    consultation_id = consultation.id
    barrier = threading.Barrier(len(racers))
    errors = []

    def race(user_id):
        with app.app_context():
            try:
                person = _db.session.get(User, user_id)
                target = _db.session.get(Consultation, consultation_id)
                barrier.wait(timeout=20)
                services.register_for_consultation(person, target)
                _db.session.commit()
            except Exception as error:  # collected and reported by the main thread
                _db.session.rollback()
                errors.append(repr(error))

    threads = [threading.Thread(target=race, args=(uid,)) for uid in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []

    db.session.expire_all()
    consultation = db.session.get(Consultation, consultation_id)
    rows = db.session.scalars(select(Registration).where(Registration.consultation_id == consultation_id)).all()
    seated = [r for r in rows if r.status == "terdaftar"]
    waiting = sorted((r for r in rows if r.status == "menunggu"), key=lambda r: r.waitlist_position)
    assert consultation.registered_count == len(seated) == 4  # never more than the capacity
    assert len(waiting) == len(racers) - 2
    # The waiting list is a clean 1..n queue in the order the places were given out.
    assert [r.waitlist_position for r in waiting] == list(range(1, len(waiting) + 1))
    assert [r.id for r in waiting] == sorted(r.id for r in waiting)

    # And cancellations racing each other promote each waiting person exactly once, in order.
    cancellers = [r.user_id for r in seated[:3]]
    barrier = threading.Barrier(len(cancellers))

    def cancel(user_id):
        with app.app_context():
            try:
                person = _db.session.get(User, user_id)
                target = _db.session.get(Consultation, consultation_id)
                barrier.wait(timeout=20)
                services.cancel_registration(person, target)
                _db.session.commit()
            except Exception as error:
                _db.session.rollback()
                errors.append(repr(error))

    threads = [threading.Thread(target=cancel, args=(uid,)) for uid in cancellers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    db.session.expire_all()
    rows = db.session.scalars(select(Registration).where(Registration.consultation_id == consultation_id)).all()
    now_seated = {r.user_id for r in rows if r.status == "terdaftar"}
    assert len(now_seated) == 4
    assert {r.user_id for r in waiting[:3]} <= now_seated
    assert db.session.get(Consultation, consultation_id).registered_count == 4


def test_deleting_an_account_frees_the_seat_and_anonymises_questions(db, world, make_user, make_consultation):
    from portal.accounts.services import delete_account

    consultation = make_consultation(phase="berlangsung", capacity=1)
    services.register_for_consultation(world.citizen, consultation)
    services.register_for_consultation(world.neighbour, consultation)
    question = services.submit_question(world.citizen, consultation, "Pertanyaan sebelum akun dihapus?")
    db.session.commit()
    delete_account(world.citizen)
    db.session.commit()
    statuses = {r.user_id: r.status for r in db.session.scalars(select(Registration))}
    assert statuses == {world.citizen.id: "dibatalkan", world.neighbour.id: "terdaftar"}
    db.session.refresh(question)
    assert question.is_anonymous and question.display_name != "Sari Warga"
