"""Sign-in without passwords: a 6-digit code sent to the staff member's Telegram chat, or a
one-time link printed by `yulu web login-link PHONE`; then a server-side session.

Secrets are stored only as keyed hashes (FieldCipher.lookup_hash) in their own namespaces, so a
Telegram invite code can never sign anyone in and a sign-in link can never bind a chat. Every
attempt is in the audit log; the failures there are what the lock-out counts.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from yulu.core.config import WebSettings
from yulu.core.errors import NotFound
from yulu.core.i18n import Translator
from yulu.services import audit, validation
from yulu.services.privacy import FieldCipher
from yulu.storage import console, outbox
from yulu.storage.models import Cadre
from yulu.storage.people import cadre_by_phone_hash
from yulu.web.scope import Staff, staff_for

CODE_DIGITS = 6
TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class SignIn:
    """The outcome of a code or link: "ok" (with the cadre), "bad", "locked"."""

    outcome: str
    cadre: Cadre | None = None


def _now() -> datetime:
    return datetime.now(UTC)


def _subject(cipher: FieldCipher, phone: str) -> str:
    """The audit subject of a phone number's attempts (a hash: no number in the log)."""
    return "phone:" + cipher.lookup_hash("web-phone:" + phone)[:32]


async def _cadre_for_phone(session: AsyncSession, cipher: FieldCipher, phone: str) -> Cadre | None:
    return await cadre_by_phone_hash(session, cipher.lookup_hash(phone))


async def issue_link(
    session: AsyncSession, cipher: FieldCipher, *, phone: str, web: WebSettings, actor: str
) -> tuple[str, Cadre]:
    """A one-time sign-in link token for the staff member with this phone (valid ttl minutes)."""
    number = validation.phone(phone)
    cadre = await _cadre_for_phone(session, cipher, number)
    if cadre is None:
        raise NotFound("web-unknown-phone")
    token = secrets.token_urlsafe(24)
    expires = _now() + timedelta(minutes=web.login_ttl_minutes)
    await console.put_secret(
        session,
        cadre_id=cadre.id,
        secret_hash=cipher.lookup_hash("web-link:" + token),
        expires_at=expires,
    )
    audit.record(session, actor=actor, action="web.link_issued", subject=f"cadre:{cadre.id}")
    return token, cadre


async def consume_link(session: AsyncSession, cipher: FieldCipher, token: str) -> SignIn:
    """Sign in with a link token: once, before it expires."""
    row = await console.secret_by_hash(session, cipher.lookup_hash("web-link:" + token))
    if row is None or row.used_at is not None or row.expires_at < _now():
        audit.record(session, actor="web:anonymous", action="web.link_refused")
        return SignIn("bad")
    row.used_at = _now()
    cadre = await session.get(Cadre, row.cadre_id)
    audit.record(session, actor=_actor(cadre), action="web.signin", subject=f"cadre:{cadre.id}")
    return SignIn("ok", cadre)


def _actor(cadre: Cadre) -> str:
    return staff_for(cadre).actor


async def _failures(
    session: AsyncSession, subject: str, web: WebSettings
) -> tuple[int, datetime | None]:
    """Wrong codes within the lock-out window since the last success, and the newest one."""
    since = _now() - timedelta(minutes=web.lockout_minutes)
    rows = await console.last_audit(
        session, actions=("web.code_failed", "web.code_ok"), subject=subject
    )
    failed = []
    for row in rows:
        if row.at < since or row.action == "web.code_ok":
            break
        failed.append(row.at)
    return len(failed), failed[0] if failed else None


async def request_code(
    session: AsyncSession,
    cipher: FieldCipher,
    t: Translator,
    *,
    phone: str,
    web: WebSettings,
) -> str:
    """Send a 6-digit code to the bound Telegram chat of this phone's staff member.

    Returns "sent", "locked", "too-soon" or "too-many". An unknown or unbound number also
    answers "sent", so the form does not tell strangers which numbers are staff.
    """
    number = validation.phone(phone)
    subject = _subject(cipher, number)
    if (await _failures(session, subject, web))[0] >= web.max_failed_codes:
        return "locked"
    sent = await console.last_audit(session, actions=("web.code_sent",), subject=subject)
    hour_ago = _now() - timedelta(hours=1)
    if sent and sent[0].at > _now() - timedelta(minutes=1):
        return "too-soon"
    if sum(1 for row in sent if row.at > hour_ago) >= web.codes_per_hour:
        return "too-many"
    cadre = await _cadre_for_phone(session, cipher, number)
    audit.record(session, actor="web:anonymous", action="web.code_sent", subject=subject)
    if cadre is None or cadre.telegram_user_id is None:
        return "sent"
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    await console.put_secret(
        session,
        cadre_id=cadre.id,
        secret_hash=_code_hash(cipher, cadre, code),
        expires_at=_now() + timedelta(minutes=web.login_ttl_minutes),
    )
    await outbox.enqueue(
        session,
        outbox.Outgoing(
            key=f"login-code:{cadre.id}:{secrets.token_hex(8)}",
            kind="login_code",
            chat_id=cadre.telegram_user_id,
            text=t("web-code-message", code=code, minutes=web.login_ttl_minutes),
        ),
    )
    return "sent"


