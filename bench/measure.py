"""Measuring over HTTP: gunicorn serving a tree of the shop, wrk, and a guest's browser."""

import os
import re
import subprocess
import sys
import time
import urllib.parse
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from pathlib import Path

from plan import BARE

PORT = int(os.environ.get("BENCH_PORT", "8011"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def knob(name: str, default: int) -> int:
    """An environment knob whose default depends on the mode (e.g. BENCH_DURATION, BENCH_RUNS)."""
    return int(os.environ.get(name) or default)


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * UNITS[unit]


def wrk(url: str, cookie: str, *, port: int = PORT, duration: int) -> dict:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{duration}s", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{url}"], capture_output=True, text=True, check=True
    ).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        "requests": int(re.search(r"(\d+) requests in", output)[1]),
        "p50_ms": _ms(re.search(r"\s50%\s+([\d.]+\w+)", output)[1]),
        "p99_ms": _ms(re.search(r"\s99%\s+([\d.]+\w+)", output)[1]),
        "errors": int(non_2xx[1]) if non_2xx else 0,
    }


class Browser:
    """A visitor's browser: one connection a request, cookies kept."""

    def __init__(self, port: int = PORT, cookie: str = "") -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        if cookie:
            name, value = cookie.split("=", 1)
            self.cookies[name] = value

    def request(self, method: str, url: str, form: dict | None = None) -> tuple[int, str]:
        conn = HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{url}"
        conn.request(method, url, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        conn.close()
        return response.status, text


def serve(root: Path, port: int = PORT, env: dict | None = None) -> subprocess.Popen:
    """`gunicorn shop.wsgi --workers 2` (sync) serving the tree at `root` on 127.0.0.1:port."""
    environment = {**os.environ, **(env or {}), "PYTHONPATH": str(root)}
    # The server must run the code of `root`, not whatever the virtualenv installed.
    where = subprocess.run(
        [sys.executable, "-c", "import shop; print(shop.__file__)"],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not Path(where).resolve().is_relative_to(root.resolve()):
        raise SystemExit(f"the server for {root} would import shop from {where}")
    command = [sys.executable, "-m", "gunicorn", "shop.wsgi", "--workers", "2"]
    server = subprocess.Popen(
        [*command, "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=root,
        env=environment,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if Browser(port).request("GET", BARE)[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"gunicorn did not start on port {port}")


def cpu_seconds(server: subprocess.Popen) -> float:
    """CPU time (user and system) the server's master and workers have used so far.

    Requests per second follow whatever else the machine runs; the CPU a worker spends on a
    request much less so (the database's and Redis's share is not in it)."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process has gone
            continue
        pid = int(stat.parent.name)
        if pid == server.pid or int(fields[1]) == server.pid:  # fields[1]: the parent's pid
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=30)


def warm(rows: list[tuple[str, str, str]], cookies: dict, port: int = PORT) -> None:
    """Ask every page twice (thumbnails made, caches filled); stop unless each answers 200 (204:
    the chat poll's "nothing new")."""
    for label, url, who in rows:
        browser = Browser(port, cookies[who])
        for _ in range(2):
            status, _page = browser.request("GET", url)
            if status not in (200, 204):
                raise SystemExit(f"{label} ({who}) answered {status} on port {port}: {url}")
