"""The daily supervision digest: one plain-text mail in Chinese to each person with an email
address and something to do (findings overdue or due soon, rectifications to accept,
meetings not held), sent over SMTP when ``SIGNAGE_MAIL_*`` is configured. No Flask.

The mail is written in Chinese whatever the interface language: the people it goes to read
Chinese, and a mail has no language switch.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from sqlalchemy.orm import Session

from signage_server.accounts.permissions import Principal
from signage_server.config import Settings
from signage_server.supervision import services
from signage_server.supervision.models import Finding
from signage_server.supervision.rules import MeetingKind
from signage_server.supervision.rules import MeetingStatus
from signage_server.supervision.rules import Point

POINTS_ZH = {
    Point.CONTENT: "内容是否全面",
    Point.PROCEDURE: "程序是否规范",
    Point.FORM: "形式是否适当",
    Point.RULES: "制度是否健全",
    Point.EXECUTION: "落实是否到位",
    Point.RESULTS: "效果是否明显",
}

GAPS_ZH = {
    (MeetingKind.MONTHLY, MeetingStatus.DUE): "本月尚未召开监督员会议",
    (MeetingKind.MONTHLY, MeetingStatus.MISSING): "上月未召开监督员会议",
    (MeetingKind.FORUM, MeetingStatus.DUE): "本季度尚未召开监督员座谈会",
    (MeetingKind.FORUM, MeetingStatus.MISSING): "上季度未召开监督员座谈会",
}

SUBJECT = "党务公开监督待办提醒（{day}）"
FOOTER = "此邮件由阳光公开屏系统自动发送，请勿直接回复。"
DESCRIPTION_CHARS = 60


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


def _line(finding: Finding, base_url: str, note: str = "") -> list[str]:
    text = finding.description.replace("\n", " ")
    if len(text) > DESCRIPTION_CHARS:
        text = text[:DESCRIPTION_CHARS] + "…"
    return [
        f"- 第{finding.id}号问题 · {finding.org.name} · {POINTS_ZH[finding.point]}：{text}",
        f"  整改期限：{finding.deadline.isoformat()}{note}",
        f"  {base_url.rstrip('/')}/supervision/findings/{finding.id}",
    ]


def compose(name: str, address: str, alerts: services.Alerts, base_url: str) -> Mail | None:
    """Return the digest of ``alerts`` for ``name`` at ``address`` (``None``: nothing to say)."""
    if not alerts.count:
        return None
    lines = [
        f"{name}，您好：",
        "",
        f"截至{alerts.today.isoformat()}，党务公开监督有以下事项需要您处理：",
        "",
    ]
    if alerts.owned:
        lines.append("【您负责整改的问题】")
        for alert in alerts.owned:
            note = "（已逾期）" if alert.overdue else "（即将到期）"
            lines += _line(alert.finding, base_url, note)
        lines.append("")
    if alerts.to_accept:
        lines.append("【已报整改、待您验收的问题】")
        for finding in alerts.to_accept:
            lines += _line(finding, base_url)
        lines.append("")
    if alerts.overdue:
        lines.append("【您监督范围内逾期未整改的问题】")
        for finding in alerts.overdue:
            lines += _line(finding, base_url, "（已逾期）")
        lines.append("")
    if alerts.meetings:
        lines.append("【监督员会议】")
        for org, gap in alerts.meetings:
            lines.append(f"- {org.name}：{GAPS_ZH[(gap.kind, gap.status)]}")
        lines.append("")
    lines.append(FOOTER)
    return Mail(address, SUBJECT.format(day=alerts.today.isoformat()), "\n".join(lines) + "\n")


def collect(session: Session, now: dt.datetime, tz: dt.tzinfo, base_url: str) -> list[Mail]:
    """Return the digest of every active user with an email address and alerts."""
    mails = []
    for user in services.digest_recipients(session):
        found = services.alerts(session, Principal.of(user), now, tz)
        mail = compose(user.name, user.email or "", found, base_url)
        if mail is not None:
            mails.append(mail)
    return mails


def configured(settings: Settings) -> bool:
    """Tell whether mail can be sent: an SMTP host and a sender address are set."""
    return bool(settings.mail_host and settings.mail_sender)


def send(mails: list[Mail], settings: Settings) -> int:
    """Send ``mails`` over one SMTP connection; return how many were sent.

    :raise smtplib.SMTPException, OSError: the server refused or could not be reached.
    """
    if not mails:
        return 0
    with smtplib.SMTP(settings.mail_host, settings.mail_port, timeout=30) as smtp:
        if settings.mail_starttls:
            smtp.starttls()
        if settings.mail_user:
            smtp.login(settings.mail_user, settings.mail_password)
        for mail in mails:
            message = EmailMessage()
            message["From"] = settings.mail_sender
            message["To"] = mail.to
            message["Subject"] = mail.subject
            message.set_content(mail.body)
            smtp.send_message(message)
    return len(mails)
