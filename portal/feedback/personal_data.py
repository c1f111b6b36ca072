"""What service feedback keeps about a person: their data download and erasure (UU 27/2022)."""

from sqlalchemy import update

from portal.accounts.personal_data import export_rows
from portal.extensions import db
from portal.feedback.models import Escalation, Feedback, FeedbackStatusChange


def export_feedback_data(user):
    """Return the person's feedback with tracking numbers and contact details, and the status changes they made."""
    return {
        "masukan": {
            "masukan_dikirim": export_rows(
                Feedback.submitter_id,
                user,
                {
                    "nomor_pelacakan": "tracking_number",
                    "jenis": "type",
                    "judul": "title",
                    "isi": "body_md",
                    "kelurahan": "kelurahan",
                    "tanggal_kunjungan": "visit_date",
                    "publik": "is_public",
                    "rahasia": "confidential",
                    "nama_kontak": "contact_name",
                    "email_kontak": "contact_email",
                    "telepon_kontak": "contact_phone",
                    "status": "status",
                    "dikirim": "created_at",
                    "dijawab": "answered_at",
                    "ditutup": "closed_at",
                },
            ),
            "perubahan_status": export_rows(
                FeedbackStatusChange.actor_id,
                user,
                {
                    "masukan": "feedback_id",
                    "dari": "from_status",
                    "menjadi": "to_status",
                    "catatan": "note",
                    "waktu": "created_at",
                },
            ),
            "eskalasi_diterima": export_rows(
                Escalation.notified_user_id,
                user,
                {"masukan": "feedback_id", "tenggat": "deadline_kind", "tingkat": "level", "waktu": "created_at"},
            ),
        }
    }


def erase_feedback_contacts(user):
    """Remove the person's name, e-mail and phone from their feedback; the reports stay, unlinked."""
    # UU 27/2022 Pasal 16: the report is the unit's record of a public service; who sent it
    # and how to reach them is the person's data, erased with the account.
    db.session.execute(
        update(Feedback)
        .where(Feedback.submitter_id == user.id)
        .values(contact_name=None, contact_email=None, contact_phone=None, submitter_id=None)
        .execution_options(synchronize_session=False)
    )