def _code_hash(cipher: FieldCipher, cadre: Cadre, code: str) -> str:
    return cipher.lookup_hash(f"web-code:{cadre.id}:{code}")


async def verify_code(
    session: AsyncSession, cipher: FieldCipher, *, phone: str, code: str, web: WebSettings
) -> SignIn:
    """Sign in with a code; after `max_failed_codes` wrong ones the number is locked a while."""
    number = validation.phone(phone)
    subject = _subject(cipher, number)
    if (await _failures(session, subject, web))[0] >= web.max_failed_codes:
        return SignIn("locked")
    cadre = await _cadre_for_phone(session, cipher, number)
    digits = code.strip()
    row = None
    if cadre is not None and digits.isdigit() and len(digits) == CODE_DIGITS:
        row = await console.secret_by_hash(session, _code_hash(cipher, cadre, digits))
    if row is None or row.used_at is not None or row.expires_at < _now():
        # Recorded, not raised: the failure must be committed to count towards the lock.
        audit.record(session, actor="web:anonymous", action="web.code_failed", subject=subject)
        failures, _ = await _failures(session, subject, web)  # autoflush: counts this one
        return SignIn("locked" if failures >= web.max_failed_codes else "bad")
    row.used_at = _now()
    audit.record(session, actor=_actor(cadre), action="web.code_ok", subject=subject)
    audit.record(session, actor=_actor(cadre), action="web.signin", subject=f"cadre:{cadre.id}")
    return SignIn("ok", cadre)


# --- sessions --------------------------------------------------------------------------------


def _sign(cipher: FieldCipher, sid: str) -> str:
    return cipher.lookup_hash("web-cookie:" + sid)[:32]


def _key(cipher: FieldCipher, sid: str) -> str:
    return cipher.lookup_hash("web-session:" + sid)


async def open_session(session: AsyncSession, cipher: FieldCipher, cadre: Cadre) -> str:
    """Start a session; returns the signed cookie value (the database keeps only its hash)."""
    sid = secrets.token_urlsafe(24)
    data = {"cadre_id": cadre.id, "csrf": secrets.token_urlsafe(24)}
    await console.put_session(session, _key(cipher, sid), data)
    return f"{sid}.{_sign(cipher, sid)}"


def _sid(cipher: FieldCipher, cookie: str | None) -> str | None:
    """The session id of a cookie whose signature holds."""
    if not cookie or "." not in cookie:
        return None
    sid, signature = cookie.rsplit(".", 1)
    return sid if hmac.compare_digest(signature, _sign(cipher, sid)) else None


async def staff_of(
    session: AsyncSession, cipher: FieldCipher, cookie: str | None, *, web: WebSettings
) -> Staff | None:
    """The signed-in staff member of a cookie, or None (unsigned, unknown, idle or removed)."""
    sid = _sid(cipher, cookie)
    if sid is None:
        return None
    row = await console.session_row(session, _key(cipher, sid))
    if row is None:
        return None
    now = _now()
    if row.updated_at < now - timedelta(minutes=web.idle_timeout_minutes):
        await console.drop_session(session, _key(cipher, sid))
        return None
    cadre = await session.get(Cadre, row.data.get("cadre_id"))
    if cadre is None:
        return None
    if row.updated_at < now - TOUCH_EVERY:
        row.updated_at = now
    return staff_for(cadre, csrf=row.data.get("csrf", ""))


async def close_session(
    session: AsyncSession, cipher: FieldCipher, cookie: str | None, *, actor: str
) -> None:
    """Sign out: the session row goes, so the cookie is worthless even if kept."""
    sid = _sid(cipher, cookie)
    if sid is not None:
        await console.drop_session(session, _key(cipher, sid))
        audit.record(session, actor=actor, action="web.signout")
