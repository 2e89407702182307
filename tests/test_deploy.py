"""The production files of `deploy/`: the systemd units, the variables' example, the server's `cchc` wrapper
and the reverse proxy, checked as a server would take them.

- `systemd-analyze verify` on the three units (it checks every directive and that each ExecStart program
  exists and is executable): they name the documented install path `/opt/cchc`, so they are rendered into a
  temporary folder with the checkout's path in its place, where `.venv/bin/…` exists. A control shows that
  verify does refuse a unit whose program is missing, and warns on a misspelled directive.
- The units run as the documented user, in the documented folders, with the variables of the documented
  file, hardened, writing only where the example file puts the data; the Dagster UI listens on 127.0.0.1
  only (it has no login) and the proxy puts a login in front of it; `cchc web`'s command line parses with
  the real parser and believes X-Forwarded-For from the local proxy only.
- The example file loads with the real settings and holds no secret; the wrapper runs `cchc` with that file,
  in the state folder.
- A whole refresh and the web app work with the file system read-only but the units' ReadWritePaths (and a
  private /tmp), in a mount namespace of their own (root and `unshare`).
- `nginx -t` on the proxy's configuration, and a live nginx in front of the web app: a password spray whose
  every try forges another X-Forwarded-For is locked after five; the Dagster UI's side asks for a login,
  passes the WebSocket upgrade and keeps the operator's password to itself.

Skipped, with the reason, where `systemd-analyze`, `nginx`, `openssl` or the namespace is missing.
"""

from __future__ import annotations

import http.server
import json
import os
import pwd
import re
import shlex
import shutil
import socket
import subprocess
import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from dotenv import dotenv_values
from test_web_security import LOCKED, PASSWORD, from_address, log_in, serving

import web.users
from cchc.cli import build_parser
from cchc.web import proxy_addresses
from core.settings import SOURCE_VARIABLES, Settings
from pipelines.definitions import defs
from web.app import create_app
from web.users import UsersFile

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
NGINX_CONF = DEPLOY / "nginx" / "cchc.conf"
ENV_EXAMPLE = DEPLOY / "cchc.env.example"
WRAPPER = DEPLOY / "cchc"

INSTALL, ENV_FILE, STATE, SERVICE_USER = "/opt/cchc", "/etc/cchc/cchc.env", "/var/lib/cchc", "cchc"
WEBSERVER, DAEMON, WEB = "cchc-dagster-webserver.service", "cchc-dagster-daemon.service", "cchc-web.service"

SYSTEMD_ANALYZE = shutil.which("systemd-analyze")
NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)
OPENSSL = shutil.which("openssl")
needs_systemd_analyze = pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed")
needs_nginx = pytest.mark.skipif(NGINX is None or OPENSSL is None, reason="nginx or openssl is not installed")


# --- the units as systemd reads them ----------------------------------------------------------------------

