"""Sending one outbox message, as a job. Without ``OBSERVATORY_SMTP_URL`` the message is held in the
outbox (development), where admins can read it."""
from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from flask import current_app

from ..database.models import utcnow
from ..disclosure import Guard, RegisterIncomplete
from ..disclosure.phones import IndexOutdated
from ..extensions import db
from ..jobs.jobs import JobContext
from .models import OutboxMessage


def send_message(ctx: JobContext, *, message_id: int) -> None:
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.status == OutboxMessage.SENT:
        return
    url = current_app.config.get("SMTP_URL")
    if not url:
        message.status, message.error = OutboxMessage.HELD, ""
        return
    try:
        email = compose(message)
    except (RegisterIncomplete, IndexOutdated) as error:
        message.status, message.error = OutboxMessage.FAILED, error.user_message
        db.session.commit()
        raise
    try:
        _deliver(url, email)
    except (OSError, smtplib.SMTPException) as error:
        message.status, message.error = OutboxMessage.FAILED, str(error)[:2000]
        db.session.commit()
        raise  # the job shows as failed and can be retried
    message.status, message.sent_at, message.error = OutboxMessage.SENT, utcnow(), ""


def compose(message: OutboxMessage) -> EmailMessage:
    """The e-mail of an outbox message. It leaves the organisation, so its subject and body pass through the
    disclosure guard first (unattended: a name that may be someone else's is masked, nobody being there to
    decide), although notices are written to hold no detail."""
    subject, body = Guard(None, external=True, unattended=True).release([message.subject, message.body])
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = message.recipient
    email["Subject"] = subject
    email.set_content(body)
    return email


def _deliver(url: str, email: EmailMessage) -> None:
    """``smtps://`` uses TLS from the start, ``smtp://`` STARTTLS, ``smtp+plain://`` no TLS (a relay on this host)."""
    parts = urlsplit(url)
    context = ssl.create_default_context()
    if parts.scheme == "smtps":
        server = smtplib.SMTP_SSL(parts.hostname, parts.port or 465, timeout=30, context=context)
    else:
        server = smtplib.SMTP(parts.hostname, parts.port or (25 if parts.scheme == "smtp+plain" else 587), timeout=30)
    with server:
        if parts.scheme == "smtp":
            server.starttls(context=context)
        if parts.username:
            server.login(unquote(parts.username), unquote(parts.password or ""))
        server.send_message(email)
