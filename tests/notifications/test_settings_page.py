"""The settings page: per kind the bell and the e-mail choice, the master switch on top (issue 13 point 6)."""

from sqlalchemy import select

from portal.audit import AuditEntry
from portal.notifications.models import KINDS, NotificationPreference
from tests.clicking import Visitor
from tests.conftest import PASSWORD


def sign_in(client, user):
    visitor = Visitor(client).start()
    return visitor.click("Masuk").fill("Email", user.email).fill("Kata sandi", PASSWORD).press("Masuk")


def stored(db, user):
    rows = db.session.scalars(select(NotificationPreference).where(NotificationPreference.user_id == user.id))
    return {row.kind: (row.in_app, row.email) for row in rows}


def valid_form(**overrides):
    data = {"email_notifications": "y"}
    for kind in KINDS:
        data[f"{kind}-in_app"] = "y"
        data[f"{kind}-email"] = "immediate"
    data.update(overrides)
    return data


def test_the_settings_page_needs_an_account(client):
    response = client.get("/notifikasi/pengaturan")
    assert response.status_code == 302
    assert "/akun/masuk?next=" in response.headers["Location"]
    assert client.post("/notifikasi/pengaturan", data=valid_form()).status_code == 302


def test_the_page_is_reached_from_the_bell_and_from_the_profile_and_shows_the_defaults(client, make_user):
    person = make_user(name="Sari Wulandari")
    visitor = sign_in(client, person)
    visitor.click("Pemberitahuan").click("Atur pemberitahuan")
    assert visitor.path == "/notifikasi/pengaturan"
    visitor.see("Atur pemberitahuan", "Kirim pemberitahuan ke email saya", "Balasan di forum",
                "Seseorang membalas topik yang Anda tulis atau ikuti.", "Pembinaan ASN", "Ringkasan mingguan")
    # No stored choice yet: bell on and e-mail at once for every kind, the master switch on.
    assert visitor.soup.find(id="email_notifications").has_attr("checked")
    for kind in KINDS:
        assert visitor.soup.find(id=f"{kind}-in_app").has_attr("checked"), kind
        assert visitor.soup.find("input", attrs={"name": f"{kind}-email", "value": "immediate"}).has_attr("checked"), kind
    visitor.click("Sari Wulandari").not_see("Kirim pemberitahuan ke email saya").click("Atur pemberitahuan")
    assert visitor.path == "/notifikasi/pengaturan"


def test_saving_keeps_only_what_differs_from_the_default_and_shows_it_again(client, db, make_user):
    person = make_user()
    visitor = sign_in(client, person).click("Pemberitahuan").click("Atur pemberitahuan")
    visitor.check("Tampilkan di lonceng", checked=False, within="#pref-reply")
    visitor.choose("Ringkasan harian", within="#pref-mention")
    visitor.choose("Tidak", within="#pref-feedback")
    visitor.check("Tampilkan di lonceng", checked=False, within="#pref-escalation")
    visitor.choose("Ringkasan mingguan", within="#pref-escalation")
    visitor.press("Simpan pengaturan").see("Pengaturan pemberitahuan sudah disimpan.")

    assert stored(db, person) == {
        "reply": (False, "immediate"), "mention": (True, "daily"), "feedback": (True, "off"),
        "escalation": (False, "weekly"),
    }
    assert not visitor.soup.find(id="reply-in_app").has_attr("checked")
    assert visitor.soup.find("input", attrs={"name": "mention-email", "value": "daily"}).has_attr("checked")
    entry = db.session.scalar(select(AuditEntry).filter_by(action="notifications.update_preferences"))
    assert entry.before["mention"] == {"in_app": True, "email": "immediate"}
    assert entry.after["mention"] == {"in_app": True, "email": "daily"}
    assert "konsultasi" not in entry.after  # only what changed

    # Back to the default: the row goes, as for someone who never changed anything.
    visitor.choose("Segera", within="#pref-mention").press("Simpan pengaturan")
    db.session.expire_all()
    assert "mention" not in stored(db, person)


def test_the_master_switch_turns_every_mail_off_and_on_again(client, db, make_user):
    person = make_user()
    visitor = sign_in(client, person).click("Pemberitahuan").click("Atur pemberitahuan")
    visitor.check("Kirim pemberitahuan ke email saya", checked=False).press("Simpan pengaturan")
    db.session.refresh(person)
    assert person.email_notifications is False
    assert not visitor.soup.find(id="email_notifications").has_attr("checked")
    visitor.check("Kirim pemberitahuan ke email saya").press("Simpan pengaturan")
    db.session.refresh(person)
    assert person.email_notifications is True


def test_an_unknown_choice_is_refused_with_a_message_and_nothing_is_saved(client, db, login, make_user):
    person = login(make_user())
    response = client.post("/notifikasi/pengaturan", data=valid_form(
        **{"email_notifications": "", "reply-in_app": "", "mention-email": "monthly"}))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Ada yang perlu diperbaiki" in html
    assert "Pilih salah satu: Tidak, Segera, Ringkasan harian, atau Ringkasan mingguan." in html
    assert 'href="#mention-email"' in html  # the summary links to the field
    db.session.refresh(person)
    assert person.email_notifications is True
    assert stored(db, person) == {}


def test_a_missing_choice_is_refused_too(client, db, login, make_user):
    person = login(make_user())
    data = valid_form()
    del data["konsultasi-email"]
    response = client.post("/notifikasi/pengaturan", data=data)
    assert response.status_code == 422
    assert "Pilih cara pengiriman email." in response.get_data(as_text=True)
    assert stored(db, person) == {}


def test_the_settings_are_in_the_data_download_and_go_with_the_account(client, db, login, make_user, set_preferences):
    from portal.accounts.services import delete_account

    person = login(make_user())
    set_preferences(person, reply=(False, "weekly"))
    download = client.get("/akun/profil/ekspor").get_json()
    assert download["pengaturan_pemberitahuan"] == [{"jenis": "reply", "lonceng": False, "email": "weekly"}]
    delete_account(person)
    db.session.commit()
    assert stored(db, person) == {}
