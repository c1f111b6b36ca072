"""Organisation services: business rules, audit entries, flush-but-never-commit."""

import threading

import pytest
from sqlalchemy import func, select

from portal.audit import AuditEntry
from portal.organisation import services
from portal.organisation.models import AsnProfile, Service, Unit


def audit_entries(db, action):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


def count(db, model):
    return db.session.scalar(select(func.count(model.id)))


# ---------------------------------------------------------------- units


def test_create_unit_makes_slug_from_name_and_audits(db, admin):
    unit = services.create_unit(admin, name="  Dinas  Kesehatan & KB ", description=" Urusan kesehatan. ")
    assert unit.name == "Dinas Kesehatan & KB"
    assert unit.slug == "dinas-kesehatan-kb"
    assert unit.description == "Urusan kesehatan."
    [entry] = audit_entries(db, "unit.create")
    assert entry.actor_id == admin.id
    assert (entry.target_type, entry.target_id) == ("units", str(unit.id))
    assert entry.after == {"name": "Dinas Kesehatan & KB", "slug": "dinas-kesehatan-kb", "description": "Urusan kesehatan."}


def test_services_flush_but_never_commit(db, admin):
    unit = services.create_unit(admin, name="Dinas Sosial")
    assert unit.id is not None  # flushed
    db.session.rollback()
    assert count(db, Unit) == 0
    assert count(db, AuditEntry) == 0


def test_generated_slug_gets_a_number_when_taken(db, admin, make_unit):
    make_unit(name="Dinas Kesehatan Lama", slug="dinas-kesehatan")
    unit = services.create_unit(admin, name="Dinas Kesehatan")
    assert unit.slug == "dinas-kesehatan-2"


def test_unit_name_is_unique_whatever_the_case(db, admin, make_unit):
    make_unit(name="Dinas Kesehatan")
    with pytest.raises(services.NameTaken) as caught:
        services.create_unit(admin, name="dinas  kesehatan")
    assert caught.value.field == "name"
    assert "Sudah ada perangkat daerah bernama" in str(caught.value)


def test_unit_and_service_need_a_name(db, admin, make_unit):
    with pytest.raises(services.OrganisationError, match="Nama perangkat daerah wajib diisi."):
        services.create_unit(admin, name="  ")
    with pytest.raises(services.OrganisationError, match="Nama layanan wajib diisi."):
        services.create_service(admin, make_unit(), name="")


def test_typed_slug_must_be_free_and_well_formed(db, admin, make_unit):
    make_unit(slug="dinkes")
    with pytest.raises(services.SlugTaken, match="sudah dipakai"):
        services.create_unit(admin, name="Dinas Kesehatan", slug="dinkes")
    with pytest.raises(services.SlugInvalid, match="huruf kecil, angka, dan tanda hubung"):
        services.create_unit(admin, name="Dinas Kesehatan", slug="Dinas Kesehatan")


def test_update_unit_audits_before_and_after(db, admin, make_unit):
    unit = make_unit(name="Dinas Kesehatan", slug="dinkes")
    services.update_unit(admin, unit, name="Dinas Kesehatan Kota", slug="dinkes", description="Baru")
    [entry] = audit_entries(db, "unit.update")
    assert entry.before == {"name": "Dinas Kesehatan", "slug": "dinkes", "description": ""}
    assert entry.after == {"name": "Dinas Kesehatan Kota", "slug": "dinkes", "description": "Baru"}


def test_update_unit_without_changes_writes_no_audit(db, admin, make_unit):
    unit = make_unit(name="Dinas Kesehatan", slug="dinkes")
    services.update_unit(admin, unit, name="Dinas Kesehatan", slug="dinkes", description="")
    assert audit_entries(db, "unit.update") == []


def test_update_unit_may_keep_its_own_name_and_slug_but_not_take_another(db, admin, make_unit):
    make_unit(name="Dinas Sosial", slug="dinsos")
    unit = make_unit(name="Dinas Kesehatan", slug="dinkes")
    with pytest.raises(services.SlugTaken):
        services.update_unit(admin, unit, name="Dinas Kesehatan", slug="dinsos")
    with pytest.raises(services.NameTaken):
        services.update_unit(admin, unit, name="Dinas Sosial", slug="dinkes")


def test_unit_with_services_or_asn_cannot_be_deleted(db, admin, make_unit, make_asn):
    unit = make_unit(name="Dinas Kesehatan", services=["Puskesmas", "Rumah Sakit"])
    make_asn(unit=unit)
    with pytest.raises(services.HasDependents) as caught:
        services.delete_unit(admin, unit)
    assert "Dinas Kesehatan tidak dapat dihapus" in str(caught.value)
    assert "1 profil ASN" in str(caught.value)
    assert "2 layanan" in str(caught.value)
    assert count(db, Unit) == 1
    assert count(db, Service) == 2


