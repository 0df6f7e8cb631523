"""Account emails (API.md 12): rendering in four languages, SMTP delivery, STARTTLS, logging, outbox."""

from __future__ import annotations

import logging
import smtplib
import ssl
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from moviesx.services.accounts import mail
from moviesx.tasks.accounts import send_change_notice_email, send_reset_email, send_verification_email
from tests.support import smtp as smtp_support
from tests.support.google_stub import self_signed_certificate
from tests.support.smtp import Mailbox, free_port, html_of, text_of

smtp_server = smtp_support.smtp_server
mail_config = smtp_support.mail_config

SUBJECTS = {
    "en": ("Verification of MoviesX account for ana", "Password reset for MoviesX account of ana"),
    "es": ("Verificación de la cuenta de MoviesX de ana", "Restablecimiento de contraseña de la cuenta de MoviesX de ana"),
    "fr": ("Vérification du compte MoviesX de ana", "Réinitialisation du mot de passe du compte MoviesX de ana"),
    "de": ("Bestätigung des MoviesX-Kontos von ana", "Zurücksetzen des Passworts für das MoviesX-Konto von ana"),
}


class Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def mail_log():
    handler = Records()
    logger = logging.getLogger("moviesx.mail")
    logger.addHandler(handler)
    yield handler.records
    logger.removeHandler(handler)


@pytest.mark.parametrize("language", ["en", "es", "fr", "de"])
def test_subjects_and_bodies_in_every_language(app, mail_config, language):
    send_verification_email("ana@example.com", "ana", language, "012345")
    send_reset_email("ana@example.com", "ana", language, "987654")
    send_change_notice_email("ana@example.com", "ana", language, ["password"], "2026-01-02 03:04 UTC")
    verification, reset, notice = mail_config.messages
    assert (verification["Subject"], reset["Subject"]) == SUBJECTS[language]
    assert notice["Subject"] == mail.SUBJECTS[mail.CHANGE_NOTICE][language]
    for message in (verification, reset, notice):
        assert message.get_content_type() == "multipart/alternative"
        assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
        assert message["From"] == "MoviesX <no-reply@moviesx.local>"
        assert message["To"] == "ana@example.com"
    text = text_of(verification).splitlines()
    assert len(text) == 4 and "012345" in text[1]
    assert "http://localhost:5173/verify-email?code=012345" in text[2]
    assert "15" in text[3]
    assert "012345" in html_of(verification) and "<a href=" in html_of(verification)
    assert "http://localhost:5173/reset-password?code=987654&email=ana%40example.com" in text_of(reset)
    assert "2026-01-02 03:04 UTC" in text_of(notice) and mail.CHANGE_LABELS["password"][language] in text_of(notice)


def test_links_use_frontend_url_and_minutes_round_up(app, mail_config):
    app.config.update(FRONTEND_URL="https://movies.example.org", CODE_TTL_SECONDS=61)
    send_reset_email("A+B@example.com", "ab", "en", "000042")
    text = text_of(mail_config.messages[0]).splitlines()
    assert text == [
        "Hello ab,",
        "Use this code to reset your MoviesX password: 000042",
        "Or open https://movies.example.org/reset-password?code=000042&email=A%2BB%40example.com",
        "The code expires in 2 minutes. If you did not ask for a password reset, ignore this email.",
    ]


def test_without_mail_server_the_email_is_logged(app, mail_log):
    app.config["MAIL_SERVER"] = None
    send_verification_email("log@example.com", "logger", "en", "123456")
    assert len(mail_log) == 1
    message = mail_log[0].getMessage()
    assert message.startswith("Email to log@example.com: Verification of MoviesX account for logger\nHello logger,\n")
    assert "Your MoviesX verification code is: 123456" in message
    assert mail_log[0].levelno == logging.INFO


def test_outbox_dir_keeps_eml_files(app, tmp_path, mail_log):
    app.config.update(MAIL_SERVER=None, MAIL_OUTBOX_DIR=str(tmp_path / "outbox"))
    send_verification_email("box@example.com", "boxer", "fr", "654321")
    files = list((tmp_path / "outbox").iterdir())
    assert len(files) == 1 and files[0].suffix == ".eml"
    assert files[0].name[:8].isdigit()
    message = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert message["Subject"] == "Vérification du compte MoviesX de boxer"
    assert "654321" in text_of(message)


def test_failed_send_raises_so_the_job_is_retried(app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    with pytest.raises(OSError):
        send_verification_email("down@example.com", "down", "en", "123456")


def test_failed_inline_send_never_changes_the_response(app, client):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    response = client.post(
        "/api/auth/signup/",
        json={"username": "z", "email": "z@example.com", "first_name": "Z", "last_name": "Z", "password": "long-enough-pass"},
    )
    assert response.status_code == 200


@pytest.fixture
def tls_smtp(tmp_path, monkeypatch):
    """An SMTP server that offers and requires STARTTLS with a certificate the test trusts."""
    cert, key = self_signed_certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=lambda server, session, envelope, mechanism, auth_data: _auth(auth_data),
        auth_require_tls=True,
    )
    controller.start()
    yield mailbox, port
    controller.stop()


def _auth(auth_data):
    from aiosmtpd.smtp import AuthResult

    return AuthResult(success=auth_data.login == b"mailer" and auth_data.password == b"s3cret")


def test_starttls_and_login_when_the_server_offers_it(app, tls_smtp):
    mailbox, port = tls_smtp
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=True, MAIL_USERNAME="mailer", MAIL_PASSWORD="s3cret")
    send_verification_email("tls@example.com", "tls", "en", "111222")
    assert len(mailbox.messages) == 1 and "111222" in text_of(mailbox.messages[0])
    app.config.update(MAIL_USE_TLS=False, MAIL_USERNAME=None)
    with pytest.raises(smtplib.SMTPException):
        send_verification_email("tls@example.com", "tls", "en", "111222")
