"""One typed settings object, read from config.yml with YULU_* environment overrides.

Precedence, highest first: environment variables, the YAML file, the defaults below.
Nested keys map to environment variables with one underscore after the section name:
``telegram.api_base`` ← ``YULU_TELEGRAM_API_BASE``, ``nlu.backend`` ← ``YULU_NLU_BACKEND``.
"""

from __future__ import annotations

import os
import re
from datetime import time
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

DEFAULT_CONFIG_FILE = Path("config.yml")
TELEGRAM_API_BASE = "https://api.telegram.org"
SANDBOX_TOKEN = "1000000001:SANDBOX-local-token"


class TelegramSettings(BaseModel):
    token: SecretStr | None = None
    api_base: str = TELEGRAM_API_BASE
    bot_username: str = "YuluBot"
    mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str = ""
    webhook_path: str = "/telegram/webhook"
    webhook_host: str = "127.0.0.1"
    webhook_port: int = 8080
    webhook_secret: SecretStr | None = None
    handle_updates: bool = True


class SandboxSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 8081
    limits: bool = False


class WebSettings(BaseModel):
    """The staff console (工作台): where it listens and how sign-in and sessions behave."""

    enabled: bool = True
    host: str = "127.0.0.1"
    port: int = 8082
    public_url: str = ""
    idle_timeout_minutes: int = Field(default=30, ge=1)
    login_ttl_minutes: int = Field(default=10, ge=1)
    max_failed_codes: int = Field(default=6, ge=1)
    lockout_minutes: int = Field(default=30, ge=1)
    codes_per_hour: int = Field(default=5, ge=1)
    page_size: int = Field(default=20, ge=5, le=200)
    secure_cookies: bool = False

    @property
    def url(self) -> str:
        """The address staff open."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")


class NluSettings(BaseModel):
    backend: Literal["embedded", "rasa"] = "embedded"
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_timeout_seconds: float = 2.0
    confidence_threshold: float = 0.6
    # report_job_lost, unsubscribe, request_human are acted on unasked only from this confidence;
    # below it (and above nothing) the graduate is asked 是的 / 不是 first
    critical_threshold: float = 0.75
    model_dir: Path = Path(".yulu/nlu")


class OutboxSettings(BaseModel):
    rate_per_second: float = 25.0
    per_chat_per_second: float = 1.0
    max_attempts: int = 5
    backoff_seconds: float = 2.0
    poll_interval_seconds: float = 1.0
    batch_size: int = 25
    lease_seconds: float = 60.0
    send_enabled: bool = True
    quiet_start: time = time(21, 0)
    quiet_end: time = time(8, 0)
    in_flight: int = Field(default=8, ge=1)


class CheckinSettings(BaseModel):
    reminder_after_days: int = 3
    lost_contact_after_missed: int = 2


def _default_jobs() -> dict[str, str]:
    return {
        "checkin_round": "0 10 5 * *",
        "checkin_reminders": "0 19 * * *",
        "lost_contact": "30 9 * * *",
        "case_sla": "15 * * * *",
        "campaigns": "0 10 * * *",
    }


class SchedulerSettings(BaseModel):
    enabled: bool = True
    jobs: dict[str, str] = Field(default_factory=_default_jobs)


class CaseSettings(BaseModel):
    ack_sla_hours: float = Field(default=48.0, gt=0)  # fractions allowed (drills, tests)
    resolve_sla_days: float = Field(default=7.0, gt=0)
    supervisor_levels: int = Field(default=3, ge=0)  # how many --supervisor hops the chain takes
    reveal_minutes: float = Field(default=5.0, gt=0)  # 查看电话: masked again after this
    low_income_line: int = 2000


def _default_stop_words() -> list[str]:
    return ["退订", "STOP", "取消订阅", "别再发了", "不要再发了", "别发了", "不要发了", "TD"]


class MatchingSettings(BaseModel):
    weekly_cap: int = Field(default=3, ge=0)
    schedule: str = "0 9 * * 1"
    batch_size: int = Field(default=5000, ge=1, le=20000)


class ReportSettings(BaseModel):
    """The ledger (台账) and the figures (成效评估): tracer months, fonts, batches."""

    graduation_month: int = Field(default=6, ge=1, le=12)
    tracer_months: list[int] = Field(default_factory=lambda: [1, 6, 12])
    font_path: Path | None = None
    intention_campaign: str = "enrollment"
    batch_size: int = Field(default=1000, ge=1, le=20000)


RelativeYear = Literal["last_year", "this_year", "next_year"]
CAMPAIGN_NAME = r"^[a-z][a-z0-9_]{0,19}$"
ANSWER_VALUE = r"^[a-z][a-z0-9_]{0,19}$"  # packed into callback data "cp:<name>:<year>:<value>"


class CampaignAudience(BaseModel):
    """Who a campaign reaches: every filter given must hold; an empty filter is no filter."""

    source: Literal["graduates", "roster"] = "graduates"
    graduation_year: list[int | RelativeYear] = Field(default_factory=list)
    statuses: list[
        Literal["employed", "self_employed", "seeking", "lost_job", "further_study", "unknown"]
    ] = Field(default_factory=list)
    regions: list[str] = Field(default_factory=list)
    household_types: list[str] = Field(default_factory=list)
    education_levels: list[Literal["secondary", "higher", "technical"]] = Field(
        default_factory=list
    )
    relocated: bool | None = None
    key_county: bool | None = None
    verified: bool | None = None
    new_labour: bool = False  # with source roster: the 新成长劳动力 roster as well

    @field_validator("graduation_year", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return value if isinstance(value, list) else [value]


class CampaignButton(BaseModel):
    """One answer button: its text (a locale key), the value recorded, and what follows."""

    label: str
    value: str = Field(pattern=ANSWER_VALUE)
    reply: str | None = None
    status: Literal["employed", "self_employed", "seeking", "further_study"] | None = None


class CampaignSettings(BaseModel):
    """A seasonal campaign (入学季/毕业季): window, audience, message, buttons."""

    enabled: bool = True
    start: str | None = Field(default=None, pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
    end: str | None = Field(default=None, pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
    cron: str | None = None
    avoid_holidays: bool = True
    audience: CampaignAudience = Field(default_factory=CampaignAudience)
    title: str
    message: str
    thanks: str
    buttons: list[CampaignButton] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_window(self) -> CampaignSettings:
        dates = self.start is not None and self.end is not None
        if dates == (self.cron is not None) or (self.start is None) != (self.end is None):
            raise ValueError("give either start and end (MM-DD) or cron, not both")
        return self


def _default_campaigns() -> dict[str, CampaignSettings]:
    """The two built-in campaigns; config.yml repeats them with a comment on every key."""
    graduation = [
        ("found_job", "employed"),
        ("job_fair", "seeking"),
        ("internship", "seeking"),
        ("further_study", "further_study"),
        ("not_now", None),
    ]
    enrollment = ("enrol", "considering", "working", "not_now")
    return {
        "graduation": CampaignSettings(
            start="04-01",
            end="07-31",
            audience=CampaignAudience(graduation_year=["this_year"]),
            title="campaign-graduation-title",
            message="campaign-graduation-message",
            thanks="campaign-graduation-thanks",
            buttons=[
                CampaignButton(
                    label=f"campaign-graduation-btn-{v}",
                    value=v,
                    status=s,
                    reply=f"campaign-graduation-reply-{v}",
                )
                for v, s in graduation
            ],
        ),
        "enrollment": CampaignSettings(
            start="06-15",
            end="09-15",
            audience=CampaignAudience(
                source="roster",
                graduation_year=["this_year"],
                household_types=["脱贫家庭", "监测对象"],
                new_labour=True,
            ),
            title="campaign-enrollment-title",
            message="campaign-enrollment-message",
            thanks="campaign-enrollment-thanks",
            buttons=[
                CampaignButton(
                    label=f"campaign-enrollment-btn-{v}",
                    value=v,
                    reply=f"campaign-enrollment-reply-{v}",
                )
                for v in enrollment
            ],
        ),
    }


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="YULU_",
        env_nested_delimiter="_",
        env_nested_max_split=1,
        extra="ignore",
    )

    env: Literal["development", "production", "sandbox"] = "development"
    database_url: str = "sqlite:///yulu.db"
    secret_key: SecretStr | None = None
    timezone: str = "Asia/Shanghai"
    log_level: str = "INFO"
    consent_version: str = "2026-11"
    invite_ttl_hours: int = 72
    operator: str = ""  # who runs CLI commands on personal data (--operator overrides it)
    # `yulu run`: new objects between two young garbage collections (yulu/core/collector.py);
    # 0 keeps Python's default (700)
    gc_young: int = Field(default=50_000, ge=0)
    stop_words: list[str] = Field(default_factory=_default_stop_words)
    telegram: TelegramSettings = Field(default_factory=TelegramSettings)
    sandbox: SandboxSettings = Field(default_factory=SandboxSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    nlu: NluSettings = Field(default_factory=NluSettings)
    outbox: OutboxSettings = Field(default_factory=OutboxSettings)
    checkin: CheckinSettings = Field(default_factory=CheckinSettings)
    cases: CaseSettings = Field(default_factory=CaseSettings)
    matching: MatchingSettings = Field(default_factory=MatchingSettings)
    report: ReportSettings = Field(default_factory=ReportSettings)
    scheduler: SchedulerSettings = Field(default_factory=SchedulerSettings)
    campaigns: dict[str, CampaignSettings] = Field(default_factory=_default_campaigns)
    config_file: Path | None = None

    @field_validator("campaigns")
    @classmethod
    def _campaign_names(cls, value: dict[str, CampaignSettings]) -> dict[str, CampaignSettings]:
        bad = [name for name in value if not re.fullmatch(CAMPAIGN_NAME, name)]
        if bad:
            raise ValueError(f"campaign names must be lowercase a-z0-9_ (≤20): {', '.join(bad)}")
        return value

    @field_validator("database_url")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("database_url must not be empty")
        return value.strip()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The YAML file arrives as init kwargs; the environment must beat it.
        return env_settings, init_settings

    @property
    def uses_sandbox(self) -> bool:
        """No real token configured: run against the local Bot API sandbox."""
        token = self.telegram.token
        return token is None or not token.get_secret_value().strip()


class ConfigError(Exception):
    """The configuration file or environment cannot be used."""


def read_yaml(path: Path) -> dict[str, Any]:
    """Read a YAML config file into a dict (an empty file is an empty config)."""
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of keys")
    return loaded


def load_settings(config_path: Path | None = None) -> Settings:
    """Load settings from a config file (default ./config.yml if present) and the environment."""
    path = config_path or Path(os.environ.get("YULU_CONFIG", DEFAULT_CONFIG_FILE))
    if config_path is not None and not path.exists():
        raise ConfigError(f"config file not found: {path}")
    values = read_yaml(path) if path.exists() else {}
    settings = Settings(**values)
    settings.config_file = path if path.exists() else None
    return settings
