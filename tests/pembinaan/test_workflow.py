"""The record's workflows through the pages: contest a rating, plans, targets, peer feedback, bad input."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.audit import AuditEntry
from portal.db import utcnow
from portal.notifications.models import Notification
from portal.pembinaan import queries
from portal.pembinaan.models import DevelopmentGoal, Evaluation, PeerFeedback, RatingContest, WorkTarget
from portal.pembinaan.periods import parse_period
from portal.workdays.calendar import wib_date
from tests.pembinaan.conftest import at

Q2 = parse_period("2026-Q2")


def actions(db):
    return [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
            if not e.action.endswith(".view")]


@pytest.mark.parametrize(("decision", "excluded", "mean"), [("dikecualikan", True, 5), ("dipertahankan", False, 3)])
def test_contest_a_rating_and_the_moderator_decides(client, login, org, db, make_event, decision, excluded, mean):
    make_event(org.asn, at(2026, 5, 1), rating=5)
    unfair = make_event(org.asn, at(2026, 5, 2), rating=1, rating_comment="Pemkot tidak becus!")
    login(org.asn.user)
    page = client.get(f"/pembinaan/asn/{org.asn.id}?periode=2026-Q2").get_data(as_text=True)
    assert f"/pembinaan/tanggapan/{unfair.id}/sanggah" in page
    response = client.post(f"/pembinaan/tanggapan/{unfair.id}/sanggah",
                           data={"reason": "Penilaian menyangkut kebijakan tarif, bukan jawaban saya."})
    assert response.status_code == 303
    contest = db.session.scalar(select(RatingContest))
    assert contest.status == "menunggu"
    moderator_told = db.session.scalar(select(Notification).where(Notification.user_id == org.moderator.id))
    assert moderator_told is not None
    again = client.post(f"/pembinaan/tanggapan/{unfair.id}/sanggah", data={"reason": "Sekali lagi, mohon ditinjau."})
    assert again.status_code == 422 and "masih menunggu keputusan moderator" in again.get_data(as_text=True)

    login(org.moderator)
    queue = client.get("/pembinaan/sanggahan").get_data(as_text=True)
    assert "Pemkot tidak becus!" in queue and "Penilaian menyangkut kebijakan tarif" in queue
    assert "Rina Petugas" not in queue  # the moderator judges the rating, not the person
    prefix = f"sanggahan-{contest.id}"
    missing = client.post(f"/pembinaan/sanggahan/{contest.id}", data={f"{prefix}-decision": decision})
    assert missing.status_code == 422 and "Wajib diisi." in missing.get_data(as_text=True)
    response = client.post(f"/pembinaan/sanggahan/{contest.id}", data={
        f"{prefix}-decision": decision, f"{prefix}-reason": "Menilai kebijakan, bukan pelayanan petugas."})
    assert response.status_code == 303
    db.session.refresh(unfair)
    assert unfair.rating_excluded is excluded
    assert queries.stats_for(org.asn.id, Q2, now=at(2026, 7, 1)).rating_mean == mean
    assert actions(db) == ["pembinaan.rating.contest", "pembinaan.rating.decide"]
    decided = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "pembinaan.rating.decide"))
    assert decided.actor_id == org.moderator.id and decided.reason == "Menilai kebijakan, bukan pelayanan petugas."
    assert decided.after == {"status": decision, "rating_excluded": excluded}

    login(org.asn.user)
    page = client.get(f"/pembinaan/asn/{org.asn.id}?periode=2026-Q2").get_data(as_text=True)
    assert "Pemkot tidak becus!" in page  # the row stays visible
    assert ("Dikecualikan dari statistik" in page) is excluded


def test_only_the_asn_who_answered_may_contest(client, login, org, make_event):
    event = make_event(org.asn, at(2026, 5, 1), rating=1)
    unrated = make_event(org.asn, at(2026, 5, 2))
    for user in (org.colleague.user, org.atasan.user, org.moderator, org.admin):
        login(user)
        assert client.get(f"/pembinaan/tanggapan/{event.id}/sanggah").status_code == 403
    login(org.asn.user)
    assert client.get(f"/pembinaan/tanggapan/{unrated.id}/sanggah").status_code == 403
    short = client.post(f"/pembinaan/tanggapan/{event.id}/sanggah", data={"reason": "Tidak"})
    assert short.status_code == 422 and "sedikitnya 10 karakter" in short.get_data(as_text=True)


def test_the_atasan_proposes_a_goal_and_the_asn_acknowledges_it(client, login, org, db):
    due = (wib_date(utcnow()) + timedelta(days=30)).isoformat()
    login(org.atasan.user)
    response = client.post(f"/pembinaan/asn/{org.asn.id}/rencana/baru", data={
        "goal": "Pelatihan manajemen waktu", "actions": "E-learning LAN 8 JP", "owner": "Rina Petugas",
        "due_on": due, "suggestion": "tanggapan_lambat", "reason": "Median 3,0 hari kerja"})
    assert response.status_code == 303 and response.headers["Location"].endswith("#rencana")
    goal = db.session.scalar(select(DevelopmentGoal))
    assert (goal.status, goal.acknowledged_at, goal.suggestion_code) == ("diusulkan", None, "tanggapan_lambat")
    assert client.post(f"/pembinaan/rencana/{goal.id}/setujui").status_code == 403  # the atasan cannot

    login(org.asn.user)
    page = client.get(f"/pembinaan/asn/{org.asn.id}").get_data(as_text=True)
    assert "Setujui rencana ini" in page and "Dasar: Median 3,0 hari kerja" in page
    assert client.post(f"/pembinaan/rencana/{goal.id}/setujui").status_code == 303
    db.session.refresh(goal)
    assert goal.status == "berjalan" and goal.acknowledged_at is not None
    response = client.post(f"/pembinaan/rencana/{goal.id}/status", data={f"rencana-{goal.id}-status": "selesai"})
    assert response.status_code == 303
    db.session.refresh(goal)
    assert goal.status == "selesai"
    assert actions(db) == ["pembinaan.goal.propose", "pembinaan.goal.acknowledge", "pembinaan.goal.status"]
    # A finished plan stays finished: no form on the page, and a POST (a stale page) is refused.
    again = client.post(f"/pembinaan/rencana/{goal.id}/status", data={f"rencana-{goal.id}-status": "berjalan"})
    assert again.status_code == 403
    db.session.refresh(goal)
    assert goal.status == "selesai"


def test_a_goal_not_acknowledged_or_closed_cannot_change_status_in_the_service(db, org):
    from portal.pembinaan import services

    goal = services.propose_goal(org.atasan.user, org.asn, goal="Pelatihan", actions="Ikut", owner="Rina",
                                 due_on=wib_date(utcnow()) + timedelta(days=30))
    with pytest.raises(services.AlreadyDone, match="belum disetujui"):
        services.set_goal_status(org.atasan.user, goal, "selesai")
    goal.acknowledged_at, goal.status = utcnow(), "dibatalkan"
    with pytest.raises(services.AlreadyDone, match="sudah selesai atau dibatalkan"):
        services.set_goal_status(org.atasan.user, goal, "berjalan")


def test_a_goal_due_in_the_past_is_refused(client, login, org):
    login(org.atasan.user)
    response = client.post(f"/pembinaan/asn/{org.asn.id}/rencana/baru", data={
        "goal": "Pelatihan", "actions": "Ikut", "owner": "Rina", "due_on": "2020-01-01"})
    assert response.status_code == 422
    assert "Tanggal target tidak boleh di masa lalu." in response.get_data(as_text=True)


def test_work_target_progress_and_continuous_feedback(client, login, org, db):
    login(org.asn.user)
    response = client.post(f"/pembinaan/asn/{org.asn.id}/target/baru", data={
        "period": "2026", "title": "Utas kesehatan terjawab tepat waktu",
        "indicator_1": "Utas dijawab dalam 2 hari kerja", "target_1": "90%",
        "indicator_2": "Rata-rata nilai warga", "target_2": ""})
    assert response.status_code == 422
    assert "Setiap indikator perlu target" in response.get_data(as_text=True)
    response = client.post(f"/pembinaan/asn/{org.asn.id}/target/baru", data={
        "period": "2026", "title": "Utas kesehatan terjawab tepat waktu",
        "indicator_1": "Utas dijawab dalam 2 hari kerja", "target_1": "90%"})
    assert response.status_code == 303
    target = db.session.scalar(select(WorkTarget))
    assert [(i.description, i.target_value) for i in target.indicators] == [("Utas dijawab dalam 2 hari kerja", "90%")]
    assert client.post(f"/pembinaan/target/{target.id}/kemajuan", data={"percent": "140", "body": "x"}).status_code == 422
    assert client.post(f"/pembinaan/target/{target.id}/kemajuan",
                       data={"percent": "60", "body": "Template jawaban disepakati."}).status_code == 303
    assert client.post(f"/pembinaan/target/{target.id}/umpan-balik", data={"body": "Bagus"}).status_code == 403

    login(org.atasan.user)
    assert client.post(f"/pembinaan/target/{target.id}/umpan-balik",
                       data={"body": "Libatkan instalasi farmasi."}).status_code == 303
    assert client.post(f"/pembinaan/target/{target.id}/kemajuan", data={"percent": "90", "body": "x"}).status_code == 403
    page = client.get(f"/pembinaan/target/{target.id}").get_data(as_text=True)
    assert "Template jawaban disepakati." in page and "Libatkan instalasi farmasi." in page
    db.session.refresh(target)
    assert target.latest_percent == 60
    told = {n.user_id for n in db.session.scalars(select(Notification))}
    assert {org.asn.user.id, org.atasan.user.id} <= told


def test_the_direct_atasan_evaluates_through_the_form(client, login, org, db):
    period = "2026-Q1"
    login(org.kadin.user)  # above in the chain, but not the rater
    assert client.get(f"/pembinaan/asn/{org.asn.id}/evaluasi").status_code == 403
    login(org.atasan.user)
    assert client.get(f"/pembinaan/asn/{org.asn.id}/evaluasi?periode={period}").status_code == 200
    response = client.post(f"/pembinaan/asn/{org.asn.id}/evaluasi", data={
        "period": period, "hasil_kerja": "di_atas", "perilaku_kerja": "di_atas", "akuntabel": "Laporan rapi."})
    assert response.status_code == 303
    evaluation = db.session.scalar(select(Evaluation))
    assert evaluation.predicate == "sangat_baik" and evaluation.behaviour_notes == {"akuntabel": "Laporan rapi."}
    bad = client.post(f"/pembinaan/asn/{org.asn.id}/evaluasi", data={
        "period": "2026-07", "hasil_kerja": "di_atas", "perilaku_kerja": "luar_biasa"})
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "Pilihan tidak valid." in text or "triwulanan" in text

    login(org.asn.user)
    page = client.get(f"/pembinaan/evaluasi/{evaluation.id}").get_data(as_text=True)
    assert "Sangat Baik" in page and "Laporan rapi." in page
    assert client.post(f"/pembinaan/evaluasi/{evaluation.id}/tanggapan",
                       data={"response": "Terima kasih atas penilaiannya."}).status_code == 303
    login(org.atasan.user)
    assert client.post(f"/pembinaan/evaluasi/{evaluation.id}/tanggapan", data={"response": "x"}).status_code == 403


def test_peer_feedback_once_per_colleague_and_period_shown_without_name_to_the_asn(client, login, org, db):
    login(org.outsider.user)
    assert client.get(f"/pembinaan/asn/{org.asn.id}/umpan-balik-rekan").status_code == 403
    login(org.colleague.user)
    data = {"period": "2026-Q2", "body": "Rina sigap membantu saat saya di lapangan."}
    assert client.post(f"/pembinaan/asn/{org.asn.id}/umpan-balik-rekan", data=data).status_code == 303
    again = client.post(f"/pembinaan/asn/{org.asn.id}/umpan-balik-rekan", data=data)
    assert again.status_code == 422 and "sudah memberi umpan balik" in again.get_data(as_text=True)
    assert db.session.scalar(select(PeerFeedback.author_id)) == org.colleague.id
    login(org.asn.user)
    page = client.get(f"/pembinaan/asn/{org.asn.id}").get_data(as_text=True)
    assert "Rina sigap membantu" in page and "Agus Rekan" in page  # listed among colleagues to give feedback to
    section = page[page.index("Umpan balik rekan kerja"):page.index("Rencana pengembangan</h2>")]
    assert "Agus Rekan" not in section
    login(org.atasan.user)
    page = client.get(f"/pembinaan/asn/{org.asn.id}").get_data(as_text=True)
    section = page[page.index("Umpan balik rekan kerja"):page.index("Rencana pengembangan</h2>")]
    assert "Agus Rekan" in section


@pytest.mark.parametrize(("url", "message"), [
    ("/pembinaan/asn/{asn}?periode=2026-Q5", "Periode harus berbentuk TTTT"),
    ("/pembinaan/asn/{asn}?periode=kemarin", "Periode harus berbentuk TTTT"),
    ("/pembinaan/hr?urut=gaji", "Kolom urutan tidak dikenal"),
    ("/pembinaan/hr?arah=acak", "Arah urutan harus"),
    ("/pembinaan/hr?unit=dinkes", "Perangkat daerah tidak dikenal"),
    ("/pembinaan/hr/ekspor.csv?periode=2026-13", "Periode harus berbentuk TTTT"),
])
def test_bad_query_parameters_give_400_in_indonesian(client, login, org, url, message):
    login(org.admin)
    response = client.get(url.format(asn=org.asn.id))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_missing_rows_are_404(client, login, org):
    login(org.admin)
    for url in ("/pembinaan/asn/9999", "/pembinaan/target/9999", "/pembinaan/evaluasi/9999",
                "/pembinaan/pelatihan/9999/sertifikat"):
        assert client.get(url).status_code == 404, url


def test_settings_change_the_cadence_and_are_audited(client, login, org, db):
    login(org.admin)
    assert client.post("/pembinaan/hr/pengaturan", data={"cadence": "tahunan"}).status_code == 422
    assert client.post("/pembinaan/hr/pengaturan", data={"cadence": "half"}).status_code == 303
    assert "pembinaan.settings.cadence" in actions(db)
    login(org.atasan.user)
    page = client.get(f"/pembinaan/asn/{org.asn.id}/evaluasi").get_data(as_text=True)
    assert "semesteran" in page


