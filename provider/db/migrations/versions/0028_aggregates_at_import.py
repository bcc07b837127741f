"""traffic's anonymous counts are added when records are imported, no longer when they are erased

Until this revision `traffic_aggregate` counted erased records only; from now on the import counts each
record as it writes it and the sweep adds nothing. The records stored at upgrade were counted by neither,
so they are added here, in one statement; a downgrade takes the records still stored back out, so the
counts again cover erased records only.

Revision ID: 0028_aggregates_at_import
Revises: 0027_erase_receipt_counts
Create Date: 2026-12-08 00:50:00.000000
"""
from alembic import op


revision = '0028_aggregates_at_import'
down_revision = '0027_erase_receipt_counts'
branch_labels = None
depends_on = None

STORED = (
    "SELECT day, kind, direction, count(*) AS records, coalesce(sum(duration_seconds), 0) AS seconds, "
    "coalesce(sum(volume_bytes), 0) AS volume_bytes FROM traffic_record GROUP BY day, kind, direction"
)


def upgrade() -> None:
    # WHERE true: SQLite needs it to read ON CONFLICT after a SELECT as the upsert, not a join
    op.execute(
        "INSERT INTO traffic_aggregate (day, kind, direction, records, seconds, volume_bytes) "
        f"SELECT day, kind, direction, records, seconds, volume_bytes FROM ({STORED}) AS stored WHERE true "
        "ON CONFLICT (day, kind, direction) DO UPDATE SET records = traffic_aggregate.records + excluded.records, "
        "seconds = traffic_aggregate.seconds + excluded.seconds, "
        "volume_bytes = traffic_aggregate.volume_bytes + excluded.volume_bytes"
    )


def downgrade() -> None:
    op.execute(
        f"UPDATE traffic_aggregate SET records = traffic_aggregate.records - stored.records, "
        f"seconds = traffic_aggregate.seconds - stored.seconds, "
        f"volume_bytes = traffic_aggregate.volume_bytes - stored.volume_bytes FROM ({STORED}) AS stored "
        "WHERE traffic_aggregate.day = stored.day AND traffic_aggregate.kind = stored.kind "
        "AND traffic_aggregate.direction = stored.direction"
    )
    op.execute("DELETE FROM traffic_aggregate WHERE records = 0")
