"""Account emails (API.md 12): rendered per recipient language, sent over SMTP, logged or written to an outbox.

Views never send mail themselves: services call `queue_*` after their commit, which hands the work to
a job (RQ, or inline after the response). The plaintext code travels in the job arguments.
"""

from __future__ import annotations

import logging
import math
import smtplib
import ssl
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import quote

from flask import current_app, render_template

from moviesx.clock import utcnow
from moviesx.models.accounts import LANGUAGES
from moviesx.services.jobs import enqueue

log = logging.getLogger("moviesx.mail")
SMTP_TIMEOUT = 30

VERIFICATION = "verification"
RESET = "reset"
CHANGE_NOTICE = "change"
GOODBYE = "goodbye"

SUBJECTS = {
    VERIFICATION: {
        "en": "Verification of MoviesX account for {username}",
        "es": "Verificación de la cuenta de MoviesX de {username}",
        "fr": "Vérification du compte MoviesX de {username}",
        "de": "Bestätigung des MoviesX-Kontos von {username}",
    },
    RESET: {
        "en": "Password reset for MoviesX account of {username}",
        "es": "Restablecimiento de contraseña de la cuenta de MoviesX de {username}",
        "fr": "Réinitialisation du mot de passe du compte MoviesX de {username}",
        "de": "Zurücksetzen des Passworts für das MoviesX-Konto von {username}",
    },
    CHANGE_NOTICE: {
        "en": "Your MoviesX account was changed",
        "es": "Tu cuenta de MoviesX ha sido modificada",
        "fr": "Votre compte MoviesX a été modifié",
        "de": "Ihr MoviesX-Konto wurde geändert",
    },
    GOODBYE: {
        "en": "Your MoviesX account was deleted",
        "es": "Tu cuenta de MoviesX ha sido eliminada",
        "fr": "Votre compte MoviesX a été supprimé",
        "de": "Ihr MoviesX-Konto wurde gelöscht",
    },
}

# What a change notice names, per language.
CHANGE_LABELS = {
    "email": {"en": "email address", "es": "dirección de correo electrónico", "fr": "adresse e-mail", "de": "E-Mail-Adresse"},
    "password": {"en": "password", "es": "contraseña", "fr": "mot de passe", "de": "Passwort"},
}
_AND = {"en": " and ", "es": " y ", "fr": " et ", "de": " und "}


def language_of(code: str | None) -> str:
    return code if code in LANGUAGES else "en"


def code_minutes() -> int:
    return math.ceil(current_app.config["CODE_TTL_SECONDS"] / 60)


def render(kind: str, language: str, **context) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of one email in `language`."""
    language = language_of(language)
    context = {"frontend_url": current_app.config["FRONTEND_URL"], "minutes": code_minutes(), **context}
    subject = SUBJECTS[kind][language].format(username=context.get("username", ""))
    text = render_template(f"email/{kind}.{language}.txt", **context)
    html = render_template(f"email/{kind}.{language}.html", subject=subject, **context)
    return subject, text.strip() + "\n", html


def build_message(to: str, subject: str, text: str, html: str) -> EmailMessage:
    """multipart/alternative: the plain text first, then the same content as HTML."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain="moviesx.local")
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def deliver(message: EmailMessage, text: str) -> None:
    """Write the outbox copy, then send over SMTP, or log the email when no server is configured.

    Any SMTP failure propagates so that the job fails and RQ retries it.
    """
    config = current_app.config
    outbox = config.get("MAIL_OUTBOX_DIR")
    if outbox:
        folder = Path(outbox)
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{utcnow().strftime('%Y%m%dT%H%M%S%fZ')}-{uuid.uuid4()}.eml"
        (folder / name).write_bytes(message.as_bytes())
    if not config.get("MAIL_SERVER"):
        log.info("Email to %s: %s\n%s", message["To"], message["Subject"], text)
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=SMTP_TIMEOUT) as smtp:
        smtp.ehlo()
        if config.get("MAIL_USE_TLS") and smtp.has_extn("starttls"):
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)


def send(kind: str, to: str, language: str, **context) -> None:
    subject, text, html = render(kind, language, **context)
    deliver(build_message(to, subject, text, html), text)


def verification_link(code: str) -> str:
    return f"{current_app.config['FRONTEND_URL']}/verify-email?code={code}"


def reset_link(code: str, email: str) -> str:
    return f"{current_app.config['FRONTEND_URL']}/reset-password?code={code}&email={quote(email, safe='')}"


def send_verification(to: str, username: str, language: str, code: str) -> None:
    send(VERIFICATION, to, language, username=username, code=code, link=verification_link(code))


def send_reset(to: str, username: str, language: str, code: str) -> None:
    send(RESET, to, language, username=username, code=code, link=reset_link(code, to))


def send_change_notice(to: str, username: str, language: str, changes: list[str], changed_at: str) -> None:
    language = language_of(language)
    what = _AND[language].join(CHANGE_LABELS[change][language] for change in changes)
    send(CHANGE_NOTICE, to, language, username=username, what=what, changed_at=changed_at)


def send_goodbye(to: str, username: str, language: str, deleted_at: str) -> None:
    send(GOODBYE, to, language, username=username, deleted_at=deleted_at)


def _enqueue(job: str, *args) -> None:
    """Hand an email to the job queue; a queue failure is logged and never changes the response."""
    try:
        enqueue(job, *args)
    except Exception:  # noqa: BLE001 - the account change is committed; the mail must not turn it into a 500
        log.exception("Could not queue an email to %s", args[0] if args else "?")


def queue_verification(user, code: str) -> None:
    _enqueue("moviesx.tasks.accounts.send_verification_email", user.email, user.username, user.preferred_language, code)


def queue_reset(user, code: str) -> None:
    _enqueue("moviesx.tasks.accounts.send_reset_email", user.email, user.username, user.preferred_language, code)


def queue_change_notice(previous_email: str, user, changes: list[str]) -> None:
    changed_at = utcnow().strftime("%Y-%m-%d %H:%M UTC")
    _enqueue(
        "moviesx.tasks.accounts.send_change_notice_email",
        previous_email,
        user.username,
        user.preferred_language,
        changes,
        changed_at,
    )


def queue_goodbye(email: str, username: str, language: str) -> None:
    """The last email to a deleted account's address (API.md 18): no code, no link. Takes plain values, the user's
    row being gone."""
    _enqueue("moviesx.tasks.accounts.send_goodbye_email", email, username, language, utcnow().strftime("%Y-%m-%d %H:%M UTC"))
