"""What konsultasi publik keeps about a person, for their data download (UU 27/2022 Pasal 7)."""

from konsultasi.models import Comment, Consultation, Question, QuestionVote, Registration
from portal.accounts.personal_data import export_rows


def export_konsultasi_data(user):
    """Return the person's registrations, comments, questions and votes, and the consultations they ran."""
    return {
        "konsultasi": {
            "pendaftaran": export_rows(
                Registration.user_id,
                user,
                {
                    "konsultasi": "consultation_id",
                    "status": "status",
                    "daftar_tunggu": "waitlist_position",
                    "dibuat": "created_at",
                    "dikonfirmasi": "confirmed_at",
                    "dibatalkan": "cancelled_at",
                    "hadir": "attended_at",
                },
            ),
            "komentar": export_rows(
                Comment.author_id,
                user,
                {
                    "konsultasi": "consultation_id",
                    "bagian": "section_id",
                    "isi": "body_md",
                    "dibuat": "created_at",
                    "disembunyikan": "hidden_at",
                    "jawaban": "answer_md",
                },
            ),
            "pertanyaan": export_rows(
                Question.author_id,
                user,
                {
                    "konsultasi": "consultation_id",
                    "isi": "body",
                    "anonim": "is_anonymous",
                    "status": "status",
                    "dibuat": "created_at",
                    "jawaban": "answer_md",
                },
            ),
            "dukungan_pertanyaan": export_rows(
                QuestionVote.user_id, user, {"pertanyaan": "question_id", "waktu": "created_at"}
            ),
            # Work done as staff or moderator.
            "konsultasi_dibuat": export_rows(
                Consultation.created_by_id, user, {"id": "id", "judul": "title", "dibuat": "created_at"}
            ),
            "kehadiran_dicatat": export_rows(
                Registration.checked_in_by_id, user, {"pendaftaran": "id", "waktu": "attended_at"}
            ),
            "komentar_disembunyikan": export_rows(
                Comment.hidden_by_id, user, {"komentar": "id", "alasan": "hidden_reason", "waktu": "hidden_at"}
            ),
            "pertanyaan_dimoderasi": export_rows(
                Question.moderated_by_id,
                user,
                {"pertanyaan": "id", "status": "status", "alasan": "reason", "waktu": "moderated_at"},
            ),
        }
    }
