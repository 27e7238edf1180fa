"""Field validators for sign-up, profile edits and roster rows.

Each returns the clean value or raises InvalidInput whose `reason` names the exact problem,
so the bot can re-ask specifically and the roster import can report the row's reason.
"""

from __future__ import annotations

import re
from datetime import date

from yulu.core.errors import InvalidInput
from yulu.nlu.entities import id_number_problem, normalize_phone
from yulu.storage.models import EducationLevel, EmploymentStatus

MAX_TEXT = 200
_NAME = re.compile(r"^[\u4e00-\u9fff·•A-Za-z ]{2,30}$")
_YEAR = re.compile(r"(19|20)\d{2}")
EDUCATION_WORDS = {
    "中职": EducationLevel.SECONDARY,
    "中专": EducationLevel.SECONDARY,
    "职高": EducationLevel.SECONDARY,
    "高职": EducationLevel.HIGHER,
    "大专": EducationLevel.HIGHER,
    "专科": EducationLevel.HIGHER,
    "技工": EducationLevel.TECHNICAL,
    "技校": EducationLevel.TECHNICAL,
    "技师": EducationLevel.TECHNICAL,
}
YES_WORDS = frozenset({"是", "1", "y", "yes", "true", "√"})
NO_WORDS = frozenset({"否", "0", "n", "no", "false", "", "×"})


def text_answer(text: str | None) -> str:
    """A usable free-text answer: present and of sane length."""
    if text is None:
        raise InvalidInput("not-text")
    text = text.strip()
    if not text:
        raise InvalidInput("empty")
    if len(text) > MAX_TEXT:
        raise InvalidInput("too-long")
    return text


def person_name(text: str) -> str:
    """A real name: 2–30 Chinese or Latin letters (middle dot allowed)."""
    text = text.strip()
    if not _NAME.match(text):
        raise InvalidInput("name")
    return text


def phone(text: str) -> str:
    """An 11-digit mainland mobile number; spaces, dashes and +86 tolerated."""
    number = normalize_phone(text)
    if number is None:
        raise InvalidInput("phone")
    return number


def id_number(text: str) -> str:
    """An 18-character ID number with a valid GB 11643 checksum and a plausible birth date."""
    cleaned = re.sub(r"[\s-]", "", text).upper()
    problem = id_number_problem(cleaned)
    if problem is not None:
        raise InvalidInput(f"id-{problem}")
    return cleaned


def short_text(text: str, *, reason: str, low: int = 2, high: int = 60) -> str:
    """A school or major name of reasonable length."""
    text = " ".join(text.split())
    if not low <= len(text) <= high:
        raise InvalidInput(reason)
    return text


def graduation_year(value: int | str, *, today: date | None = None) -> int:
    """A graduation year from 15 years ago to 4 years ahead."""
    current = (today or date.today()).year
    try:
        year = int(value)
    except (TypeError, ValueError) as exc:
        raise InvalidInput("year") from exc
    if not current - 15 <= year <= current + 4:
        raise InvalidInput("year-range")
    return year


def education_level(text: str) -> EducationLevel:
    """中职 / 高职 / 技工 (and common synonyms), or the enum value itself."""
    words = text.strip().split()
    for member in EducationLevel:
        if member.value in words:  # a button's value, e.g. "higher 2026"
            return member
    for word, level in EDUCATION_WORDS.items():
        if word in text:
            return level
    raise InvalidInput("education")


def education_and_year(text: str, *, today: date | None = None) -> tuple[EducationLevel, int]:
    """Both from one answer such as "中职 2026" or "2025年 高职毕业"."""
    level = education_level(text)
    match = _YEAR.search(text)
    if match is None:
        raise InvalidInput("year")
    return level, graduation_year(match.group(0), today=today)


def employment_status(text: str) -> EmploymentStatus:
    """One of the status button values."""
    try:
        status = EmploymentStatus(text)
    except ValueError as exc:
        raise InvalidInput("status") from exc
    if status is EmploymentStatus.UNKNOWN:
        raise InvalidInput("status")
    return status


def yes_no(text: str) -> bool:
    """是/否 (also 1/0, yes/no); an empty cell is 否."""
    value = text.strip().lower()
    if value in YES_WORDS:
        return True
    if value in NO_WORDS:
        return False
    raise InvalidInput("yes-no")
