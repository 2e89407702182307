"""The e-mail about a failed refresh (pipelines/alerts.py), received by a local SMTP sink: Vietnamese
subject and body in UTF-8, one line per failure, the run id, what the published file still shows; no
secret; a mail server that fails is logged without the password and never raised."""

from __future__ import annotations

import base64
import io
import logging
import socketserver
import threading
import time
from datetime import datetime
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from test_connector_http import closed_port

from connectors.http import BREAKERS
from core.errors import ConfigError, SourceError
from core.settings import AlertSettings, Settings
from pipeline_support import SECRET, refreshed_city
from pipelines.alerts import Published, failure_message, read_published, send_failure_alert
from pipelines.health import failure_sensor
from pipelines.run import refresh as run_refresh

CLIENT_SECRET = "S3cret-Marker-ALERT-61"
SMTP_PASSWORD = "Smtp-Pa55-Marker-61"
DB_PASSWORD = "Db-Pa55-Marker-61"
FAILURES = {
    "qlvb": "qlvb /qlvb/v1/van-ban: the gateway at http://10.0.0.5:8443 refused the connection (3 attempts in 7.0 s). "
            "Check CCHC_LGSP_URL and that the LGSP is up.",
    "motcua": "motcua /motcua/v1/ho-so: no good answer after 8 attempts (last: HTTP 503 gateway fault). The gateway "
              "is unavailable or overloaded: run again later; if it persists, contact the LGSP operator.",
}


class SmtpSink(socketserver.ThreadingTCPServer):
    """A tiny SMTP server on 127.0.0.1, port 0: EHLO/HELO, AUTH PLAIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT.
    Keeps each message as (sender, recipients, raw bytes) and each login as (user, password);
    `refuse_login` answers AUTH with 535."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, refuse_login: bool = False):
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.logins: list[tuple[str, str]] = []
        self.refuse_login = refuse_login
        super().__init__(("127.0.0.1", 0), _SmtpSession)
        threading.Thread(target=self.serve_forever, args=(0.02,), daemon=True).start()

    @property
    def port(self) -> int:
        return self.server_address[1]

    def __enter__(self) -> SmtpSink:
        return self

    def __exit__(self, *exc_info) -> None:
        self.shutdown()
        self.server_close()


class _SmtpSession(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        sink: SmtpSink = self.server
        sender, recipients = None, []
        self.reply("220 sink.test ESMTP ready")
        while line := self.rfile.readline():
            command, _, argument = line.decode("ascii").rstrip("\r\n").partition(" ")
            verb = command.upper()
            if verb == "EHLO":
                self.wfile.write(b"250-sink.test\r\n250-AUTH PLAIN\r\n250-8BITMIME\r\n250 SIZE 1000000\r\n")
            elif verb == "HELO":
                self.reply("250 sink.test")
            elif verb == "AUTH":
                mechanism, _, initial = argument.partition(" ")
                if mechanism.upper() != "PLAIN":
                    self.reply("504 unrecognised authentication type")
                    continue
                if not initial:
                    self.reply("334 ")
                    initial = self.rfile.readline().decode("ascii").strip()
                _authzid, user, password = base64.b64decode(initial).decode().split("\0")
                sink.logins.append((user, password))
                self.reply("535 5.7.8 authentication credentials invalid" if sink.refuse_login
                           else "235 2.7.0 authentication successful")
            elif verb == "MAIL":
                sender, recipients = argument.partition(":")[2].split()[0].strip("<>"), []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(argument.partition(":")[2].strip().strip("<>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 end data with <CR><LF>.<CR><LF>")
                data = bytearray()
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk[1:] if chunk.startswith(b"..") else chunk  # undo dot-stuffing
                sink.messages.append((sender, recipients, bytes(data)))
                self.reply("250 OK queued")
            elif verb in ("RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 command not implemented")


def alert_env(sink_port: int) -> dict[str, str]:
    return {
        "CCHC_ALERT_SMTP_HOST": "127.0.0.1", "CCHC_ALERT_SMTP_PORT": str(sink_port),
        "CCHC_ALERT_SMTP_USER": "cchc-alerts", "CCHC_ALERT_SMTP_PASSWORD": SMTP_PASSWORD,
        "CCHC_ALERT_SMTP_STARTTLS": "false",
        "CCHC_ALERT_FROM": "cchc@hanoi.example", "CCHC_ALERT_TO": "thanhtra@hanoi.example, vanhanh@hanoi.example",
    }


def env_for(sink_port: int, warehouse: Path, **extra: str) -> dict[str, str]:
    return {
        "CCHC_LGSP_URL": "http://10.0.0.5:8443/lgsp", "CCHC_LGSP_CLIENT_ID": "inspection-team",
        "CCHC_LGSP_CLIENT_SECRET": CLIENT_SECRET,
        "CCHC_DONTHU_DB_URL": f"postgresql+psycopg://reader:{DB_PASSWORD}@db.thanhtra.example/donthu",
        "CCHC_WAREHOUSE": str(warehouse), **alert_env(sink_port), **extra,
    }


def published_file(path: Path) -> Path:
    """A published file as the pipeline leaves it: a publication row and source_health."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute("CREATE TABLE marts.publication AS SELECT 'DỮ LIỆU THẬT' AS data_kind, false AS simulated, "
                    "DATE '2026-12-01' AS as_of, TIMESTAMP '2026-12-01 02:14:00' AS built_at")
        con.execute("CREATE TABLE marts.source_health (system TEXT, last_success_at TIMESTAMP, title_vi TEXT, "
                    "sort_order INTEGER)")
        con.execute("INSERT INTO marts.source_health VALUES "
                    "('qlvb', '2026-12-01 02:03:00', 'Hệ thống Quản lý văn bản và Điều hành', 1), "
                    "('motcua', '2026-11-30 02:05:00', 'Hệ thống Một cửa điện tử dùng chung 3 cấp', 3), "
                    "('donthu', '2026-12-02 02:01:00', 'Đơn thư, khiếu nại, tố cáo', 5)")
    return path


