"""The shared organisation queries that feedback, forum, konsultasi, pembinaan and admin all use."""

from portal.db import utcnow
from portal.organisation import queries


def test_units_and_services_are_listed_alphabetically_by_unit_then_service(make_unit):
    make_unit(name="Dinas Pendidikan", slug="dispendik", services=("PPDB",))
    make_unit(name="Dinas Kesehatan", slug="dinkes", services=("Puskesmas", "Imunisasi"))
    assert [u.name for u in queries.list_units()] == ["Dinas Kesehatan", "Dinas Pendidikan"]
    assert [(s.unit.name, s.name) for s in queries.list_services()] == [
        ("Dinas Kesehatan", "Imunisasi"), ("Dinas Kesehatan", "Puskesmas"), ("Dinas Pendidikan", "PPDB")]
    assert [name for _id, name in queries.list_unit_choices()] == ["Dinas Kesehatan", "Dinas Pendidikan"]


def test_the_asn_of_a_unit_by_name_optionally_only_those_who_can_sign_in(make_unit, make_asn):
    dinkes, other = make_unit(), make_unit()
    rina = make_asn(unit=dinkes, name="Rina")
    agus = make_asn(unit=dinkes, name="Agus")
    no_account = make_asn(unit=dinkes, name="Bagus", user=None)
    make_asn(unit=other, name="Dimas")
    assert queries.list_unit_asn(dinkes.id) == [agus, no_account, rina]
    assert queries.list_unit_asn(dinkes.id, with_account=True) == [agus, rina]


def test_the_atasan_of_a_unit_are_those_with_an_account_who_supervise_someone(make_unit, make_asn):
    dinkes = make_unit()
    head = make_asn(unit=dinkes, name="Kepala")
    atasan = make_asn(unit=dinkes, supervisor=head, name="Atasan")
    make_asn(unit=dinkes, supervisor=atasan, name="Staf")
    offline = make_asn(unit=dinkes, name="Atasan Tanpa Akun", user=None)
    make_asn(unit=dinkes, supervisor=offline, name="Staf Dua")
    make_asn(unit=make_unit(), supervisor=head, name="Di Unit Lain")
    assert queries.list_unit_atasan(dinkes.id) == [atasan, head]


def test_the_staff_accounts_of_a_unit_leave_out_deleted_accounts_and_other_units(db, make_unit, make_asn):
    dinkes = make_unit()
    first = make_asn(unit=dinkes)
    gone = make_asn(unit=dinkes)
    make_asn(unit=dinkes, user=None)
    make_asn(unit=make_unit())
    gone.user.deleted_at = utcnow()
    db.session.commit()
    assert queries.list_unit_staff_accounts(dinkes.id) == [first.user]
