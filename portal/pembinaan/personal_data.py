"""What the development record keeps about a person's work as a user, for their data download."""

from portal.accounts.personal_data import export_rows
from portal.pembinaan.models import (
    DevelopmentGoal,
    Evaluation,
    PembinaanSetting,
    ProgressUpdate,
    RatingContest,
    Training,
    WorkTarget,
)


def _own_record(profile):
    # The ASN's own development record: trainings, work targets, evaluations, goals (PermenPANRB 6/2022).
    return {
        "pelatihan": export_rows(
            Training.asn_id,
            profile,
            {
                "judul": "title",
                "penyelenggara": "organiser",
                "bentuk": "form",
                "mulai": "starts_on",
                "selesai": "ends_on",
                "jp": "jp",
                "sertifikat": "certificate_name",
            },
        ),
        "rencana_kerja": export_rows(WorkTarget.asn_id, profile, {"periode": "period", "rencana": "title"}),
        "evaluasi": export_rows(
            Evaluation.asn_id,
            profile,
            {
                "periode": "period",
                "hasil_kerja": "hasil_kerja",
                "perilaku_kerja": "perilaku_kerja",
                "predikat": "predicate",
                "ringkasan": "summary",
                "tanggapan_saya": "asn_response",
            },
        ),
        "sasaran_pengembangan": export_rows(
            DevelopmentGoal.asn_id,
            profile,
            {"sasaran": "goal", "tindakan": "actions", "status": "status", "tenggat": "due_on"},
        ),
    }


def export_pembinaan_data(user):
    """Return the development-record entries the person wrote or decided (their own record is in "asn")."""
    own = _own_record(user.asn_profile) if user.asn_profile is not None else {}
    return {
        "pembinaan": {
            **own,
            "pelatihan_dicatat": export_rows(
                Training.created_by_id,
                user,
                {
                    "asn": "asn_id",
                    "judul": "title",
                    "penyelenggara": "organiser",
                    "bentuk": "form",
                    "mulai": "starts_on",
                    "selesai": "ends_on",
                    "jp": "jp",
                    "dicatat": "created_at",
                },
            ),
            "rencana_kerja_dibuat": export_rows(
                WorkTarget.created_by_id, user, {"asn": "asn_id", "periode": "period", "rencana": "title"}
            ),
            "catatan_kemajuan": export_rows(
                ProgressUpdate.author_id,
                user,
                {"rencana": "target_id", "jenis": "kind", "isi": "body", "persen": "percent", "waktu": "created_at"},
            ),
            "sasaran_diusulkan": export_rows(
                DevelopmentGoal.proposed_by_id,
                user,
                {
                    "asn": "asn_id",
                    "sasaran": "goal",
                    "tindakan": "actions",
                    "status": "status",
                    "diusulkan": "proposed_at",
                },
            ),
            "sanggahan_diputus": export_rows(
                RatingContest.decided_by_id,
                user,
                {
                    "sanggahan": "id",
                    "asn": "asn_id",
                    "status": "status",
                    "alasan": "decision_reason",
                    "waktu": "decided_at",
                },
            ),
            "pengaturan_diubah": export_rows(
                PembinaanSetting.updated_by_id,
                user,
                {"kunci": "key", "nilai": "value", "waktu": "updated_at"},
                order_by=[PembinaanSetting.key],
            ),
        }
    }
