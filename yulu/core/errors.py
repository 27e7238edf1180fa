"""The domain errors services raise; the bot and CLI render them in one place each.

YuluError
├── ConfigurationError      the process cannot run as configured
├── NotFound                a graduate, cadre, case or posting that does not exist
├── NotAllowed              the caller may not do this (a stranger, another cadre's case)
└── InvalidInput            a value that fails validation; `reason` is a locale key suffix
"""

from __future__ import annotations


class YuluError(Exception):
    """Base of every domain error."""


class ConfigurationError(YuluError):
    """The process cannot run as configured."""


class NotFound(YuluError):
    """The thing asked for does not exist."""


class NotAllowed(YuluError):
    """The caller may not do this."""


class InvalidInput(YuluError):
    """A value failed validation; `reason` names the specific problem.

    `args` fill the reason's text where the locale has one (`reason-{reason}`, e.g. the file).
    """

    def __init__(self, reason: str, message: str = "", **args: object) -> None:
        super().__init__(message or reason)
        self.reason = reason
        self.args_for_text = args
