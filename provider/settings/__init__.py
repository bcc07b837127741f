"""Configuration from the environment (prefix PECR_), with safe laptop defaults.

Production mode (PECR_ENV=production) refuses to start with a default or missing secret, because a
known secret key forges sessions and a known master key decrypts every protected field.
"""

from __future__ import annotations

import os
import stat
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SECRET = "development-only-secret-key-change-me"
DEVELOPMENT_MASTER_KEY = "development-only-master-key-change-me"


class InsecureConfiguration(RuntimeError):
    """Raised when production mode would run with a default or missing secret."""


def _refuse_open_key_store(path: str) -> None:
    """Production needs the key store made beforehand (a missing one is most likely an unmounted volume:
    writing new keys there would make every stored record read as erased) and readable by no one else."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise InsecureConfiguration(f"PECR_KEY_STORE {path} does not exist: mount or restore it") from None
    if not stat.S_ISDIR(mode):
        raise InsecureConfiguration(f"PECR_KEY_STORE {path} must be a directory")
    if mode & 0o077:
        raise InsecureConfiguration(f"PECR_KEY_STORE {path} must be private to its owner (chmod 700)")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PECR_", env_file=None, extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///./pecr.db"
    secret_key: SecretStr = SecretStr(DEVELOPMENT_SECRET)
    master_key: SecretStr | None = None
    master_key_file: str | None = None
    # The directory of wrapped data keys (provider.security.keystore): outside the database, so a database backup
    # never holds the keys that read it. In production it must exist, be a directory and be private (0700).
    key_store: str = "./keys"
    timezone: str = "Europe/London"

    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = True
    smtp_sender: str = "pecr@localhost"

    session_hours: int = Field(default=8, ge=1, le=72)
    login_max_failures: int = Field(default=5, ge=1)
    login_lockout_minutes: int = Field(default=15, ge=1)
    scheduler_lease_seconds: int = Field(default=30, ge=5)
    scheduler_heartbeat_seconds: int = Field(default=10, ge=1)
    breach_log_due_day: int = Field(default=7, ge=1, le=28)
    breach_escalation_email: str | None = None
    # Itemised bills (reg 9, GC C3): numbers never identifiable on a bill, and the default choice.
    billing_free_number_prefixes: tuple[str, ...] = ("0800", "0808", "116")
    billing_itemised_by_default: bool = True
    # (policy) Months after its bill period that the imported call list keeps a call (reg 7: only while the
    # bill may be challenged), then the nightly job erases it; the default is traffic's billing class's.
    billing_call_list_months: int = Field(default=12, ge=1, le=72)
    # Request limits (provider.web.limits; `pecr serve` sets the server's own, see README "Limits").
    max_body_bytes: int = Field(default=25 * 1024 * 1024, ge=1024, description="larger request bodies get a 413")
    max_json_depth: int = Field(default=32, ge=2, le=1000, description="deeper JSON bodies get a 422")
    body_timeout_seconds: float = Field(default=30, gt=0, description="a body arriving slower gets a 408")
    max_header_bytes: int = Field(default=16 * 1024, ge=1024, description="request line and headers (pecr serve)")
    keep_alive_seconds: int = Field(default=5, ge=1, description="idle keep-alive connections close (pecr serve)")
    max_connections: int = Field(default=500, ge=1, description="more concurrent connections get a 503 (pecr serve)")
    # Calling line identification (provider.line_identification): per-call codes, what is offered and charged.
    cli_withhold_prefix: str = Field(default="141", pattern=r"^[0-9*#]{1,8}$")
    cli_release_prefix: str = Field(default="1470", pattern=r"^[0-9*#]{1,8}$")
    cli_rejection_network: bool = True  # anonymous-call rejection is offered in the network (else a device option)
    cli_rejection_charge: str = "free of charge"
    # A call from abroad presenting a UK mobile number (+447) whose switch says nothing of roaming: True
    # carries it as a roaming UK mobile; False (the default) blocks it: C6 lets only a roaming UK mobile through.
    cli_unverified_uk_mobile_roaming: bool = False
    call_forwarding_target_hours: int = Field(default=24, ge=1, le=720)
    # (policy) Days a trace's captured callers are kept once its active period has ended, for the
    # complaint and any disclosure to follow; then they are erased (provider.line_identification.jobs).
    cli_trace_capture_retention_days: int = Field(default=90, ge=0, le=3650)
    # Addresses (comma-separated IPs or networks) whose X-Forwarded-Proto/-For uvicorn believes: the TLS
    # proxy's. Anyone else could claim https or any client address. "*" trusts every peer.
    forwarded_allow_ips: str = "127.0.0.1"
    # Administrators must set up two-step verification before any page opens. Unset: on in production.
    require_admin_mfa: bool | None = None
    # Seconds to wait for a database connection (new or from the pool) before answering 503.
    database_connect_timeout: int = Field(default=2, ge=1, le=60)
    # PECR reg 18: how long an informed individual has to opt out before being listed.
    # Security-risk notices (reg 5): how many times an e-mail is tried before it is left to the letter.
    security_risk_email_attempts: int = Field(default=3, ge=1, le=20)
    directory_notice_wait_days: int = Field(default=28, ge=0, le=365)

    @model_validator(mode="after")
    def _refuse_default_secrets_in_production(self) -> Settings:
        if self.env != "production":
            return self
        if self.secret_key.get_secret_value() in ("", DEVELOPMENT_SECRET):
            raise InsecureConfiguration("PECR_SECRET_KEY must be set to a private value in production")
        if self.master_key_value() in ("", DEVELOPMENT_MASTER_KEY):
            raise InsecureConfiguration(
                "PECR_MASTER_KEY or PECR_MASTER_KEY_FILE must be set to a private value in production"
            )
        _refuse_open_key_store(self.key_store)
        return self

    def master_key_value(self) -> str:
        if self.master_key is not None:
            return self.master_key.get_secret_value()
        if self.master_key_file:
            with open(self.master_key_file, encoding="utf-8") as handle:
                return handle.read().strip()
        return DEVELOPMENT_MASTER_KEY

    @property
    def admin_mfa_required(self) -> bool:
        return self.env == "production" if self.require_admin_mfa is None else self.require_admin_mfa

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def smtp_configured(self) -> bool:
        return bool(self.smtp_host)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