def test_empty_unit_is_deleted_and_audited(db, admin, make_unit):
    unit = make_unit(name="Dinas Lama", slug="dinas-lama")
    unit_id = unit.id
    services.delete_unit(admin, unit)
    db.session.commit()
    assert db.session.get(Unit, unit_id) is None
    [entry] = audit_entries(db, "unit.delete")
    assert entry.target_id == str(unit_id)
    assert entry.before["slug"] == "dinas-lama"


def test_count_dependents_reads_every_foreign_key(db, make_unit, make_asn):
    unit = make_unit(services=["Puskesmas"])
    make_asn(unit=unit)
    make_asn(unit=unit)
    counts = services.count_dependents(unit)
    assert counts["services"] == 1
    assert counts["asn_profiles"] == 2


# ---------------------------------------------------------------- services (layanan)


def test_service_slug_is_unique_across_the_city(db, admin, make_unit):
    dinkes, dispendik = make_unit(name="Dinas Kesehatan"), make_unit(name="Dinas Pendidikan")
    services.create_service(admin, dinkes, name="Pengaduan", slug="pengaduan")
    with pytest.raises(services.SlugTaken):
        services.create_service(admin, dispendik, name="Pengaduan Sekolah", slug="pengaduan")
    # Without a typed slug the same name in another unit gets a numbered one.
    other = services.create_service(admin, dispendik, name="Pengaduan")
    assert other.slug == "pengaduan-2"


def test_service_name_is_unique_within_its_unit(db, admin, make_unit):
    unit = make_unit(name="Dinas Kesehatan", services=["Puskesmas"])
    with pytest.raises(services.NameTaken, match="sudah punya layanan bernama PUSKESMAS"):
        services.create_service(admin, unit, name="PUSKESMAS")


def test_create_update_delete_service_are_audited(db, admin, make_unit):
    unit = make_unit(name="Dinas Kesehatan", slug="dinkes")
    service = services.create_service(admin, unit, name="Puskesmas", description="Layanan dasar")
    services.update_service(admin, service, name="Puskesmas Keliling", slug="puskesmas-keliling", description="")
    db.session.commit()
    services.delete_service(admin, service)
    db.session.commit()
    assert count(db, Service) == 0
    [created] = audit_entries(db, "service.create")
    assert created.after == {"unit": "dinkes", "name": "Puskesmas", "slug": "puskesmas", "description": "Layanan dasar"}
    [updated] = audit_entries(db, "service.update")
    assert updated.before["name"] == "Puskesmas"
    assert updated.after["slug"] == "puskesmas-keliling"
    [deleted] = audit_entries(db, "service.delete")
    assert deleted.before["slug"] == "puskesmas-keliling"


# ---------------------------------------------------------------- ASN profiles


def test_create_asn_profile_stores_digits_and_links_account(db, admin, make_unit, make_user):
    unit = make_unit(slug="dinkes")
    user = make_user(name="Siti Aminah", email="siti@contoh.id")
    profile = services.create_asn_profile(
        admin, nip="19850312 201001 2 004", name="Siti Aminah", jabatan="Perawat", unit=unit, email=" SITI@contoh.id "
    )
    db.session.commit()
    assert profile.nip == "198503122010012004"
    assert profile.user is user
    assert user.roles == {"warga", "asn"}
    [entry] = audit_entries(db, "asn.create")
    assert entry.after == {
        "nip": "198503122010012004", "name": "Siti Aminah", "jabatan": "Perawat", "unit": "dinkes",
        "supervisor_nip": None, "user_id": user.id,
    }
    [grant] = audit_entries(db, "role.grant")
    assert grant.before == {"roles": ["warga"]}
    assert grant.after == {"roles": ["asn", "warga"]}


