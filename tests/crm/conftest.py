"""A local fake SMS provider speaking Twilio's Messages API, on 127.0.0.1 and a free port."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest


class FakeSmsProvider:
    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.fail_with: int | None = None
        self._lock = threading.Lock()

    def handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                with provider._lock:
                    provider.requests.append(
                        {"path": self.path, "auth": self.headers.get("Authorization"), **form}
                    )
                    number = len(provider.requests)
                if provider.fail_with:
                    self.send_response(provider.fail_with)
                    self.end_headers()
                    self.wfile.write(b'{"message": "provider trouble"}')
                    return
                body = json.dumps({"sid": f"SM{number:032d}", "status": "queued"}).encode()
                self.send_response(201)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        return Handler


@pytest.fixture
def fake_sms(settings):
    provider = FakeSmsProvider()
    server = ThreadingHTTPServer(("127.0.0.1", 0), provider.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_BACKEND = "crm.notifications.backends.TwilioSmsBackend"
    settings.SMS_TWILIO_BASE_URL = f"http://127.0.0.1:{server.server_port}"
    settings.SMS_TWILIO_ACCOUNT_SID = "AC123"
    settings.SMS_TWILIO_AUTH_TOKEN = "secret-token"
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
