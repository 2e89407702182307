"""The e-mail about a failed refresh (optional: `CCHC_ALERT_SMTP_HOST` and its companions, README).

One message per failed run, in Vietnamese: one line per failure (the same one-line messages the run
prints, which never carry secrets or personal data), the run id, and what the inspectors' published
file still shows. Known secrets are masked again before sending, in case a line ever held one. A
failure to send is logged (without the password) and never raised: the run's own failure stays what
the operator sees.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import duckdb
from sqlalchemy.engine import make_url

from core import clock
from core.settings import AlertSettings, Settings
from core.timezone import ICT
from sources import SYSTEMS

log = logging.getLogger("cchc.alerts")

SMTP_TIMEOUT = 30.0  # seconds per SMTP exchange: a hung mail server must not hold the sensor
IMPLICIT_TLS_PORT = 465  # SMTPS: TLS from the first byte, no STARTTLS
MASK = "********"
SYSTEM_NAMES = {s.name: s.title_vi for s in SYSTEMS}
SECRET_VARIABLES = ("CCHC_LGSP_CLIENT_SECRET", "CCHC_DONTHU_DB_URL", "CCHC_ALERT_SMTP_PASSWORD")
NO_READABLE_ERROR = "the run failed without a readable error line; see the run's log in Dagster"


@dataclass
class Published:
    """What the inspectors' published file shows now."""

    path: Path
    exists: bool = False
    error: str | None = None  # why it could not be read
    data_kind: str | None = None
    as_of: date | None = None
    built_at: datetime | None = None
    last_success: list[tuple[str, str, datetime | None]] = field(default_factory=list)  # (system, title, when)


def send_failure_alert(settings: Settings | None, failures: dict[str, str], run_id: str) -> bool:
    """E-mail the failures of a run when the alert is configured; True when the server took the message.

    `settings` None: the run's settings could not be read (a configuration error); the alert variables
    are then read alone, so that a wrong variable elsewhere is reported too. Never raises.
    """
    try:
        alert = settings.alert if settings is not None else AlertSettings.from_env()
    except Exception as exc:  # noqa: BLE001 - a wrong alert variable: say so, never mask the run's failure
        log.error("the failure alert was not sent: %s", exc)
        return False
    if alert is None:
        return False
    try:
        warehouse = (settings.warehouse if settings is not None
                     else Path(os.environ.get("CCHC_WAREHOUSE", "").strip() or "warehouse/cchc.duckdb"))
        simulated = settings is not None and settings.simulated_city is not None
        message = failure_message(alert, failures, run_id, published=read_published(warehouse),
                                  simulated=simulated, secrets=_secrets(settings, alert))
        deliver(alert, message)
    except Exception as exc:  # noqa: BLE001 - logged, never raised over the run's own failure
        log.error("the failure alert was not sent through %s:%d: %s", alert.smtp_host, alert.smtp_port,
                  _why(exc, _secrets(settings, alert)))
        return False
    log.info("failure alert for run %s sent to %s", run_id, ", ".join(alert.recipients))
    return True