@pytest.mark.parametrize(
    ("values", "error", "field", "message"),
    [
        ({"nip": "19850230 201001 1 004"}, services.NipInvalid, "nip", "tanggal lahir yang sah"),
        ({"nip": "123"}, services.NipInvalid, "nip", "NIP harus 18 digit, bukan 3."),
        ({"supervisor_nip": "19850312 201001 1 004"}, services.SupervisorInvalid, "supervisor_nip", "atasan dirinya sendiri"),
        ({"supervisor_nip": "199001012015031001"}, services.SupervisorInvalid, "supervisor_nip", "Tidak ada ASN dengan NIP atasan"),
        ({"email": "belum@contoh.id"}, services.AccountNotLinkable, "email", "Belum ada akun dengan email ini"),
        ({"name": "   "}, services.OrganisationError, "name", "Nama ASN wajib diisi."),
        ({"jabatan": ""}, services.OrganisationError, "jabatan", "Jabatan wajib diisi."),
    ],
)
def test_create_asn_profile_refusals(db, admin, make_unit, values, error, field, message):
    arguments = {"nip": "19850312 201001 1 004", "name": "Budi", "jabatan": "Staf", "unit": make_unit()}
    arguments.update(values)
    with pytest.raises(error) as caught:
        services.create_asn_profile(admin, **arguments)
    assert caught.value.field == field
    assert message in str(caught.value)
    assert count(db, AsnProfile) == 0


def test_nip_must_be_unique(db, admin, make_asn, make_unit):
    make_asn(nip="198503122010011004", name="Budi Santoso")
    with pytest.raises(services.NipTaken, match="sudah terdaftar atas nama Budi Santoso"):
        services.create_asn_profile(admin, nip="19850312 201001 1 004", name="Lain", jabatan="Staf", unit=make_unit())


def test_account_already_linked_to_another_profile_is_refused(db, admin, make_asn, make_unit):
    other = make_asn(name="Budi Santoso")
    with pytest.raises(services.AccountNotLinkable, match="sudah terhubung ke profil ASN lain"):
        services.create_asn_profile(
            admin, nip="199001012015031001", name="Lain", jabatan="Staf", unit=make_unit(), email=other.user.email
        )


def test_supervisor_cycle_is_refused(db, admin, make_asn):
    # kepala ← kabid ← staf; making staf the kepala's atasan would close a loop.
    kepala = make_asn(name="Kepala Dinas")
    kabid = make_asn(name="Kepala Bidang", supervisor=kepala)
    staf = make_asn(name="Staf", supervisor=kabid)
    for boss, message in ((staf, "adalah bawahan"), (kabid, "adalah bawahan"), (kepala, "dirinya sendiri")):
        with pytest.raises(services.SupervisorInvalid, match=message):
            services.update_asn_profile(
                admin, kepala, nip=kepala.nip, name=kepala.name, jabatan=kepala.jabatan, unit=kepala.unit,
                supervisor_nip=boss.nip,
            )
    db.session.rollback()
    assert db.session.get(AsnProfile, kepala.id).supervisor is None


def test_update_asn_profile_moves_the_account_and_its_role(db, admin, make_asn, make_user):
    profile = make_asn(name="Budi Santoso")
    old_user = profile.user
    new_user = make_user(email="budi.baru@contoh.id")
    services.update_asn_profile(
        admin, profile, nip=profile.nip, name="Budi Santoso", jabatan="Analis", unit=profile.unit,
        email="budi.baru@contoh.id",
    )
    db.session.commit()
    assert profile.user is new_user
    assert "asn" not in old_user.roles
    assert "asn" in new_user.roles
    [entry] = audit_entries(db, "asn.update")
    assert entry.before["user_id"] == old_user.id
    assert entry.after["user_id"] == new_user.id
    assert (entry.before["jabatan"], entry.after["jabatan"]) == ("Pranata Komputer", "Analis")
    assert [e.target_id for e in audit_entries(db, "role.revoke")] == [str(old_user.id)]


def test_update_asn_profile_can_set_a_valid_supervisor(db, admin, make_asn):
    kepala, staf = make_asn(name="Kepala"), make_asn(name="Staf")
    services.update_asn_profile(
        admin, staf, nip=staf.nip, name=staf.name, jabatan=staf.jabatan, unit=staf.unit,
        supervisor_nip=" ".join([kepala.nip[:8], kepala.nip[8:14], kepala.nip[14], kepala.nip[15:]]),
        email=staf.user.email,
    )
    db.session.commit()
    assert staf.supervisor is kepala
    [entry] = audit_entries(db, "asn.update")
    assert entry.before["supervisor_nip"] is None
    assert entry.after["supervisor_nip"] == kepala.nip


def test_refusal_messages_work_outside_any_request(app):
    # The CLI and background jobs have an app context but no request and no session;
    # a new thread starts without the request context the test fixtures push.
    outcome = {}

    def run():
        with app.app_context():
            try:
                services.create_unit(None, name=" ")
            except Exception as error:  # any failure is reported below
                outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert isinstance(outcome["error"], services.OrganisationError), repr(outcome["error"])
    assert str(outcome["error"]) == "Nama perangkat daerah wajib diisi."
