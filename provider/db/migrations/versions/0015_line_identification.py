"""Line identification: per-line CLI settings and their history, numbering data and its imports, the
state row that invalidates every replica's decision cache, malicious-call traces with captures and
disclosures, and requests to stop call forwarding

Revision ID: 0015_line_identification
Revises: 0014_traffic_consent
Create Date: 2026-12-02 14:57:06.721182

New tables only; nothing existing changes. Downgrade drops them.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import provider.db.types


revision = '0015_line_identification'
down_revision = '0014_traffic_consent'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('line_identification_state',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('epoch', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('version', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('changed_at', provider.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('numbering_import',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('list', sa.String(length=16), nullable=False),
    sa.Column('filename', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('rows', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('imported_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('imported_at', provider.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('numbering_import', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_numbering_import_list'), ['list'], unique=False)

    op.create_table('numbering_range',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('list', sa.String(length=16), nullable=False),
    sa.Column('prefix', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('allocated', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('list', 'prefix', name='uq_numbering_range_list_prefix')
    )
    op.create_table('line_cli_change',
    sa.Column('withhold_all', sa.Boolean(), nullable=False),
    sa.Column('hide_incoming', sa.Boolean(), nullable=False),
    sa.Column('reject_anonymous', sa.Boolean(), nullable=False),
    sa.Column('rejection_method', sa.String(length=16), nullable=False),
    sa.Column('rejection_charge', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('withhold_connected', sa.Boolean(), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('line_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('requested_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('requested_at', provider.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('recorded_at', provider.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['line_id'], ['subscriber_line.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('line_cli_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_line_cli_change_line_id'), ['line_id'], unique=False)

    op.create_table('line_cli_setting',
    sa.Column('withhold_all', sa.Boolean(), nullable=False),
    sa.Column('hide_incoming', sa.Boolean(), nullable=False),
    sa.Column('reject_anonymous', sa.Boolean(), nullable=False),
    sa.Column('rejection_method', sa.String(length=16), nullable=False),
    sa.Column('rejection_charge', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('withhold_connected', sa.Boolean(), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('line_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('requested_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('requested_at', provider.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('changed_at', provider.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['line_id'], ['subscriber_line.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('line_id')
    )
    with op.batch_alter_table('line_cli_setting', schema=None) as batch_op:
        batch_op.create_index('ix_line_cli_setting_version', ['version'], unique=False)

    op.create_table('line_forwarding_request',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('line_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('forwarded_from', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('requested_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('requested_at', provider.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('due_at', provider.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('completed_at', provider.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('completed_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.ForeignKeyConstraint(['line_id'], ['subscriber_line.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('line_forwarding_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_line_forwarding_request_line_id'), ['line_id'], unique=False)

    op.create_table('line_trace_request',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('line_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('requested_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('requested_at', provider.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('decided_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('decided_at', provider.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reasons', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('active_from', provider.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('active_until', provider.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('created_at', provider.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['line_id'], ['subscriber_line.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('line_trace_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_line_trace_request_line_id'), ['line_id'], unique=False)

    op.create_table('line_trace_capture',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('trace_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('caller_number', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('withheld', sa.Boolean(), nullable=False),
    sa.Column('captured_at', provider.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['trace_id'], ['line_trace_request.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('line_trace_capture', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_line_trace_capture_trace_id'), ['trace_id'], unique=False)

    op.create_table('line_trace_disclosure',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('trace_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('recipient', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('legitimate_interest', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('disclosed', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('disclosed_at', provider.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('disclosed_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.ForeignKeyConstraint(['trace_id'], ['line_trace_request.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('line_trace_disclosure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_line_trace_disclosure_trace_id'), ['trace_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('line_trace_disclosure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_line_trace_disclosure_trace_id'))

    op.drop_table('line_trace_disclosure')
    with op.batch_alter_table('line_trace_capture', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_line_trace_capture_trace_id'))

    op.drop_table('line_trace_capture')
    with op.batch_alter_table('line_trace_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_line_trace_request_line_id'))

    op.drop_table('line_trace_request')
    with op.batch_alter_table('line_forwarding_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_line_forwarding_request_line_id'))

    op.drop_table('line_forwarding_request')
    with op.batch_alter_table('line_cli_setting', schema=None) as batch_op:
        batch_op.drop_index('ix_line_cli_setting_version')

    op.drop_table('line_cli_setting')
    with op.batch_alter_table('line_cli_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_line_cli_change_line_id'))

    op.drop_table('line_cli_change')
    op.drop_table('numbering_range')
    with op.batch_alter_table('numbering_import', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_numbering_import_list'))

    op.drop_table('numbering_import')
    op.drop_table('line_identification_state')
