"""What the forum keeps about a person, for their data download (UU 27/2022 Pasal 7)."""

from forum.models import Flag, Post, PostRevision, PostVote, Thread, ThreadEscalation, ThreadFollow
from portal.accounts.personal_data import export_rows


def export_forum_data(user):
    """Return the person's threads, posts, edits, votes, follows and reports, and their moderation work."""
    return {
        "forum": {
            "topik": export_rows(
                Thread.author_id,
                user,
                {
                    "id": "id",
                    "judul": "title",
                    "nama_samaran": "pseudonym",
                    "status": "status",
                    "dibuat": "created_at",
                    "kecamatan": "kecamatan",
                    "kelurahan": "kelurahan",
                    "dihapus": "deleted_at",
                },
            ),
            "tulisan": export_rows(
                Post.author_id,
                user,
                {
                    "id": "id",
                    "topik": "thread_id",
                    "nomor": "number",
                    "nama_samaran": "pseudonym",
                    "isi": "body_md",
                    "jawaban_resmi": "is_official",
                    "dibuat": "created_at",
                    "diubah": "edited_at",
                    "dihapus": "deleted_at",
                },
            ),
            "riwayat_suntingan": export_rows(
                PostRevision.editor_id,
                user,
                {
                    "tulisan": "post_id",
                    "judul_sebelumnya": "title",
                    "isi_sebelumnya": "body_md",
                    "waktu": "replaced_at",
                },
            ),
            "suara": export_rows(PostVote.user_id, user, {"tulisan": "post_id", "waktu": "created_at"}),
            "topik_diikuti": export_rows(ThreadFollow.user_id, user, {"topik": "thread_id", "sejak": "created_at"}),
            "laporan": export_rows(
                Flag.reporter_id,
                user,
                {
                    "tulisan": "post_id",
                    "alasan": "reason",
                    "keterangan": "detail",
                    "waktu": "created_at",
                    "hasil": "resolution",
                },
            ),
            # Work done as a moderator or official: part of the person's data too.
            "moderasi_tulisan": export_rows(
                Post.hidden_by_id, user, {"tulisan": "id", "alasan": "hidden_reason", "waktu": "hidden_at"}
            ),
            "moderasi_laporan": export_rows(
                Flag.resolved_by_id, user, {"tulisan": "post_id", "hasil": "resolution", "waktu": "resolved_at"}
            ),
            "suntingan_dibersihkan": export_rows(
                PostRevision.purged_by_id, user, {"tulisan": "post_id", "waktu": "purged_at"}
            ),
            "eskalasi_diterima": export_rows(
                ThreadEscalation.notified_user_id,
                user,
                {"topik": "thread_id", "tingkat": "level", "tenggat": "deadline_at", "waktu": "created_at"},
            ),
        }
    }