def received(sink: SmtpSink):
    assert len(sink.messages) == 1, sink.messages
    sender, recipients, raw = sink.messages[0]
    return sender, recipients, raw, message_from_bytes(raw, policy=default_policy)


# --- the e-mail ------------------------------------------------------------------------------------------

@pytest.mark.hard_instants
def test_the_failure_email_arrives_in_vietnamese_with_every_line_and_no_secret(tmp_path, caplog, clock):
    caplog.set_level(logging.DEBUG)
    warehouse = published_file(tmp_path / "warehouse" / "cchc.duckdb")
    failures = {**FAILURES, "nhiemvu": f"nhiemvu: a line that somehow held the secret {CLIENT_SECRET}"}
    nights = {clock.now_local().strftime("%d/%m/%Y")}
    with SmtpSink() as sink:
        settings = Settings.from_env(env_for(sink.port, warehouse), dotenv_path=tmp_path / "none.env")
        assert send_failure_alert(settings, failures, "35f61f10-c403-4be6-b836-7d3f64b3ee3f") is True
    nights.add(clock.now_local().strftime("%d/%m/%Y"))  # Hanoi's date, on either side of midnight
    sender, recipients, raw, message = received(sink)
    assert sender == "cchc@hanoi.example"
    assert recipients == ["thanhtra@hanoi.example", "vanhanh@hanoi.example"]
    assert sink.logins == [("cchc-alerts", SMTP_PASSWORD)], "logged in, with the password in AUTH only"
    subject = message["Subject"]
    assert subject in {f"[CCHC] Làm mới dữ liệu thất bại đêm {night} — 3 hệ thống lỗi" for night in nights}
    body = message.get_content()
    assert message.get_content_charset() == "utf-8"
    for line in FAILURES.values():
        assert f"- {line}\n" in body
    assert "- nhiemvu: a line that somehow held the secret ********\n" in body
    assert "Mã lần chạy (run id): 35f61f10-c403-4be6-b836-7d3f64b3ee3f" in body
    assert (f"Tệp công bố cho thanh tra viên ({warehouse}) vẫn giữ nguyên các bảng chỉ số của lần công bố trước: "
            "dựng lúc 01/12/2026 02:14, ngày tính chỉ số 01/12/2026, DỮ LIỆU THẬT.") in body
    assert "- Hệ thống Quản lý văn bản và Điều hành (qlvb): 01/12/2026 02:03 — lần này lỗi\n" in body
    assert "- Đơn thư, khiếu nại, tố cáo (donthu): 02/12/2026 02:01\n" in body
    assert message["Auto-Submitted"] == "auto-generated"
    everything = raw.decode("ascii") + subject + body + caplog.text  # the wire format is 7-bit clean
    for secret in (CLIENT_SECRET, SMTP_PASSWORD, DB_PASSWORD, base64.b64encode(SMTP_PASSWORD.encode()).decode()):
        assert secret not in everything
    assert "sent to thanhtra@hanoi.example, vanhanh@hanoi.example" in caplog.text


