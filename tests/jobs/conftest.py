"""Real workers (`flask --app portal worker` processes) and a real SMTP server for the job-queue tests."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.feedback.conftest import submit, world  # noqa: F401  (fixtures reused here)
from tests.smtp_sink import SmtpSink, free_port

SMTP_PORT = free_port()
# What the test app and its worker processes share: database, queue file (instance/jobs-queue.db, the
# default, in the test's own instance folder), SMTP server, quick retries.
WORKER_CONFIG = {"JOBS_IMMEDIATE": False, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": SMTP_PORT,
                 "MAIL_SUPPRESS_SEND": False, "JOBS_RETRY_DELAYS": (0.2, 0.2), "JOBS_POLL_SECONDS": 0.1}


@pytest.fixture
def sink():
    """The SMTP server on SMTP_PORT, not yet started (a test starts it, or leaves it down)."""
    server = SmtpSink(SMTP_PORT)
    yield server
    server.stop()


@pytest.fixture
def workers(app, tmp_path):
    """Start worker processes on the test app's database and queue; they are stopped after the test."""
    started = []
    config_file = Path(app.instance_path) / "config.py"

    def start(count=1):
        config = {key: app.config[key] for key in (
            "DATABASE_URL", "SECRET_KEY", "JOBS_QUEUE_URL", "JOBS_QUEUE_NAME", "JOBS_RETRY_DELAYS", "JOBS_POLL_SECONDS", "MAIL_SERVER",
            "MAIL_PORT", "MAIL_SUPPRESS_SEND", "MAIL_OUTBOX_DIR", "UPLOAD_DIR", "SEARCH_INDEX_DIR", "PUBLIC_BASE_URL")}
        config_file.write_text("".join(f"{key} = {value!r}\n" for key, value in config.items()))
        env = {**os.environ, "PORTAL_INSTANCE_PATH": app.instance_path}
        for _ in range(count):
            log = open(tmp_path / f"worker-{len(started)}.log", "w")  # noqa: SIM115 (closed with the process)
            process = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "portal", "worker", "--threads", "2", "--no-periodic"],
                env=env, stdout=log, stderr=subprocess.STDOUT)
            started.append((process, log))
        return [process for process, _log in started]

    yield start
    for process, log in started:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
