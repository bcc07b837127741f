"""The retention policy and the sweep's time, from the environment (prefix PECR_TRAFFIC_), e.g.
`PECR_TRAFFIC_BILLING_MONTHS=18`, `PECR_TRAFFIC_SWEEP_HOUR=3`. Defaults are `traffic.rules.RetentionPolicy`'s."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from traffic.rules import RetentionPolicy


class TrafficSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PECR_TRAFFIC_", env_file=None, extra="ignore")

    transmission_hours: int = Field(default=24, ge=0, le=24 * 31)
    open_session_days: int = Field(default=7, ge=1, le=90)
    billing_months: int = Field(default=12, ge=1, le=72)
    appeal_days: int = Field(default=28, ge=0, le=366)
    limitation_years: int = Field(default=6, ge=1, le=6)
    consented_days: int = Field(default=90, ge=1, le=3660)
    sweep_hour: int = Field(default=2, ge=0, le=23, description="hour of the nightly erasure sweep (scheduler zone)")
    sweep_minute: int = Field(default=30, ge=0, le=59)
    sweep_batch: int = Field(default=20_000, ge=100, le=1_000_000, description="ids per sweep batch")
    partitions_ahead_days: int = Field(default=7, ge=1, le=60)

    def policy(self) -> RetentionPolicy:
        return RetentionPolicy(
            transmission_hours=self.transmission_hours,
            open_session_days=self.open_session_days,
            billing_months=self.billing_months,
            appeal_days=self.appeal_days,
            limitation_years=self.limitation_years,
            consented_days=self.consented_days,
        )