def test_the_night_is_hanoi_s_and_checks_count_apart(tmp_path):
    alert = AlertSettings("mail.test", 25, None, None, False, "a@b.vn", ("c@d.vn",))
    failures = {"check marts/findings:keys_unique": "failed on 3 rows; the warehouse was not published"}
    late = datetime.fromisoformat("2026-12-01T19:30:00+00:00")  # 02:30 on 2 December in Hanoi
    message = failure_message(alert, failures, "run-1", published=Published(tmp_path / "none.duckdb"), now=late)
    assert message["Subject"] == "[CCHC] Làm mới dữ liệu thất bại đêm 02/12/2026 — 1 lỗi khác"
    body = message.get_content()
    assert "- check marts/findings:keys_unique: failed on 3 rows; the warehouse was not published\n" in body
    assert "chưa có: thanh tra viên chưa có dữ liệu nào để xem." in body
    garbled = tmp_path / "garbled.duckdb"
    garbled.write_bytes(b"not a database at all")
    simulated = failure_message(alert, {"qlvb": "x"}, "run-2", published=read_published(garbled), simulated=True,
                                now=late)
    assert simulated["Subject"] == "[CCHC] [MÔ PHỎNG] Làm mới dữ liệu thất bại đêm 02/12/2026 — 1 hệ thống lỗi"
    assert f"Tệp công bố cho thanh tra viên ({garbled}) không đọc được để kiểm tra (" in simulated.get_content()


def test_no_host_no_email(tmp_path):
    with SmtpSink() as sink:
        env = {k: v for k, v in env_for(sink.port, tmp_path / "w.duckdb").items() if k != "CCHC_ALERT_SMTP_HOST"}
        settings = Settings.from_env(env, dotenv_path=tmp_path / "none.env")
        assert settings.alert is None
        assert send_failure_alert(settings, FAILURES, "run") is False
    assert sink.messages == []


