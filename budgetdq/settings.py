"""budgetdq's settings: one typed object; environment variables override the config file.

The config file is TOML (`budgetdq.toml` in the working directory, or `--config PATH`)::

    slack_channel = "#budget-quality"
    dashboard_url = "https://dq.example.gov.cn"

    [[routes]]                     # first matching route wins; otherwise slack_channel
    department = "105"
    channel = "C0CHAOYANG"
    min_severity = "error"

    [[routes]]                     # a suite's findings in a channel of their own
    suite = "indicators"
    channel = "C0PERFORMANCE"

Each channel a disclosure's findings go to gets its own thread for that disclosure.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from budgetdq.parse.limits import Limits

__all__ = ["ConfigError", "Route", "Settings", "alerted", "load_settings"]

Severity = Literal["error", "warning", "info"]
DEFAULT_CONFIG = Path("budgetdq.toml")
SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


_TOKEN = re.compile(r"[\x21-\x7e]+")


class ConfigError(ValueError):
    """A config file that cannot be read; the message names the file and the key."""


class Route(BaseModel):
    """Where a department's (or a suite's) alerts go."""

    channel: str = Field(description="Slack channel id or name")
    department: str | None = Field(None, description="department code, e.g. 105; any when unset")
    suite: str | None = Field(None, description="only findings of this suite; any when unset")
    min_severity: Severity | None = Field(None, description="least severity sent on this route")


class Settings(BaseSettings):
    """Every setting has a default; `SLACK_BOT_TOKEN`, `SLACK_API_URL` … override the file."""

    model_config = SettingsConfigDict(env_prefix="", extra="forbid", populate_by_name=True)

    slack_bot_token: SecretStr | None = Field(
        None, description="Slack bot token; without it alerts stay in the outbox (files)"
    )
    slack_api_url: str = Field(
        "https://slack.com/api/", description="Slack Web API base URL (tests and proxies)"
    )
    slack_channel: str = Field("#budget-quality", description="default channel for alerts")
    dashboard_url: str = Field(
        "http://localhost:8501", description="dashboard base URL used in alert deep links"
    )
    alert_min_severity: Severity = Field("warning", description="least severity that is alerted")
    renotify_hours: int | None = Field(
        None, description="remind of still-open errors after this many hours (off when unset)"
    )
    routes: list[Route] = Field(default_factory=list, description="per department/suite channels")
    limits: Limits = Field(default_factory=Limits, description="what one document may be")
    sources: list[dict[str, Any]] = Field(
        default_factory=list,
        description="publication sites and folders to watch ([[sources]], see budgetdq.sources)",
    )

    @field_validator("slack_bot_token")
    @classmethod
    def _token_is_printable_ascii(cls, token: SecretStr | None) -> SecretStr | None:
        """A token with a space, a line break or a non-ASCII character (pasted with a stray
        full-width character) is refused here, at start-up, and the message shows none of it."""
        if token is not None and not _TOKEN.fullmatch(token.get_secret_value()):
            raise ValueError(
                "SLACK_BOT_TOKEN 含有空白、换行或非 ASCII 字符，请重新复制（出于安全，不显示其内容）"
            )
        return token

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """The environment overrides the values given (those of the config file)."""
        return (env_settings, init_settings)

    def route(self, department: str, suite: str) -> tuple[str, Severity]:
        """The channel and least alerted severity for a department's findings of a suite."""
        for route in self.routes:
            if route.department in (None, department) and route.suite in (None, suite):
                return route.channel, route.min_severity or self.alert_min_severity
        return self.slack_channel, self.alert_min_severity


def alerted(severity: str, least: Severity) -> bool:
    """Whether a finding of `severity` is alerted where `least` is the least alerted severity."""
    return SEVERITY_RANK[severity] <= SEVERITY_RANK[least]


def load_settings(config: Path | None = None) -> Settings:
    """Settings from the config file (if any) overridden by the environment."""
    path = config or DEFAULT_CONFIG
    values: dict = {}
    if config is not None or path.exists():
        try:
            values = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read the config file: {exc}") from exc
    try:
        return Settings(**values)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}" for error in exc.errors()
        )
        # `from None`: the validation error would repeat the values given, the token among them.
        raise ConfigError(f"{path} (or the environment): {problems}") from None
