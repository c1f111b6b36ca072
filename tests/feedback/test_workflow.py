"""The feedback workflow: tracking numbers, deadlines, transitions, answers, ratings, escalation."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from portal.audit import AuditEntry
from portal.feedback import services
from portal.feedback.models import Escalation, SkmResponse
from portal.notifications.models import Notification
from portal.responses.models import Assignment, ResponseEvent
from portal.workdays.calendar import WIB
from tests.feedback.conftest import SURVEY

ALL = ["diterima", "diverifikasi", "diproses", "ditindaklanjuti", "selesai", "ditolak"]


def test_tracking_numbers_count_up_per_year(submit, world, db):
    first, _ = submit()
    second, _ = submit()
    assert first.tracking_number.startswith("SBY-") and first.tracking_number.endswith("-000001")
    assert second.tracking_number.endswith("-000002")
    next_year = datetime(2031, 1, 2, 3, 0, tzinfo=timezone.utc)
    later, _ = submit(now=next_year)
    assert later.tracking_number == "SBY-2031-000001"


def test_submission_sets_verification_deadline_and_mails_receipt(submit, mailbox):
    monday = datetime(2026, 11, 2, 9, 0, tzinfo=WIB)
    feedback, secret = submit(now=monday)
    assert feedback.status == "diterima"
    assert feedback.verify_deadline_at == datetime(2026, 11, 5, 23, 59, 59, tzinfo=WIB)
    assert [h.to_status for h in feedback.history] == ["diterima"]
    assert mailbox[0].recipients == ["budi.rahasia@contoh.id"]
    assert feedback.tracking_number in mailbox[0].body
    assert f"kunci={secret}" in mailbox[0].body
    assert services.secret_matches(feedback, secret) and not services.secret_matches(feedback, secret + "x")


def test_submission_with_survey_counts_in_its_wib_date(submit, db):
    # 31 December 2026 20:00 UTC is 1 January 2027 in WIB.
    feedback, _ = submit(survey=SURVEY, now=datetime(2026, 12, 31, 20, 0, tzinfo=timezone.utc))
    response = db.session.scalar(select(SkmResponse))
    assert response.feedback_id == feedback.id and response.submitted_on.isoformat() == "2027-01-01"


@pytest.mark.parametrize("bad", [{**SURVEY, "u3": 5}, {**SURVEY, "u9": 0}, dict.fromkeys(SURVEY), {**SURVEY, "u10": 2}, {**SURVEY, "u1": "tiga"}])
def test_invalid_survey_is_refused(submit, db, bad):
    with pytest.raises(services.InvalidSurvey):
        submit(survey=bad)


def test_service_of_another_unit_is_refused(submit, world):
    with pytest.raises(services.FeedbackError):
        submit(service=world.other_unit.services[0])


def go_to(status, feedback, world):
    """Walk a fresh item along the happy path up to the given status."""
    path = {"diterima": [], "diverifikasi": ["v"], "diproses": ["v", "a"], "ditindaklanjuti": ["v", "a", "j"],
            "selesai": ["v", "a", "j", "k"], "ditolak": ["t"]}[status]
    for step in path:
        if step == "v":
            services.verify_feedback(world.asn.user, feedback)
        elif step == "a":
            services.assign_feedback(world.atasan.user, feedback, world.asn)
        elif step == "j":
            services.answer_feedback(world.asn, feedback, "Kami sudah menambah loket pendaftaran.")
        elif step == "k":
            services.confirm_feedback(feedback)
        elif step == "t":
            services.reject_feedback(world.asn.user, feedback, "Bukan kewenangan Pemerintah Kota.")


@pytest.mark.parametrize("start", ALL)
@pytest.mark.parametrize("target", ALL)
def test_every_transition_is_allowed_or_refused_by_the_table(submit, world, db, start, target):
    feedback, _ = submit()
    go_to(start, feedback, world)
    if (start, target) in services.TRANSITIONS:
        services.change_status(feedback, target, actor=world.moderator, note="uji")
        assert feedback.status == target
    else:
        with pytest.raises(services.InvalidTransition):
            services.change_status(feedback, target, actor=world.moderator)
        assert feedback.status == start


def test_happy_path_records_deadlines_assignment_and_response_event(submit, world, db):
    submitted = datetime(2026, 11, 2, 9, 0, tzinfo=WIB)  # Monday
    feedback, _ = submit(now=submitted)
    services.verify_feedback(world.asn.user, feedback, now=submitted + timedelta(days=1))  # Tuesday
    assert feedback.answer_deadline_at == datetime(2026, 11, 10, 23, 59, 59, tzinfo=WIB)  # + 5 working days
    assert feedback.close_deadline_at == datetime(2027, 1, 4, 23, 59, 59, tzinfo=WIB)  # 60 days: 2 Jan is Saturday
    assigned = submitted + timedelta(days=2)  # Wednesday
    services.assign_feedback(world.atasan.user, feedback, world.asn, now=assigned)
    answered = submitted + timedelta(days=3)  # Thursday
    services.answer_feedback(world.asn, feedback, "Loket tambahan dibuka mulai Senin.", now=answered)
    db.session.commit()

    event = db.session.scalar(select(ResponseEvent))
    assert (event.source, event.item_type, event.item_id, event.asn_id) == ("feedback", "feedback", feedback.id, world.asn.id)
    # Issue 12 point 20: timed from verification (the answer deadline's start), not from assignment.
    assert event.started_at == submitted + timedelta(days=1) and event.answered_at == answered
    assert event.working_seconds == 2 * 24 * 3600 and event.deadline_met is True
    assignments = db.session.scalars(select(Assignment).order_by(Assignment.id)).all()
    assert [(a.asn_id, a.ended_at is not None, a.answered_at is not None) for a in assignments] == [
        (None, True, False), (world.asn.id, False, True)]
    assert [h.to_status for h in feedback.history] == ["diterima", "diverifikasi", "diproses", "ditindaklanjuti"]


def test_only_the_assigned_asn_may_answer(submit, world):
    feedback, _ = submit()
    go_to("diproses", feedback, world)
    with pytest.raises(services.FeedbackError):
        services.answer_feedback(world.colleague, feedback, "Saya jawab saja.")


def test_assignment_must_stay_in_the_unit(submit, world):
    feedback, _ = submit()
    go_to("diverifikasi", feedback, world)
    with pytest.raises(services.FeedbackError):
        services.assign_feedback(world.atasan.user, feedback, world.outsider)


def test_rating_and_single_reopen(submit, world, db):
    feedback, _ = submit()
    go_to("ditindaklanjuti", feedback, world)
    services.rate_feedback_answer(feedback, 2, "Belum ada perubahan.")
    event = services.latest_answer_event(feedback)
    assert (event.rating, event.rating_comment) == (2, "Belum ada perubahan.")
    with pytest.raises(services.FeedbackError):
        services.rate_feedback_answer(feedback, 6)
    services.reopen_feedback(feedback, "Antrean masih empat jam.")
    assert feedback.status == "diproses" and feedback.reopen_count == 1
    services.answer_feedback(world.asn, feedback, "Jam layanan diperpanjang.")
    with pytest.raises(services.FeedbackError):
        services.reopen_feedback(feedback, "Lagi.")
    services.rate_feedback_answer(feedback, 5)
    assert services.latest_answer_event(feedback).rating == 5
    assert event.rating == 2  # the first answer keeps its own rating


def test_reject_needs_a_reason_and_ends_the_assignment(submit, world, db):
    feedback, _ = submit()
    go_to("diverifikasi", feedback, world)
    with pytest.raises(services.FeedbackError):
        services.reject_feedback(world.asn.user, feedback, "  ")
    services.reject_feedback(world.asn.user, feedback, "Di luar kewenangan Pemkot.")
    db.session.commit()
    assert feedback.status == "ditolak" and feedback.rejected_reason == "Di luar kewenangan Pemkot."
    assert db.session.scalar(select(func.count()).select_from(Assignment).where(Assignment.ended_at.is_(None))) == 0


def test_escalation_goes_up_once_per_level(submit, world, db):
    start = datetime(2026, 11, 2, 9, 0, tzinfo=WIB)
    feedback, _ = submit(now=start)
    services.verify_feedback(world.asn.user, feedback, now=start)
    services.assign_feedback(world.atasan.user, feedback, world.asn, now=start)
    db.session.commit()
    assert services.escalate_overdue(now=start + timedelta(days=1)) == []  # not overdue yet

    overdue = feedback.answer_deadline_at + timedelta(hours=1)
    first = services.escalate_overdue(now=overdue)
    db.session.commit()
    assert [(e.level, e.notified_user_id) for e in first] == [(1, world.atasan.user_id)]
    assert services.escalate_overdue(now=overdue + timedelta(minutes=5)) == []  # cron again: nothing twice

    much_later = feedback.answer_deadline_at + timedelta(days=7)
    second = services.escalate_overdue(now=much_later)
    db.session.commit()
    # The atasan is also the unit head in this world; level 2 is still recorded once.
    assert [e.level for e in second] == [2]
    assert services.escalate_overdue(now=much_later) == []
    assert db.session.scalar(select(func.count(Escalation.id))) == 2
    bell = db.session.scalars(select(Notification).where(Notification.user_id == world.atasan.user_id, Notification.kind == "escalation")).all()
    assert len(bell) == 2
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "feedback.escalate")) == 2


def test_escalate_command_is_idempotent(app, submit, world, db):
    feedback, _ = submit(now=datetime(2020, 1, 6, 9, 0, tzinfo=WIB))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["feedback", "escalate"])
    assert first.exit_code == 0 and "2 eskalasi baru" in first.output  # long overdue: both levels
    second = runner.invoke(args=["feedback", "escalate"])
    assert second.exit_code == 0 and "0 eskalasi baru" in second.output


def test_auto_close_after_quiet_working_days(app, submit, world, db):
    feedback, _ = submit()
    go_to("ditindaklanjuti", feedback, world)
    db.session.commit()
    assert services.auto_close_answered() == []
    closed = services.auto_close_answered(now=feedback.answered_at + timedelta(days=20))
    assert closed == [feedback] and feedback.status == "selesai"


def test_default_photo_limit_is_five_megabytes(submit, db):
    import io

    from werkzeug.datastructures import FileStorage

    feedback, _ = submit()
    big = FileStorage(io.BytesIO(b"\xff\xd8\xff" + b"\x00" * (5 * 1024 * 1024)), filename="besar.jpg")
    with pytest.raises(services.InvalidAttachment, match="5 MB"):
        services.store_attachment(feedback, big)
    ok = FileStorage(io.BytesIO(b"\xff\xd8\xff" + b"\x00" * 1000), filename="kecil.jpg")
    assert services.store_attachment(feedback, ok).content_type == "image/jpeg"


# -- The workflow table (portal/feedback/workflow.py): services and predicates both read it ------

# Who may take each action, written out here independently of the code under test.
WHO = {
    "verify": {"moderator", "atasan", "asn", "colleague"},
    "reject": {"moderator", "atasan", "asn", "colleague"},
    "assign": {"moderator", "atasan"},
    "take": {"atasan", "asn", "colleague"},  # any ASN of the unit, while nobody holds the item
    "answer": {"asn"},  # the assigned ASN (go_to assigns world.asn)
    "rate": {"owner"},
    "confirm": {"owner"},
    "reopen": {"owner"},
}
FROM = {
    "verify": {"diterima"}, "reject": {"diterima", "diverifikasi"}, "assign": {"diverifikasi", "diproses"},
    "take": {"diverifikasi", "diproses"}, "answer": {"diproses"}, "rate": {"ditindaklanjuti", "selesai"},
    "confirm": {"ditindaklanjuti"}, "reopen": {"ditindaklanjuti", "selesai"},
}


def test_the_table_is_the_documented_workflow():
    from portal.feedback import workflow

    assert {name: set(action.sources) for name, action in workflow.ACTIONS.items() if name != "auto_close"} == FROM
    assert services.TRANSITIONS == workflow.TRANSITIONS == {
        ("diterima", "diverifikasi"), ("diterima", "ditolak"), ("diverifikasi", "ditolak"), ("diverifikasi", "diproses"),
        ("diproses", "diproses"), ("diproses", "ditindaklanjuti"), ("ditindaklanjuti", "selesai"),
        ("ditindaklanjuti", "diproses"), ("selesai", "diproses"),
    }


def _run(action, feedback, world):
    if action == "verify":
        services.verify_feedback(world.asn.user, feedback)
    elif action == "reject":
        services.reject_feedback(world.asn.user, feedback, "Bukan kewenangan Pemerintah Kota.")
    elif action == "assign":
        services.assign_feedback(world.atasan.user, feedback, world.colleague)
    elif action == "take":
        feedback.assigned_asn_id, feedback.assigned_asn = None, None  # the state alone decides here
        services.take_feedback(world.colleague, feedback)
    elif action == "answer":
        feedback.assigned_asn_id = world.asn.id
        services.answer_feedback(world.asn, feedback, "Kami sudah menambah loket pendaftaran.")
    elif action == "rate":
        services.rate_feedback_answer(feedback, 4)
    elif action == "confirm":
        services.confirm_feedback(feedback)
    elif action == "reopen":
        services.reopen_feedback(feedback, "Antrean masih panjang.")


@pytest.mark.parametrize("start", ALL)
@pytest.mark.parametrize("action", list(FROM))
def test_each_action_works_exactly_from_the_statuses_of_the_table(submit, world, db, start, action):
    from portal.feedback import workflow

    feedback, _ = submit()
    go_to(start, feedback, world)
    db.session.flush()
    steps = len(feedback.history)
    if start in FROM[action]:
        _run(action, feedback, world)
        assert feedback.status == (workflow.ACTIONS[action].target or start)
    else:
        with pytest.raises(services.FeedbackError):
            _run(action, feedback, world)
        assert feedback.status == start and len(feedback.history) == steps


@pytest.mark.parametrize("start", ALL)
def test_auto_close_takes_only_answered_items(app, submit, world, db, start):
    feedback, _ = submit()
    go_to(start, feedback, world)
    feedback.answered_at = datetime(2026, 1, 5, tzinfo=timezone.utc)
    db.session.flush()
    services.auto_close_answered(now=datetime(2026, 3, 2, tzinfo=timezone.utc))
    assert feedback.status == ("selesai" if start == "ditindaklanjuti" else start)


def _people(world, feedback, secret):
    from flask_login import AnonymousUserMixin

    from portal.feedback.visibility import feedback_view

    anonymous = AnonymousUserMixin()
    return {
        "moderator": world.moderator, "atasan": world.atasan.user, "asn": world.asn.user,
        "colleague": world.colleague.user, "outsider": world.outsider.user, "citizen": world.citizen,
        "anonymous": anonymous,
        # The resident: only the private key (or being the signed-in submitter) makes the owner.
        "owner": feedback_view(anonymous, feedback, secret), "stranger": feedback_view(world.citizen, feedback, "salah"),
    }


PREDICATES = {
    "verify": "can_verify_feedback", "reject": "can_reject_feedback", "assign": "can_assign_feedback",
    "take": "can_take_feedback", "answer": "can_answer_feedback", "rate": "can_rate_feedback",
    "confirm": "can_confirm_feedback", "reopen": "can_reopen_feedback",
}


@pytest.mark.parametrize("start", ALL)
def test_predicates_agree_with_the_table_for_every_status_and_role(app, submit, world, db, start):
    from portal import permissions

    feedback, secret = submit()
    go_to(start, feedback, world)
    db.session.flush()
    with app.test_request_context():
        people = _people(world, feedback, secret)
        for action, name in PREDICATES.items():
            predicate = getattr(permissions, name)
            allowed = {role for role, person in people.items() if predicate(person, feedback)}
            expected = WHO[action] if start in FROM[action] else set()
            if action == "take" and feedback.assigned_asn_id is not None:
                expected = set()  # someone already holds it
            assert allowed == expected, (action, start)


def test_reopen_is_offered_once(app, submit, world, db):
    from portal import permissions

    feedback, secret = submit()
    go_to("ditindaklanjuti", feedback, world)
    services.reopen_feedback(feedback, "Antrean masih panjang.")
    services.answer_feedback(world.asn, feedback, "Loket ketiga dibuka mulai besok pagi.")
    with app.test_request_context():
        owner = _people(world, feedback, secret)["owner"]
        assert permissions.can_confirm_feedback(owner, feedback) and not permissions.can_reopen_feedback(owner, feedback)
    with pytest.raises(services.FeedbackError):
        services.reopen_feedback(feedback, "Sekali lagi.")


# -- The manage and tracking pages offer exactly what the predicates allow ------------------------

STAFF_BUTTONS = {"verify": "/verifikasi", "reject": "/tolak", "assign": "/tugaskan", "take": "/ambil", "answer": "/jawab"}


@pytest.mark.parametrize("start", ["diterima", "diverifikasi", "diproses", "ditindaklanjuti", "ditolak"])
@pytest.mark.parametrize("role", ["moderator", "atasan", "asn", "colleague"])
def test_manage_page_shows_exactly_the_allowed_buttons(client, login, submit, world, db, start, role):
    feedback, _ = submit()
    go_to(start, feedback, world)
    db.session.commit()
    login({"moderator": world.moderator, "atasan": world.atasan.user, "asn": world.asn.user,
           "colleague": world.colleague.user}[role])
    html = client.get(f"/masukan/{feedback.tracking_number}/kelola").get_data(as_text=True)
    shown = {action for action, path in STAFF_BUTTONS.items()
             if f'action="/masukan/{feedback.tracking_number}{path}"' in html}
    expected = {action for action in STAFF_BUTTONS if start in FROM[action] and role in WHO[action]}
    if feedback.assigned_asn_id is not None:
        expected.discard("take")
    assert shown == expected


@pytest.mark.parametrize("start", ["diproses", "ditindaklanjuti", "selesai"])
def test_tracking_page_offers_the_resident_exactly_the_allowed_steps(client, submit, world, db, start):
    feedback, secret = submit()
    go_to(start, feedback, world)
    db.session.commit()
    number = feedback.tracking_number
    html = client.get(f"/lacak/{number}?kunci={secret}").get_data(as_text=True)
    shown = {step for step, path in {"rate": "/nilai", "confirm": "/konfirmasi", "reopen": "/buka-kembali"}.items()
             if f'action="/lacak/{number}{path}"' in html}
    assert shown == {step for step in ("rate", "confirm", "reopen") if start in FROM[step]}
    # Without the key nobody is offered the resident's steps.
    assert "/nilai" not in client.get(f"/lacak/{number}").get_data(as_text=True)
