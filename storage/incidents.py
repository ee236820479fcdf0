"""Incidents: a confirmed regression of one check of one service, open until it recovers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.schema_models import Base, Service, utcnow


class Incident(Base):
    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id"), index=True)
    # A check id, or "availability" for a service that could not be reached.
    check_id: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)  # open | closed
    change: Mapped[str] = mapped_column(Text)
    baseline_status: Mapped[str | None] = mapped_column(String(40))
    current_status: Mapped[str | None] = mapped_column(String(40))
    # When the regression was first seen (the first of the K confirming runs).
    since: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    baseline_run_id: Mapped[int | None] = mapped_column(ForeignKey("service_runs.id"))
    opened_run_id: Mapped[int] = mapped_column(ForeignKey("service_runs.id"))
    closed_run_id: Mapped[int | None] = mapped_column(ForeignKey("service_runs.id"))
    opened_campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    closed_campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    page_url: Mapped[str | None] = mapped_column(String(2000))
    screenshot_sha: Mapped[str | None] = mapped_column(String(64))
    last_notified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Opened during a mass regression (probably our side): ministries were not told.
    suppressed: Mapped[bool] = mapped_column(Boolean, default=False)

    service: Mapped[Service] = relationship()
