import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.accounts.passwords import password_matches
from portal.organisation.models import AsnProfile, Unit
from portal.organisation.nip import normalize_nip

DEMO_ACCOUNTS = [
    ("admin@demo.surabaya.go.id", {"admin"}),
    ("moderator@demo.surabaya.go.id", {"moderator"}),
    ("atasan.kesehatan@demo.surabaya.go.id", {"asn"}),
    ("asn.kesehatan@demo.surabaya.go.id", {"asn"}),
    ("asn.pendidikan@demo.surabaya.go.id", {"asn"}),
    ("warga@demo.surabaya.go.id", {"warga"}),
]


def test_seed_demo_creates_accounts_units_and_supervisor_chain(app, db):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--password", "rahasia123"])
    assert result.exit_code == 0, result.output

    for email, roles in DEMO_ACCOUNTS:
        user = db.session.scalar(select(User).filter_by(email=email))
        assert user is not None, email
        assert roles <= user.roles
        assert user.is_verified
        assert password_matches(user.password_hash, "rahasia123")

    asn = db.session.scalar(select(User).filter_by(email="asn.kesehatan@demo.surabaya.go.id")).asn_profile
    atasan = db.session.scalar(select(User).filter_by(email="atasan.kesehatan@demo.surabaya.go.id")).asn_profile
    assert asn.supervisor == atasan
    assert asn.unit.slug == atasan.unit.slug == "dinkes"
    assert atasan.supervisor is not None  # the chain goes up to the head of the unit

    for profile in db.session.scalars(select(AsnProfile)):
        assert normalize_nip(profile.nip) == profile.nip
    assert db.session.scalar(select(func.count(Unit.id))) >= 5


def test_seed_demo_is_idempotent(app, db):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    counts = [db.session.scalar(select(func.count(m.id))) for m in (User, Unit, AsnProfile)]
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0
    assert "tidak ada yang ditambahkan" in second.output
    assert [db.session.scalar(select(func.count(m.id))) for m in (User, Unit, AsnProfile)] == counts


def test_seed_demo_scale_multiplies_citizens(app, db):
    assert app.test_cli_runner().invoke(args=["seed-demo", "--scale", "3"]).exit_code == 0
    citizens = db.session.scalar(select(func.count(User.id)).where(User.email.like("warga%@demo.surabaya.go.id")))
    assert citizens == 3 * 20 + 1


@pytest.mark.app_config(PORTAL_ENV="production")
def test_seed_demo_refuses_in_production(app, db):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "production" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0