def test_a_mail_server_that_fails_is_logged_without_the_password_and_never_raises(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    with SmtpSink(refuse_login=True) as sink:
        settings = Settings.from_env(env_for(sink.port, tmp_path / "w.duckdb"), dotenv_path=tmp_path / "none.env")
        assert send_failure_alert(settings, FAILURES, "run") is False
    assert sink.messages == [] and sink.logins == [("cchc-alerts", SMTP_PASSWORD)]
    assert "the failure alert was not sent through 127.0.0.1" in caplog.text and "SMTP 535" in caplog.text

    caplog.clear()
    settings = Settings.from_env(env_for(closed_port(), tmp_path / "w.duckdb"), dotenv_path=tmp_path / "none.env")
    assert send_failure_alert(settings, FAILURES, "run") is False
    assert "ConnectionRefusedError" in caplog.text
    assert SMTP_PASSWORD not in caplog.text and CLIENT_SECRET not in caplog.text


# --- the variables ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("change", "variable", "problem"), [
    ({"CCHC_ALERT_FROM": "", "CCHC_ALERT_TO": ""}, "CCHC_ALERT_FROM, CCHC_ALERT_TO", "are not set while CCHC_ALERT_SMTP_HOST is"),
    ({"CCHC_ALERT_TO": ""}, "CCHC_ALERT_TO", "is not set while CCHC_ALERT_SMTP_HOST is"),
    ({"CCHC_ALERT_SMTP_PORT": "smtp"}, "CCHC_ALERT_SMTP_PORT", "is not a whole number"),
    ({"CCHC_ALERT_SMTP_PORT": "70000"}, "CCHC_ALERT_SMTP_PORT", "must be between 1 and 65535"),
    ({"CCHC_ALERT_SMTP_STARTTLS": "perhaps"}, "CCHC_ALERT_SMTP_STARTTLS", "is not true or false"),
    ({"CCHC_ALERT_SMTP_USER": ""}, "CCHC_ALERT_SMTP_USER", "is not set while CCHC_ALERT_SMTP_PASSWORD is"),
    ({"CCHC_ALERT_SMTP_HOST": "smtp://mail.example:25"}, "CCHC_ALERT_SMTP_HOST", "is not a host name"),
    ({"CCHC_ALERT_TO": "thanhtra@hanoi.example; Ông A <a@b.vn>"}, "CCHC_ALERT_TO", "is not a list of e-mail addresses"),
])
def test_alert_variables_are_checked_in_one_line_naming_them(tmp_path, change, variable, problem):
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({**env_for(25, tmp_path / "w.duckdb"), **change}, dotenv_path=tmp_path / "none.env")
    assert str(caught.value).startswith(f"configuration {variable}: {problem}")
    assert SMTP_PASSWORD not in str(caught.value) and "\n" not in str(caught.value)


def test_alert_defaults_and_the_password_is_never_shown(tmp_path):
    env = {k: v for k, v in env_for(25, tmp_path / "w.duckdb").items()
           if k not in ("CCHC_ALERT_SMTP_PORT", "CCHC_ALERT_SMTP_STARTTLS")}
    settings = Settings.from_env(env, dotenv_path=tmp_path / "none.env")
    alert = settings.alert
    assert (alert.smtp_port, alert.starttls, alert.recipients) == (587, True, ("thanhtra@hanoi.example",
                                                                              "vanhanh@hanoi.example"))
    assert alert.smtp_password.reveal() == SMTP_PASSWORD
    assert SMTP_PASSWORD not in repr(settings) + repr(alert) + str(alert.smtp_password)


# --- the failure sensor ----------------------------------------------------------------------------------

@dg.op
def raw__qlvb():  # noqa: N802 - named like the refresh job's step of the qlvb system
    raise SourceError("qlvb", "the gateway at http://10.0.0.5:8443 refused the connection (3 attempts in 7.0 s)",
                      "check CCHC_LGSP_URL and that the LGSP is up", path="/qlvb/v1/van-ban")


@dg.job
def failing_refresh():
    raw__qlvb()


def _failure_context(instance: dg.DagsterInstance, tags: dict[str, str] | None = None):
    result = failing_refresh.execute_in_process(instance=instance, raise_on_error=False)
    assert not result.success
    if tags:
        instance.add_run_tags(result.run_id, tags)
    failure = next(e for e in result.all_events if e.event_type_value == "PIPELINE_FAILURE")
    return result.run_id, dg.build_run_status_sensor_context(
        sensor_name="source_health_on_failure", dagster_instance=instance,
        dagster_run=instance.get_run_by_id(result.run_id), dagster_event=failure).for_run_failure()


