import pytest


@pytest.fixture
def admin(make_user):
    """An HR admin (BKPSDM) account."""
    return make_user(name="Admin BKPSDM", roles=("warga", "admin"))


@pytest.fixture
def admin_client(client, login, admin):
    """The test client, signed in as the admin."""
    login(admin)
    return client
