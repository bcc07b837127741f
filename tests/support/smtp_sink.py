"""A tiny in-process SMTP server that keeps what it receives (aiosmtpd is not a dependency).

Speaks just enough SMTP for smtplib: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT. Addresses listed
in `refuse`, or containing `refuse_containing`, are rejected at RCPT with 550, so a refusal path can be
tested too. `hold` makes every MAIL wait (a slow server); `drop_after` drops the connection once that many
messages are kept (a server failing part-way).
"""

from __future__ import annotations

import email
import socketserver
import threading
from dataclasses import dataclass, field
from email.message import Message


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message(self) -> Message:
        return email.message_from_bytes(self.data)


@dataclass
class SmtpSink:
    messages: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    refuse_containing: str | None = None
    hold: threading.Event | None = None
    drop_after: int | None = None
    host: str = "127.0.0.1"
    port: int = 0
    _server: socketserver.ThreadingTCPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> SmtpSink:
        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        server.sink = self  # type: ignore[attr-defined]
        self._server, self.port = server, server.server_address[1]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def refuses(self, address: str) -> bool:
        return address in self.refuse or bool(self.refuse_containing and self.refuse_containing in address)

    def accepts_mail(self) -> bool:
        """False drops the connection; a held sink waits first."""
        if self.drop_after is not None and len(self.messages) >= self.drop_after:
            return False
        if self.hold is not None:
            self.hold.wait(timeout=20)
        return True

    def keep(self, received: Received) -> None:
        with self._lock:
            self.messages.append(received)


def _address(argument: str) -> str:
    return argument.split(":", 1)[1].strip().split()[0].strip("<>")


class _Handler(socketserver.StreamRequestHandler):
    def reply(self, text: str) -> None:
        self.wfile.write(text.encode("ascii") + b"\r\n")

    def handle(self) -> None:
        self.sink: SmtpSink = self.server.sink  # type: ignore[attr-defined]
        self.sender, self.recipients = "", []
        self.reply("220 sink ready")
        while line := self.rfile.readline():
            verb, _, argument = line.decode("utf-8", "replace").strip().partition(" ")
            if not self._command(verb.upper(), argument):
                return

    def _command(self, verb: str, argument: str) -> bool:
        """Answer one command; False ends the connection."""
        if verb == "MAIL":
            if not self.sink.accepts_mail():
                return False
            self.sender, self.recipients = _address(argument), []
            self.reply("250 ok")
        elif verb == "RCPT":
            self._recipient(_address(argument))
        elif verb == "DATA":
            self.reply("354 end with .")
            self.sink.keep(Received(self.sender, self.recipients, self._data()))
            self.reply("250 queued")
        elif verb == "QUIT":
            self.reply("221 bye")
            return False
        else:
            self._simple(verb)
        return True

    def _recipient(self, address: str) -> None:
        if self.sink.refuses(address):
            self.reply("550 no such mailbox")
        else:
            self.recipients.append(address)
            self.reply("250 ok")

    def _simple(self, verb: str) -> None:
        if verb == "EHLO":
            self.reply("250-sink\r\n250 8BITMIME")
        elif verb == "RSET":
            self.sender, self.recipients = "", []
            self.reply("250 ok")
        elif verb in ("HELO", "NOOP"):
            self.reply("250 ok")
        else:
            self.reply("502 not implemented")

    def _data(self) -> bytes:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)