def test_the_failure_sensor_sends_the_email_once_per_failed_night(tmp_path, monkeypatch):
    sensor = failure_sensor(failing_refresh)
    with SmtpSink() as sink, dg.DagsterInstance.ephemeral() as instance:
        for name, value in env_for(sink.port, tmp_path / "warehouse" / "cchc.duckdb").items():
            monkeypatch.setenv(name, value)
        monkeypatch.chdir(tmp_path)
        _run, retried = _failure_context(instance, {"dagster/will_retry": "true"})
        sensor(retried)  # Dagster runs it again: the retry alerts if it fails too
        assert sink.messages == []
        run_id, last = _failure_context(instance)
        sensor(last)
    _sender, _recipients, _raw, message = received(sink)
    body = message.get_content()
    assert message["Subject"].endswith(" — 1 hệ thống lỗi")
    assert ("- qlvb /qlvb/v1/van-ban: the gateway at http://10.0.0.5:8443 refused the connection (3 attempts in "
            "7.0 s). Check CCHC_LGSP_URL and that the LGSP is up.\n") in body
    assert f"Mã lần chạy (run id): {run_id}" in body


def test_a_wrong_variable_still_sends_the_email_from_the_sensor(tmp_path, monkeypatch):
    sensor = failure_sensor(failing_refresh)
    with SmtpSink() as sink, dg.DagsterInstance.ephemeral() as instance:
        env = env_for(sink.port, tmp_path / "warehouse" / "cchc.duckdb", CCHC_LOOKBACK_DAYS="three")
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        monkeypatch.chdir(tmp_path)
        _run, context = _failure_context(instance)
        with pytest.raises(ConfigError, match="CCHC_LOOKBACK_DAYS"):
            sensor(context)  # the tick still fails on the wrong variable, as before
    _sender, _recipients, _raw, message = received(sink)
    assert "refused the connection" in message.get_content()


# --- `cchc refresh` against a dead gateway, end to end -----------------------------------------------------

@pytest.mark.e2e
def test_cchc_refresh_emails_a_failed_run(tmp_path, monkeypatch, capsys):
    """A night that published, then a night when the gateway is down (same address, nothing listening):
    `cchc refresh` fails fast and e-mails."""
    with refreshed_city(tmp_path, days=5, scale=0.01) as (city, code, _out, published):
        assert code == 0 and published.exists()
        city.server.stop()  # the LGSP is down: its port refuses connections
        with SmtpSink() as sink:
            for name, value in alert_env(sink.port).items():  # the city's variables are set by refreshed_city
                monkeypatch.setenv(name, value)
            out = io.StringIO()
            began = time.monotonic()
            try:
                code = run_refresh(out=out, instance=dg.DagsterInstance.ephemeral())
            finally:
                BREAKERS.clear()
            took = time.monotonic() - began
    printed = out.getvalue()
    _sender, _recipients, raw, message = received(sink)
    body = message.get_content()
    with capsys.disabled():
        print(f"\n[cchc refresh, dead gateway] exit {code} after {took:.1f} s\n{printed}\n--- e-mail as received ---")
        print(raw.decode("ascii"))
        print("--- decoded ---")
        for name in ("From", "To", "Subject", "Date", "Message-ID", "Auto-Submitted", "X-CCHC-Run-Id"):
            print(f"{name}: {message[name]}")
        print()
        print(body)
    assert code == 1 and "  alert          e-mail sent to thanhtra@hanoi.example, vanhanh@hanoi.example" in printed
    assert took < 60
    assert message["Subject"].endswith(" — 5 hệ thống lỗi")
    address = city.server.url.removesuffix(city.server.gateway.base_path)
    lines = [line for line in body.splitlines() if line.startswith("- ") and "CCHC_LGSP_URL" in line]
    assert len(lines) == 5 and all(f"the gateway at {address} refused the connection (" in line for line in lines)
    assert "vẫn giữ nguyên các bảng chỉ số của lần công bố trước: dựng lúc " in body
    assert SECRET not in raw.decode("ascii") + body and SMTP_PASSWORD not in raw.decode("ascii") + body
