"""Ids, foreign keys and counts become 64-bit (BIGINT) on PostgreSQL

Revision ID: 0009_big_ids
Revises: 0008_wording
Create Date: 2026-12-02 15:00:00.000000

The API accepts ids up to 2**63-1, and counts (individuals affected, rows touched) can pass 2**31, while
every integer column was a 32-bit INTEGER on PostgreSQL: a large but valid id was a database error (a
500) instead of a 404, and a large count could not be stored. Every integer column of the schema is an
id, a foreign key, a count, a sequence number or a number of seconds, so all of them widen, and the
sequences behind the serial ids widen with them (a sequence created for a SERIAL stops at 2**31-1).
SQLite's INTEGER is already 64-bit, so nothing changes there.
"""
from alembic import op
import sqlalchemy as sa


revision = '0009_big_ids'
down_revision = '0008_wording'
branch_labels = None
depends_on = None

COLUMNS = {
    'api_token': ('id', 'user_id'),
    'audit_event': ('actor_id', 'id'),
    'audit_head': ('id', 'last_event_id'),
    'breach': ('id', 'individuals_affected'),
    'breach_filing': ('breach_id', 'id', 'late_by_seconds', 'sequence', 'supersedes_id'),
    'breach_log_submission': ('breach_count', 'id', 'late_by_seconds', 'obligation_id'),
    'breach_notice_assessment': ('breach_id', 'id', 'sequence'),
    'breach_notice_batch': ('assessment_id', 'breach_id', 'generated', 'id', 'sequence', 'template_id', 'total'),
    'breach_notice_media': ('breach_id', 'id', 'template_id'),
    'breach_notice_recipient': ('batch_id', 'breach_id', 'id', 'line_user_id', 'subscriber_id', 'template_id'),
    'deadline_owner': ('deputy_user_id', 'id', 'owner_id', 'owner_user_id'),
    'job_run': ('id', 'rows_touched'),
    'line_user': ('id', 'line_id'),
    'obligation': ('id', 'late_by_seconds', 'owner_id'),
    'provider_profile': ('id',),
    'reminder': ('id', 'obligation_id'),
    'scheduler_lease': ('id',),
    'subscriber': ('id',),
    'subscriber_line': ('id', 'subscriber_id'),
    'subscriber_name_word': ('subscriber_id',),
    'user_account': ('failed_logins', 'id', 'totp_last_step'),
    'web_session': ('id', 'user_id'),
    'wording_served': ('person_id', 'served_in_id', 'version_id'),
    'wording_text': ('id', 'owner_id'),
    'wording_version': ('id', 'text_id', 'version'),
}


def _alter(type_, sequence_type):
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        return
    for table, columns in COLUMNS.items():
        for column in columns:
            op.alter_column(table, column, type_=type_)
        if 'id' in columns:
            sequence = bind.execute(sa.text('SELECT pg_get_serial_sequence(:table, :column)'),
                                    {'table': table, 'column': 'id'}).scalar()
            if sequence:
                op.execute(f'ALTER SEQUENCE {sequence} AS {sequence_type}')


def upgrade():
    _alter(sa.BigInteger(), 'bigint')


def downgrade():
    _alter(sa.Integer(), 'integer')
