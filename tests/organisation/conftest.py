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


@pytest.fixture
def write_csv(tmp_path):
    """Write CSV text (or bytes) to a file and return its path."""

    def write(content, name="asn.csv"):
        path = tmp_path / name
        if isinstance(content, str):
            content = content.encode("utf-8")
        path.write_bytes(content)
        return path

    return write
