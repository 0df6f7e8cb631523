"""Email jobs: thin wrappers over services.mail. A failed send raises, so RQ retries the job."""

from __future__ import annotations

from moviesx.services.accounts import mail
from moviesx.tasks import job


@job
def send_verification_email(to: str, username: str, language: str, code: str) -> None:
    mail.send_verification(to, username, language, code)


@job
def send_reset_email(to: str, username: str, language: str, code: str) -> None:
    mail.send_reset(to, username, language, code)


@job
def send_change_notice_email(to: str, username: str, language: str, changes: list[str], changed_at: str) -> None:
    mail.send_change_notice(to, username, language, changes, changed_at)


@job
def send_goodbye_email(to: str, username: str, language: str, deleted_at: str) -> None:
    mail.send_goodbye(to, username, language, deleted_at)
