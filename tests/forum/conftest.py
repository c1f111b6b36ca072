"""Forum factories: a unit with its category, residents, the unit's ASN and atasan, moderators, threads."""

from datetime import timedelta

import pytest

from forum import services
from forum.models import Category
from portal.db import utcnow


@pytest.fixture
def unit(make_unit):
    """Dinas Kesehatan, with two services."""
    return make_unit(name="Dinas Kesehatan", slug="dinkes", services=("Puskesmas", "Imunisasi"))


@pytest.fixture
def other_unit(make_unit):
    return make_unit(name="Dinas Pendidikan", slug="dispendik", services=("PPDB",))


@pytest.fixture
def make_category(db):
    def make(unit, name=None, slug=None, position=0):
        category = Category(name=name or unit.name, slug=slug or unit.slug, unit=unit, position=position,
                            description=f"Pertanyaan untuk {unit.name}.")
        db.session.add(category)
        db.session.commit()
        return category

    return make


@pytest.fixture
def category(make_category, unit):
    return make_category(unit, name="Kesehatan", slug="kesehatan")


@pytest.fixture
def other_category(make_category, other_unit):
    return make_category(other_unit, name="Pendidikan", slug="pendidikan", position=1)


@pytest.fixture
def make_resident(db, make_user):
    """A verified citizen; an established account (older than the new-account rate limit) unless new=True."""

    def make(name=None, new=False, **kwargs):
        user = make_user(name=name, **kwargs)
        if not new:
            user.created_at = utcnow() - timedelta(days=30)
            db.session.commit()
        return user

    return make


@pytest.fixture
def resident(make_resident):
    return make_resident(name="Budi Santoso", email="budi@contoh.id")


@pytest.fixture
def neighbour(make_resident):
    return make_resident(name="Sri Rahayu", email="sri@contoh.id")


@pytest.fixture
def atasan(make_asn, unit):
    """The supervisor (atasan) in the category's unit."""
    return make_asn(unit=unit, name="dr. Bagus Prasetyo", jabatan="Kepala Bidang Pelayanan Kesehatan")


@pytest.fixture
def officer(make_asn, unit, atasan):
    """An ASN of the category's unit, supervised by the atasan."""
    return make_asn(unit=unit, supervisor=atasan, name="Rina Wulandari", jabatan="Analis Pelayanan Kesehatan")


@pytest.fixture
def outsider(make_asn, other_unit):
    """An ASN of another unit."""
    return make_asn(unit=other_unit, name="Dimas Aditya", jabatan="Pranata Komputer")


@pytest.fixture
def moderator(make_user):
    return make_user(name="Moderator Portal", email="moderator@contoh.id", roles=("warga", "moderator"))


@pytest.fixture
def make_thread(db, category, resident):
    def make(author=None, title="Antrean puskesmas terlalu panjang", body="Saya antre tiga jam.", in_category=None,
             **kwargs):
        thread = services.open_thread(author or resident, in_category or category, title=title, body=body, **kwargs)
        db.session.commit()
        return thread

    return make


@pytest.fixture
def thread(make_thread):
    return make_thread()


@pytest.fixture
def make_reply(db):
    def make(author, thread, body="Saya juga mengalaminya.", **kwargs):
        post = services.reply(author, thread, body, **kwargs)
        db.session.commit()
        return post

    return make


@pytest.fixture
def as_user(client, login):
    """Sign the test client in as this account (or out, with None) and return the client."""

    def sign_in(user):
        if user is None:
            with client.session_transaction() as session:
                session.clear()
        else:
            login(user)
        return client

    return sign_in