def unit_settings(path: Path) -> dict[str, dict[str, list[str]]]:
    """A unit file's sections, each key with its values in order (a key may be given more than once)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def service(name: str) -> dict[str, list[str]]:
    return unit_settings(DEPLOY / "systemd" / name)["Service"]


def exec_start(name: str) -> list[str]:
    (command,) = service(name)["ExecStart"]
    return shlex.split(command)


def render_units(folder: Path, install: Path) -> list[Path]:
    """The units with `install` for /opt/cchc, as `systemd-analyze verify` must find their programs."""
    folder.mkdir(parents=True, exist_ok=True)
    rendered = []
    for unit in UNITS:
        text = unit.read_text(encoding="utf-8")
        assert INSTALL in text, f"{unit.name} does not name the install path {INSTALL}"
        (folder / unit.name).write_text(text.replace(INSTALL, str(install)), encoding="utf-8")
        rendered.append(folder / unit.name)
    return rendered


def verify(units: list[Path]) -> tuple[int, str]:
    result = subprocess.run([SYSTEMD_ANALYZE, "verify", *map(str, units)], capture_output=True, text=True,
                            timeout=120, env={**os.environ, "SYSTEMD_LOG_COLOR": "0", "SYSTEMD_PAGER": ""})
    return result.returncode, (result.stdout + result.stderr).strip()


def test_there_are_the_three_units():
    assert [u.name for u in UNITS] == sorted([DAEMON, WEBSERVER, WEB])


@needs_systemd_analyze
def test_the_units_pass_systemd_analyze_verify(tmp_path):
    units = render_units(tmp_path / "units", ROOT)
    code, output = verify(units)
    print(f"\n$ systemd-analyze verify {' '.join(u.name for u in units)}  (/opt/cchc = {ROOT})\n"
          f"{output or '(no output)'}\nexit {code}")
    assert code == 0 and output == "", output


@needs_systemd_analyze
def test_verify_refuses_a_missing_program_and_warns_on_a_misspelled_directive(tmp_path):
    # the check above can fail: the same units with nothing at the install path, and one with a typo
    code, output = verify(render_units(tmp_path / "missing", tmp_path / "no-such-install"))
    assert code != 0 and "is not executable" in output, output
    (typo,) = render_units(tmp_path / "typo", ROOT)[:1]
    typo.write_text(typo.read_text(encoding="utf-8").replace("ProtectSystem=", "ProtectSytem="), encoding="utf-8")
    code, output = verify([typo])
    assert "Unknown key" in output and "ProtectSytem" in output, output


HARDENING = {"ProtectSystem": "strict", "NoNewPrivileges": "yes", "PrivateTmp": "yes", "ProtectHome": "yes",
             "PrivateDevices": "yes", "CapabilityBoundingSet": "", "ProtectKernelTunables": "yes",
             "ProtectKernelModules": "yes", "ProtectControlGroups": "yes", "RestrictSUIDSGID": "yes",
             "SystemCallFilter": "@system-service", "UMask": "0027"}


@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.name)
def test_each_unit_runs_as_the_service_user_in_the_documented_folders_hardened(unit):
    sections = unit_settings(unit)
    svc = sections["Service"]
    assert svc["User"] == [SERVICE_USER] and svc["Group"] == [SERVICE_USER]
    assert svc["EnvironmentFile"] == [ENV_FILE]
    assert svc["WorkingDirectory"] == [STATE]
    assert svc["Restart"] == ["on-failure"]
    (command,) = svc["ExecStart"]
    assert command.startswith(f"{INSTALL}/.venv/bin/")
    for key, value in HARDENING.items():
        assert svc.get(key) == [value], f"{unit.name}: {key}={value} expected, found {svc.get(key)}"
    assert sections["Install"]["WantedBy"] == ["multi-user.target"]


def test_only_the_dagster_units_write_and_only_where_the_example_puts_the_data():
    values = dotenv_values(ENV_EXAMPLE)
    data = {str(Path(values["CCHC_WAREHOUSE"]).parent), values["DAGSTER_HOME"]}
    assert data == {f"{STATE}/warehouse", f"{STATE}/dagster_home"}
    for name in (DAEMON, WEBSERVER):
        (paths,) = service(name)["ReadWritePaths"]
        assert set(paths.split()) == data, name
    assert "ReadWritePaths" not in service(WEB), "the web app only reads"


def test_the_dagster_ui_listens_on_loopback_only_and_the_daemon_runs_the_schedules():
    argv = exec_start(WEBSERVER)
    assert Path(argv[0]).name == "dagster-webserver"
    assert argv[argv.index("-h") + 1] == "127.0.0.1", "the Dagster UI has no login: never 0.0.0.0"
    assert argv[argv.index("-m") + 1] == "pipelines.definitions"
    assert exec_start(DAEMON) == [f"{INSTALL}/.venv/bin/dagster-daemon", "run", "-m", "pipelines.definitions"]
    # what the daemon unit and the README say it fires
    schedules = {s.name: (s.cron_schedule, s.execution_timezone, s.job_name) for s in defs.schedules}
    assert schedules == {"nightly_refresh": ("0 2 * * *", "Asia/Ho_Chi_Minh", "refresh"),
                         "weekly_reconcile": ("0 3 * * 0", "Asia/Ho_Chi_Minh", "reconcile")}


def test_the_web_unit_runs_cchc_web_behind_the_local_proxy():
    argv = exec_start(WEB)
    assert argv[0] == f"{INSTALL}/.venv/bin/cchc"
    args = build_parser().parse_args(argv[1:])
    assert (args.command, args.host, args.secure_cookies) == ("web", "127.0.0.1", True)
    assert proxy_addresses(args.forwarded_allow_ips) == ["127.0.0.1"]
    assert service(WEB)["IPAddressAllow"] == ["localhost"] and service(WEB)["IPAddressDeny"] == ["any"]


# --- the reverse proxy's configuration, read --------------------------------------------------------------

def server_blocks(text: str) -> list[str]:
    """The text of each top-level `server { … }` block."""
    blocks, depth, start = [], 0, None
    for match in re.finditer(r"(?m)^server\s*\{|\{|\}", text):
        if match.group(0).startswith("server"):
            start, depth = match.start(), 1
            continue
        if start is None:
            continue
        depth += 1 if match.group(0) == "{" else -1
        if depth == 0:
            blocks.append(text[start:match.end()])
            start = None
    return blocks


def block_proxying(port: int) -> str:
    (block,) = [b for b in server_blocks(NGINX_CONF.read_text(encoding="utf-8"))
                if f"proxy_pass http://127.0.0.1:{port};" in b]
    return block


def test_the_proxy_passes_the_client_address_to_the_web_app_and_a_login_to_the_dagster_ui():
    web_port = build_parser().parse_args(exec_start(WEB)[1:]).port
    dagster = exec_start(WEBSERVER)
    web_block, dagster_block = block_proxying(web_port), block_proxying(int(dagster[dagster.index("-p") + 1]))
    for block in (web_block, dagster_block):
        assert "ssl_certificate " in block and re.search(r"listen \d+ ssl;", block)
        assert "proxy_set_header X-Forwarded-For $remote_addr;" in block  # the client's, never what it sent
    assert "auth_basic_user_file" in dagster_block and "auth_basic_user_file" not in web_block
    assert 'proxy_set_header Authorization "";' in dagster_block


# --- the variables and the wrapper -------------------------------------------------------------------------

SAFE_LINE = re.compile(r"#?[A-Z][A-Z0-9_]*=[^\s'\"#$\\`]+")  # what systemd and python-dotenv read alike


def test_the_example_file_loads_with_the_real_settings_and_holds_no_secret(tmp_path):
    lines = [line for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
             if line and (not line.startswith("#") or SAFE_LINE.fullmatch(line))]
    assert all(SAFE_LINE.fullmatch(line) for line in lines), [x for x in lines if not SAFE_LINE.fullmatch(x)]
    values = dotenv_values(ENV_EXAMPLE)
    assert set(SOURCE_VARIABLES) <= set(values), "all four source variables, or the services run the demo"
    settings = Settings.from_env(env=values, dotenv_path=tmp_path / "none")
    assert settings.sources_configured and settings.simulated_city is None
    assert settings.warehouse == Path(f"{STATE}/warehouse/cchc.duckdb")
    assert settings.inspections_dir == Path("/srv/cchc/so-theo-doi")
    # every optional line, uncommented, loads too (the alerts' variables are checked together)
    everything = {name: value for name, value in (line.lstrip("#").split("=", 1) for line in lines)}
    full = Settings.from_env(env=everything, dotenv_path=tmp_path / "none")
    assert full.alert is not None and full.calendar_file == Path("/etc/cchc/lich-nghi.csv")
    secrets = {name: value for name, value in everything.items() if re.search(r"SECRET|PASSWORD|_DB_URL", name)}
    assert secrets and all("CHANGE-ME" in value for value in secrets.values()), secrets
    hosts = re.findall(r"(?:https?://|@)([a-z0-9.-]+)", " ".join(everything.values()))
    assert hosts and all(host.endswith(".example") or host == "example" for host in hosts), hosts


def test_every_variable_of_the_example_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Configuration"):readme.index("## The web app")]
    names = re.findall(r"^#?([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(encoding="utf-8"), re.M)
    assert names and all(f"`{name}`" in table for name in names), [n for n in names if f"`{n}`" not in table]


def test_the_wrapper_runs_cchc_as_the_services_do(tmp_path):
    """`deploy/cchc` with this checkout for /opt/cchc, a file of its own for /etc/cchc/cchc.env, a folder for
    /var/lib/cchc and this test's user for `cchc`: the file's variables reach cchc (the account lands in its
    warehouse folder, over a caller's variable), and it runs in the state folder."""
    state, warehouse = tmp_path / "state", tmp_path / "warehouse"
    state.mkdir()
    env_file = tmp_path / "cchc.env"
    env_file.write_text(f"CCHC_WAREHOUSE={warehouse}/cchc.duckdb\nDAGSTER_HOME={tmp_path}/dagster_home\n",
                        encoding="utf-8")
    text = WRAPPER.read_text(encoding="utf-8")
    for name, value in (("INSTALL", ROOT), ("ENV_FILE", env_file), ("STATE", state),
                        ("SERVICE_USER", pwd.getpwuid(os.geteuid()).pw_name)):
        text, count = re.subn(rf"(?m)^{name}=.*$", f"{name}={value}", text)
        assert count == 1, name
    wrapper = tmp_path / "cchc"
    wrapper.write_text(text, encoding="utf-8")
    wrapper.chmod(0o755)
    assert subprocess.run(["sh", "-n", str(WRAPPER)]).returncode == 0
    caller = {**os.environ, "CCHC_WAREHOUSE": str(tmp_path / "elsewhere" / "cchc.duckdb")}
    added = subprocess.run([str(wrapper), "users", "add", "thanhtra1", "--role", "thanh-tra"], env=caller,
                           input="mat-khau-dai-1\n", capture_output=True, text=True, timeout=120)
    assert added.returncode == 0, added.stderr
    assert UsersFile(warehouse / "web-users.json").list()[0].login == "thanhtra1"
    assert not (tmp_path / "elsewhere").exists()
    template = subprocess.run([str(wrapper), "inspections", "template", "so-theo-doi.xlsx"], env=caller,
                              capture_output=True, text=True, timeout=120)
    assert template.returncode == 0, template.stderr
    assert (state / "so-theo-doi.xlsx").is_file()


# --- the reverse proxy, live ---------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def openssl(*args: str) -> str:
    return subprocess.run([OPENSSL, *args], capture_output=True, text=True, check=True, timeout=60).stdout


class Proxy:
    """deploy/nginx/cchc.conf made runnable here: loopback ports for 80, 443 and 8443, a certificate of its own
    for cchc.example and 127.0.0.1, an operators' password file, the two services' ports."""

    def __init__(self, folder: Path, web_port: int, dagster_port: int):
        self.folder = folder
        self.http, self.https, self.dagster = free_port(), free_port(), free_port()
        self.cert, key, self.htpasswd = folder / "cert.pem", folder / "key.pem", folder / "cchc-dagster.htpasswd"
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=cchc.example",
                "-addext", "subjectAltName=DNS:cchc.example,IP:127.0.0.1", "-keyout", str(key), "-out", str(self.cert))
        self.htpasswd.write_text(f"ops1:{openssl('passwd', '-6', 'mat-khau-van-hanh').strip()}\n", encoding="utf-8")
        text = NGINX_CONF.read_text(encoding="utf-8")
        text = re.sub(r"(?m)^\s*listen \[::\]:.*\n", "", text)  # IPv6 may be absent here
        for old, new, times in (
                ("listen 80;", f"listen 127.0.0.1:{self.http};", 1),
                ("listen 443 ssl;", f"listen 127.0.0.1:{self.https} ssl;", 1),
                ("listen 8443 ssl;", f"listen 127.0.0.1:{self.dagster} ssl;", 1),
                ("/etc/ssl/cchc/fullchain.pem", str(self.cert), 2), ("/etc/ssl/cchc/privkey.pem", str(key), 2),
                ("/etc/nginx/cchc-dagster.htpasswd", str(self.htpasswd), 1),
                ("proxy_pass http://127.0.0.1:8080;", f"proxy_pass http://127.0.0.1:{web_port};", 1),
                ("proxy_pass http://127.0.0.1:3000;", f"proxy_pass http://127.0.0.1:{dagster_port};", 1)):
            assert text.count(old) >= times, f"{old} is not in {NGINX_CONF.name} as the test expects"
            text = text.replace(old, new)
        (folder / "cchc.conf").write_text(text, encoding="utf-8")
        user = "user root;\n" if os.geteuid() == 0 else ""  # the workers read the password file in this folder
        temp = " ".join(f"{kind}_temp_path {folder}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                        "scgi"))
        self.conf = folder / "nginx.conf"
        self.conf.write_text(f"{user}worker_processes 1;\npid {folder}/nginx.pid;\nevents {{ worker_connections 64; }}\n"
                             f"http {{\n  access_log off;\n  {temp}\n  include {folder}/cchc.conf;\n}}\n",
                             encoding="utf-8")

    def command(self, *extra: str) -> list[str]:
        return [NGINX, "-p", str(self.folder), "-c", str(self.conf), "-e", "stderr", *extra]

    @contextmanager
    def running(self):
        process = subprocess.Popen(self.command("-g", "daemon off;"), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True)
        try:
            deadline = time.monotonic() + 15
            while not _listening(self.https) or not _listening(self.dagster):
                assert process.poll() is None, f"nginx stopped: {process.stdout.read()}"
                assert time.monotonic() < deadline, "nginx did not start listening"
                time.sleep(0.05)
            yield self
        finally:
            process.terminate()
            process.wait(10)


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def echo_server():
    """A stand-in for the Dagster UI: answers every request with the headers it was sent, as JSON."""

    class Echo(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the name http.server calls
            body = json.dumps({k.lower(): v for k, v in self.headers.items()}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@needs_nginx
def test_nginx_accepts_the_proxy_configuration(tmp_path):
    proxy = Proxy(tmp_path, free_port(), free_port())
    result = subprocess.run(proxy.command("-t"), capture_output=True, text=True, timeout=60)
    print(f"\n$ nginx -t  ({NGINX_CONF.relative_to(ROOT)}, ports and certificate made local)\n{result.stderr.strip()}")
    assert result.returncode == 0 and "test is successful" in result.stderr, result.stderr


@needs_nginx
@pytest.mark.e2e
def test_through_the_proxy_a_forged_forwarded_address_does_not_escape_the_login_lock(tmp_path, monkeypatch):
    from argon2 import PasswordHasher

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(web.users, "_HASHER", cheap)
    monkeypatch.setattr(web.users, "_DUMMY", cheap.hash("not a password of anyone"))
    users = tmp_path / "web-users.json"
    UsersFile(users).add("thanhtra1", "thanh-tra", PASSWORD)
    app = create_app(tmp_path / "cchc.duckdb", users, secure_cookies=True)  # as the unit runs it
    web_args = build_parser().parse_args(exec_start(WEB)[1:])
    with (serving(app, proxy_addresses(web_args.forwarded_allow_ips)) as web_url, echo_server() as dagster_port):
        (tmp_path / "nginx").mkdir()
        proxy = Proxy(tmp_path / "nginx", int(web_url.rsplit(":", 1)[1]), dagster_port)
        with proxy.running():
            base = f"https://127.0.0.1:{proxy.https}"

            def attempt(login: str, password: str, forged: str) -> requests.Response:
                session = requests.Session()
                session.trust_env = False  # REQUESTS_CA_BUNDLE would win over the session's own certificate
                session.verify = str(proxy.cert)
                return log_in(base, login, password, session=session, headers=from_address(forged))[1]

            answers = [attempt(f"khong-co-{i}", f"sai-mat-khau-{i}", f"203.0.113.{i + 1}").status_code
                       for i in range(6)]
            assert answers == [401] * 5 + [429], "each try named another client; the proxy told the truth"
            locked = attempt("thanhtra1", PASSWORD, "198.51.100.7")
            assert locked.status_code == 429 and LOCKED in locked.text
            assert locked.headers["strict-transport-security"].startswith("max-age=")

            plain = requests.get(f"http://127.0.0.1:{proxy.http}/uu-tien", allow_redirects=False, timeout=10)
            assert plain.status_code == 301 and plain.headers["location"].startswith("https://")

            ui = f"https://127.0.0.1:{proxy.dagster}/graphql"
            refused = requests.get(ui, verify=str(proxy.cert), timeout=10)
            assert refused.status_code == 401 and refused.headers["www-authenticate"].startswith("Basic")
            seen = requests.get(ui, verify=str(proxy.cert), auth=("ops1", "mat-khau-van-hanh"), timeout=10,
                                headers={"X-Forwarded-For": "203.0.113.99", "Upgrade": "websocket",
                                         "Connection": "Upgrade"})
            assert seen.status_code == 200, seen.text
            headers = seen.json()
            assert headers["x-forwarded-for"] == "127.0.0.1" and headers["x-forwarded-proto"] == "https"
            assert headers["upgrade"] == "websocket" and headers["connection"] == "upgrade"
            assert "authorization" not in headers, "the operator's password stays with the proxy"


# --- what the hardening leaves writable is enough -------------------------------------------------------------

UNSHARE = shutil.which("unshare")


def _can_sandbox() -> bool:
    if UNSHARE is None or os.geteuid() != 0:
        return False
    probe = subprocess.run([UNSHARE, "--mount", "--propagation", "private", "sh", "-c", "mount -o remount,bind,ro /"],
                           capture_output=True, timeout=30)
    return probe.returncode == 0


needs_sandbox = pytest.mark.skipif(not _can_sandbox(), reason="needs root and unshare for a mount namespace")


def sandboxed(writable: list[Path], command: list[str], cwd: Path) -> list[str]:
    """`command` as ProtectSystem=strict runs it: in a mount namespace of its own, the whole file system
    read-only but `writable` (ReadWritePaths=, and the stand-in for PrivateTmp's /tmp, given as TMPDIR)."""
    binds = "".join(f'mount --bind "{p}" "{p}"\n' for p in writable)
    script = f'set -e\n{binds}mount -o remount,bind,ro /\ncd "{cwd}"\nexec "$@"\n'
    return [UNSHARE, "--mount", "--propagation", "private", "sh", "-c", script, "sandboxed", *command]


@needs_sandbox
@pytest.mark.e2e
def test_a_refresh_and_the_web_app_need_no_more_than_the_units_let_them_write(tmp_path):
    """The daemon's runs write the warehouse and DAGSTER_HOME only (its ReadWritePaths), the web app nothing but
    its private /tmp: a whole refresh (the demo city, its last days) and every kind of page, the .xlsx brief
    included, work in a namespace where everything else is read-only."""
    from core import clock

    (paths,) = service(DAEMON)["ReadWritePaths"]
    folders = {path: tmp_path / Path(path).name for path in paths.split()}
    private_tmp, cwd = tmp_path / "tmp", tmp_path / "state"
    for folder in [*folders.values(), private_tmp, cwd]:
        folder.mkdir()
    warehouse, home = folders[f"{STATE}/warehouse"], folders[f"{STATE}/dagster_home"]
    shutil.copy(ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("CCHC_") or k == "CCHC_CLOCK"},
           "CCHC_WAREHOUSE": str(warehouse / "cchc.duckdb"), "DAGSTER_HOME": str(home), "TMPDIR": str(private_tmp),
           "CCHC_SYNC_START": (clock.today() - timedelta(days=10)).isoformat()}
    cchc = str(ROOT / ".venv" / "bin" / "cchc")

    escaped = subprocess.run(sandboxed([*folders.values(), private_tmp], ["touch", str(ROOT / "written")], cwd),
                             capture_output=True, text=True, timeout=60)
    assert escaped.returncode != 0 and "Read-only file system" in escaped.stderr, "the sandbox must hold"

    refresh = subprocess.run(sandboxed([*folders.values(), private_tmp], [cchc, "refresh"], cwd), env=env,
                             capture_output=True, text=True, timeout=600)
    assert refresh.returncode == 0, refresh.stdout[-2000:] + refresh.stderr[-2000:]
    assert (warehouse / "cchc.duckdb").is_file()

    UsersFile(warehouse / "web-users.json").add("thanhtra1", "thanh-tra", PASSWORD)
    port = free_port()
    web = subprocess.Popen(sandboxed([private_tmp], [cchc, "web", "--port", str(port)], cwd), env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while not _listening(port):
            assert web.poll() is None, web.stdout.read()
            assert time.monotonic() < deadline, "cchc web did not start"
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        session = requests.Session()
        session.trust_env = False
        assert log_in(base, "thanhtra1", PASSWORD, session=session)[1].status_code == 303
        ranking = session.get(f"{base}/uu-tien", timeout=30)
        code = re.search(r"/don-vi/([0-9.]+H26)", ranking.text).group(1)
        for path in ("/", "/chi-so", f"/don-vi/{code}", f"/don-vi/{code}/in"):
            assert session.get(f"{base}{path}", timeout=30).status_code == 200, path
        brief = session.get(f"{base}/don-vi/{code}/bao-cao.xlsx", timeout=60)
        assert brief.status_code == 200 and brief.content[:2] == b"PK", "the brief is written in the private /tmp"
    finally:
        web.terminate()
        web.wait(10)
