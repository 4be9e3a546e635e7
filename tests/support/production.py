"""What tests/config/test_production_recipe.py needs to start Procfile.production as a
process manager would, and to talk to its web processes as the TLS proxy in front does."""
import html
import os
import re
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests
from honcho.environ import parse, parse_procfile
from requests.adapters import HTTPAdapter

BASE_DIR = Path(__file__).resolve().parents[2]
RECIPE = BASE_DIR / "Procfile.production"
ENV_EXAMPLE = BASE_DIR / "deploy" / "production.env.example"
# What a service manager passes on from its own environment; the rest is the recipe's.
PASSED_ON = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ")
REQUEST_TIMEOUT = 10


def recipe_processes() -> dict[str, str]:
    """Procfile.production's lines, by process type, read as honcho reads them."""
    return dict(parse_procfile(RECIPE.read_text()).processes)


def recipe_environ() -> dict[str, str]:
    """deploy/production.env.example's variables, read as honcho reads an .env file."""
    return parse(ENV_EXAMPLE.read_text())


def wait_until(check: Callable, *, timeout: float, what: str, every: float = 0.25,
               report: Callable[[], str] = lambda: ""):
    """check()'s first true answer, asked every `every` s for at most `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout:.0f} s\n{report()}")
        time.sleep(every)


class Processes:
    """Processes started from the recipe's lines, each through /bin/sh as honcho and
    foreman run them, in a process group of its own and with its own log file."""

    def __init__(self, log_dir: Path):
        self.log_dir, self.started = log_dir, {}

    def start(self, name: str, command: str, env: dict[str, str]) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}.log", "w")  # noqa: SIM115 - closed in stop()
        process = subprocess.Popen(["/bin/sh", "-c", f"exec {command}"], cwd=BASE_DIR, env=env,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.started[name] = (process, log)
        return process

    def log(self, name: str, tail: int = 4000) -> str:
        return (self.log_dir / f"{name}.log").read_text(errors="replace")[-tail:]

    def dead(self) -> list[str]:
        return [name for name, (process, _log) in self.started.items()
                if process.poll() is not None]

    def report(self, names=None) -> str:
        return "\n".join(f"--- {name} (exit {self.started[name][0].poll()}) ---\n{self.log(name)}"
                         for name in names or self.started)

    def stop(self) -> None:
        """SIGTERM to every group (a warm shutdown), SIGKILL to what is left after 20 s."""
        for process, _log in self.started.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process, log in self.started.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
            try:  # the group's other members (pool children) too, if any outlived it
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            log.close()


class _Proxy(HTTPAdapter):
    """The TLS proxy's hop: https://<public host>/... goes to one web process over plain
    HTTP, with the public host name, X-Forwarded-Proto: https and the client's address
    appended to X-Forwarded-For (KOTAE_PROXY_COUNT=1)."""

    def __init__(self, port: int, client_address: str):
        super().__init__()
        self.port, self.client_address = port, client_address

    def send(self, request, **kwargs):
        public = urlsplit(request.url)
        hop = request.copy()
        hop.url = urlunsplit(("http", f"127.0.0.1:{self.port}", public.path, public.query, ""))
        hop.headers.update({"Host": public.netloc, "X-Forwarded-Proto": "https",
                            "X-Forwarded-For": self.client_address})
        return super().send(hop, **kwargs)


class ThroughTheProxy(requests.Session):
    """A browser (or a filing agent's program) reaching one web process through the TLS
    proxy. The production settings stay as they are: the HTTPS redirect, Secure cookies,
    CSRF's origin check."""

    def __init__(self, port: int, host: str, client_address: str = "203.0.113.7"):
        super().__init__()
        self.host, self.proxy = host, _Proxy(port, client_address)
        self.mount(f"https://{host}/", self.proxy)

    def via(self, port: int) -> "ThroughTheProxy":
        """The same browser, sent to another web process (as a load balancer may)."""
        self.proxy.port = port
        return self

    def request(self, method, url, **kwargs):
        kwargs.setdefault("timeout", REQUEST_TIMEOUT)
        kwargs["allow_redirects"] = False  # every caller checks the answer itself
        if method.upper() == "POST":  # what a browser sends with a form, for CSRF's check
            kwargs["headers"] = {"Origin": f"https://{self.host}",
                                 "Referer": f"https://{self.host}{url}",
                                 **kwargs.get("headers", {})}
        return super().request(method, f"https://{self.host}{url}", **kwargs)

    def csrf_token(self, path: str) -> str:
        page = self.get(path)
        assert page.status_code == 200, (path, page.status_code)
        return self.cookies["csrftoken"]

    def post_form(self, path: str, data: dict, files=None) -> requests.Response:
        """GET the form (for its CSRF cookie), then POST it as the browser would."""
        token = self.csrf_token(path)
        return self.post(path, data={**data, "csrfmiddlewaretoken": token}, files=files)


def text_of(page: requests.Response, pattern: str) -> str:
    found = re.search(pattern, page.text)
    assert found, f"{pattern!r} not on the page ({page.status_code})"
    return html.unescape(found.group(1))
