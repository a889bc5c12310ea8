"""A frontend on loopback that receives webhooks and verifies them the way a real one would:
with the `standardwebhooks` library, not with any code of ours."""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    verified: bool
    at: float

    @property
    def event(self):
        return json.loads(self.body)

    @property
    def webhook_id(self):
        return self.headers["webhook-id"]

    def verified_by(self, secret):
        try:
            Webhook(secret).verify(self.body, self.headers)
        except WebhookVerificationError:
            return False
        return True


@dataclass
class Receiver:
    secrets: list[str] = field(default_factory=list)  # what it verifies with
    status: int = 204  # what it answers
    delay: float = 0.0  # seconds before answering
    location: str = ""  # a redirect it answers with, if any
    received: list[Received] = field(default_factory=list)

    def start(self, port=0):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {name.lower(): value for name, value in self.headers.items()}
                receiver.received.append(
                    Received(headers, body, receiver.verifies(body, headers), time.monotonic())
                )
                time.sleep(receiver.delay)
                self.send_response(receiver.status)
                if receiver.location:
                    self.send_header("Location", receiver.location)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_port}/hooks/cms"

    def verifies(self, body, headers):
        for secret in self.secrets:
            try:
                Webhook(secret).verify(body, headers)
                return True
            except (WebhookVerificationError, ValueError):  # a wrong or malformed signature
                continue
        return False

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