def failure_message(alert: AlertSettings, failures: dict[str, str], run_id: str, *, published: Published,
                    simulated: bool = False, secrets: tuple[str, ...] = (), now: datetime | None = None) -> EmailMessage:
    """The message, ready to send: Vietnamese subject and body, UTF-8."""
    now = (now or clock.now()).astimezone(ICT)
    lines = failure_lines(failures)
    systems = sum(1 for label in failures if label in SYSTEM_NAMES)
    others = len(lines) - systems
    counted = ", ".join(part for part in (f"{systems} hệ thống lỗi" if systems else "",
                                          f"{others} lỗi khác" if others else "") if part)
    night = now.strftime("%d/%m/%Y")
    subject = (f"[CCHC]{' [MÔ PHỎNG]' if simulated else ''} Làm mới dữ liệu thất bại đêm {night} — {counted}")
    body = [
        f"Lần làm mới dữ liệu CCHC đêm {night} không thành công: {counted} (thư gửi lúc {now:%H:%M}).",
        *(["Đây là lần chạy trên thành phố mô phỏng (DỮ LIỆU MÔ PHỎNG), không phải dữ liệu thật."] if simulated else []),
        "",
        "Lỗi (mỗi dòng: hệ thống hoặc bước, điều đã xảy ra, việc cần làm):",
        *(f"- {line}" for line in lines),
        "",
        f"Mã lần chạy (run id): {run_id}",
        "",
        *published_lines(published, failures),
        "",
        "Việc cần làm: xử lý theo từng dòng lỗi ở trên, rồi chạy lại `cchc refresh` (hoặc chạy lại job refresh "
        "trong giao diện Dagster). Nếu không chạy lại, lần làm mới tự động tiếp theo là 02:00 đêm sau.",
        "",
        "Thư này do hệ thống dữ liệu CCHC gửi tự động; xin đừng trả lời thư này.",
    ]
    message = EmailMessage()
    message["Subject"] = _mask(subject, secrets)
    message["From"] = alert.sender
    message["To"] = ", ".join(alert.recipients)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid("cchc-alert", domain=alert.sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies
    message["X-CCHC-Run-Id"] = run_id
    message.set_content(_mask("\n".join(body), secrets) + "\n", charset="utf-8")
    return message


def failure_lines(failures: dict[str, str]) -> list[str]:
    """One line per failure, naming its system once, as `cchc refresh` prints them."""
    if not failures:
        return [NO_READABLE_ERROR]
    return [message if message.startswith((f"{label} ", f"{label}:")) else f"{label}: {message}"
            for label, message in failures.items()]


def published_lines(published: Published, failures: dict[str, str]) -> list[str]:
    """What the inspectors' file still shows, in Vietnamese."""
    where = f"Tệp công bố cho thanh tra viên ({published.path})"
    if not published.exists:
        return [f"{where} chưa có: thanh tra viên chưa có dữ liệu nào để xem."]
    if published.error is not None:
        return [f"{where} không đọc được để kiểm tra ({published.error}); lần này không ghi gì vào các bảng chỉ số."]
    lines = [f"{where} vẫn giữ nguyên các bảng chỉ số của lần công bố trước"
             + (f": dựng lúc {_when(published.built_at)}" if published.built_at else "")
             + (f", ngày tính chỉ số {published.as_of:%d/%m/%Y}" if published.as_of else "")
             + (f", {published.data_kind}" if published.data_kind else "") + "."]
    if published.last_success:
        lines.append("Bảng marts.source_health trong tệp cho biết lần đồng bộ thành công gần nhất của từng hệ thống:")
        for system, title, when in published.last_success:
            status = " — lần này lỗi" if system in failures else ""
            lines.append(f"- {title} ({system}): {_when(when) if when else 'chưa lần nào'}{status}")
    return lines


def read_published(path: Path) -> Published:
    """Read the published file's publication row and source_health, read-only; never raises."""
    published = Published(path=Path(path), exists=Path(path).exists())
    if not published.exists:
        return published
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            tables = {t for (t,) in con.sql("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts'")
                      .fetchall()}
            if "publication" in tables:
                rows = con.sql("SELECT data_kind, as_of, built_at FROM marts.publication LIMIT 1").fetchall()
                if rows:
                    published.data_kind, published.as_of, published.built_at = rows[0]
            if "source_health" in tables:
                health = con.sql("SELECT * FROM marts.source_health")
                columns = health.columns
                for row in health.fetchall():
                    record = dict(zip(columns, row, strict=True))
                    system = record["system"]
                    published.last_success.append((system, record.get("title_vi") or SYSTEM_NAMES.get(system, system),
                                                   record.get("last_success_at")))
    except Exception as exc:  # noqa: BLE001 - the e-mail still goes out, saying the file could not be read
        published.error = type(exc).__name__
    return published


def deliver(alert: AlertSettings, message: EmailMessage) -> None:
    """Hand the message to the SMTP server (STARTTLS when configured, TLS from the start on port 465)."""
    context = ssl.create_default_context()
    if alert.smtp_port == IMPLICIT_TLS_PORT:
        server = smtplib.SMTP_SSL(alert.smtp_host, alert.smtp_port, timeout=SMTP_TIMEOUT, context=context)
    else:
        server = smtplib.SMTP(alert.smtp_host, alert.smtp_port, timeout=SMTP_TIMEOUT)
    with server:
        server.ehlo()
        if alert.starttls and alert.smtp_port != IMPLICIT_TLS_PORT:
            server.starttls(context=context)
            server.ehlo()
        if alert.smtp_user is not None and alert.smtp_password is not None:
            server.login(alert.smtp_user, alert.smtp_password.reveal())
        refused = server.send_message(message, from_addr=alert.sender, to_addrs=list(alert.recipients))
    if refused:
        log.warning("the failure alert was refused for %d of %d recipients: %s", len(refused), len(alert.recipients),
                    ", ".join(sorted(refused)))


def _secrets(settings: Settings | None, alert: AlertSettings | None) -> tuple[str, ...]:
    """Every secret value this process knows, to be masked wherever it might appear."""
    values = [os.environ.get(name, "").strip() for name in SECRET_VARIABLES]  # when settings could not be read
    if alert is not None and alert.smtp_password is not None:
        values.append(alert.smtp_password.reveal())
    if settings is not None and settings.client_secret is not None:
        values.append(settings.client_secret.reveal())
    if settings is not None and settings.donthu_db_url is not None:
        values.append(settings.donthu_db_url.reveal())
    for url in [v for v in values if "://" in v]:
        try:
            values.append(make_url(url).password or "")
        except Exception:  # noqa: BLE001 - an unparseable URL: the whole of it is masked anyway
            pass
    return tuple(sorted({v for v in values if len(v) >= 4}, key=len, reverse=True))


def _mask(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        text = text.replace(secret, MASK)
    return text


def _why(exc: BaseException, secrets: tuple[str, ...]) -> str:
    """What went wrong with the mail server, without the password."""
    if isinstance(exc, smtplib.SMTPResponseException):
        reply = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        text = f"SMTP {exc.smtp_code} {reply}"
    elif isinstance(exc, smtplib.SMTPRecipientsRefused):
        text = f"every recipient was refused ({', '.join(sorted(exc.recipients))})"
    elif isinstance(exc, OSError) and exc.strerror:
        text = f"{type(exc).__name__}: {exc.strerror}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    return _mask(" ".join(text.split()), secrets)


def _when(moment: datetime) -> str:
    return moment.strftime("%d/%m/%Y %H:%M")
