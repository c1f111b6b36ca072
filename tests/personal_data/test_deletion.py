"""UU 27/2022 Pasal 8 and 16: deleting an account erases the person's data from every table.

Every model that references users gets a row pointing at the person, the columns meant for
personal data (contact details, pseudonyms) hold the person's name, e-mail and phone, then the
person deletes their account by clicking. Afterwards no table holds any of them.
"""

from datetime import timedelta

from sqlalchemy import JSON, String, Text, func, select

from portal.accounts import throttle
from portal.accounts.models import LoginThrottle, User, UserSession
from portal.db import utcnow
from portal.idempotency import IdempotencyKey
from portal.notifications.models import Notification
from tests.clicking import Visitor
from tests.conftest import PASSWORD
from tests.personal_data.rows import make_row, user_columns

NAME, EMAIL, PHONE, HANDLE = "Sari Wulandari", "sari.wulandari@contoh.id", "0812 3456 7890", "sari_wulandari"
# Columns that hold the person's data as such, filled with it when the row is the person's.
PERSONAL_COLUMNS = {
    "feedback": {"contact_name": NAME, "contact_email": EMAIL, "contact_phone": PHONE},
    "forum_threads": {"pseudonym": NAME},
    "forum_posts": {"pseudonym": NAME},
    "notifications": {"message": f"Halo {NAME}"},
}


def tables_holding(db, texts):
    """Return table.column for every text or JSON column where one of the texts appears."""
    found = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if not isinstance(column.type, String | Text | JSON):
                continue
            for value in db.session.execute(select(column)).scalars():
                shown = str(value).lower()
                if any(text.lower() in shown for text in texts):
                    found.append(f"{table.name}.{column.name}")
                    break
    return found


def test_deleting_the_account_leaves_no_personal_data_in_any_table(client, db, make_user, app):
    person = make_user(name=NAME, email=EMAIL)
    other = make_user(name="Orang Lain")
    visitor = Visitor(client).start()
    visitor.click("Masuk").fill("Email", EMAIL).fill("Kata sandi", PASSWORD).press("Masuk")
    visitor.click(NAME).fill("Nama pengguna publik", HANDLE).press("Simpan profil").see("Profil sudah disimpan.")
    for table, column in user_columns(db.Model):
        values = (
            PERSONAL_COLUMNS.get(table.name, {})
            if not column.nullable or column.name.endswith(("submitter_id", "user_id", "author_id"))
            else {}
        )
        make_row(db.session, table, user_fk=column, user=person, other_user=other, values=values)
    throttle.record_failure(EMAIL, "203.0.113.9", utcnow() - timedelta(minutes=1))
    db.session.commit()
    assert tables_holding(db, [NAME, EMAIL, PHONE, HANDLE])  # the walk did put the data everywhere

    visitor.click(NAME).click("Hapus akun").fill("Kata sandi", PASSWORD).check("Saya mengerti").press("Hapus akun saya")
    visitor.see("Akun Anda sudah dihapus.")

    db.session.expire_all()
    assert tables_holding(db, [NAME, EMAIL, PHONE, HANDLE]) == []
    for model in (UserSession, Notification, IdempotencyKey):
        assert db.session.scalar(select(func.count()).select_from(model).where(model.user_id == person.id)) == 0
    with app.test_request_context():
        account_key = throttle._keys(EMAIL, None)["account"]
    assert db.session.get(LoginThrottle, account_key) is None
    assert db.session.get(User, person.id).is_deleted
    assert db.session.get(User, other.id).name == "Orang Lain"  # nobody else's data was touched
