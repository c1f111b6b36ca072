"""A real SMTP server in the test process (aiosmtpd), to see what the portal's workers really send."""

import asyncio
import socket
import threading
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


def free_port():
    """A port nobody listens on now (mail to it is refused until a sink starts there)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpSink:
    """Accepts every mail on 127.0.0.1:port and keeps it; `hold()` makes it stall before answering."""

    def __init__(self, port=None):
        self.port = port or free_port()
        self.messages = []
        self.arrived = threading.Condition()
        self._release = threading.Event()
        self._release.set()
        self._controller = None

    # aiosmtpd calls this for each mail's DATA
    async def handle_DATA(self, _server, _session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        if not self._release.is_set():
            # A slow server: nothing is answered until the test releases it (at most a minute).
            await asyncio.get_running_loop().run_in_executor(None, self._release.wait, 60)
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.arrived:
            self.messages.append(message)
            self.arrived.notify_all()
        return "250 OK"

    def start(self):
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self):
        self._release.set()
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def hold(self):
        """Stall every mail until release(): a server that takes its time."""
        self._release.clear()

    def release(self):
        self._release.set()

    def wait_for_mail_to(self, address, timeout=30):
        """Wait until a mail to this address has arrived; return the mails to it (a hang guard)."""
        with self.arrived:
            self.arrived.wait_for(lambda: any(m["To"] == address for m in self.messages), timeout)
        return [m for m in self.messages if m["To"] == address]

    def wait_for(self, count, timeout=30):
        """Wait until `count` mails have arrived (a guard against a hang, not a timing check)."""
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.messages) >= count, timeout)
        return list(self.messages)
