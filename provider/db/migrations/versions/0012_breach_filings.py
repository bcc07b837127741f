"""Breach filings record what really happened: the submission to the ICO and its acknowledgement

Revision ID: 0012_breach_filings
Revises: 0011_breach_documents
Create Date: 2026-12-02 15:00:00.000000

A filing is the permanent document; its submission to the ICO (when, how, by whom) is a row of its own,
and the statutory deadline is met by that time. Filings made before this revision were treated as
submitted when they were made, and their obligations were met then: each gets a submission row saying so
(method "online_form", recorded by this migration), so nothing already met appears unsubmitted.

Annex I items 16 (individuals in other countries) and 17 (other authorities notified) become separate
answers on the breach; the older single cross-border answer is kept as it was. Corrections of a breach's
times after its statutory deadline wait for approval in breach_correction.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

import provider.db.types


revision = '0012_breach_filings'
down_revision = '0011_breach_documents'
branch_labels = None
depends_on = None

UTC = provider.db.types.UTCDateTime(timezone=True)
BIG = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
MIGRATED_BY = 'migration 0012 (filed before submissions were recorded)'


def _string(length):
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    # Plain ADD COLUMN (with a default, so existing rows get ''): a batch rebuild of `breach` on SQLite would
    # drop the table that notices and obligations reference, and with foreign keys on that deletes their rows.
    op.add_column('breach', sa.Column('other_countries', sa.Text(), nullable=False, server_default=''))
    op.add_column('breach', sa.Column('other_authorities', sa.Text(), nullable=False, server_default=''))
    _create_corrections()
    op.create_table(
        'breach_filing_submission',
        sa.Column('id', BIG, nullable=False),
        sa.Column('filing_id', BIG, nullable=False),
        sa.Column('submitted_at', UTC, nullable=False),
        sa.Column('method', sa.String(length=16), nullable=False),
        sa.Column('submitted_by', _string(200), nullable=False),
        sa.Column('late', sa.Boolean(), nullable=False),
        sa.Column('late_by_seconds', BIG, nullable=True),
        sa.Column('delay_reasons', sa.Text(), nullable=False),
        sa.Column('recorded_at', UTC, nullable=False),
        sa.Column('recorded_by', _string(100), nullable=False),
        sa.ForeignKeyConstraint(['filing_id'], ['breach_filing.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(
        op.f('ix_breach_filing_submission_filing_id'), 'breach_filing_submission', ['filing_id'], unique=True
    )
    op.create_table(
        'breach_filing_ack',
        sa.Column('id', BIG, nullable=False),
        sa.Column('filing_id', BIG, nullable=False),
        sa.Column('case_reference', _string(50), nullable=False),
        sa.Column('received_at', UTC, nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('file_name', _string(255), nullable=False),
        sa.Column('content_type', _string(100), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=True),
        sa.Column('content_sha256', _string(64), nullable=False),
        sa.Column('recorded_at', UTC, nullable=False),
        sa.Column('recorded_by', _string(100), nullable=False),
        sa.ForeignKeyConstraint(['filing_id'], ['breach_filing.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_breach_filing_ack_filing_id'), 'breach_filing_ack', ['filing_id'], unique=False)
    op.execute(
        sa.text(
            'INSERT INTO breach_filing_submission (filing_id, submitted_at, method, submitted_by, late, '
            "late_by_seconds, delay_reasons, recorded_at, recorded_by) SELECT id, filed_at, 'online_form', "
            "filed_by, late, late_by_seconds, '', filed_at, :by FROM breach_filing"
        ).bindparams(by=MIGRATED_BY[:100])
    )


def downgrade() -> None:
    op.drop_index(op.f('ix_breach_correction_breach_id'), table_name='breach_correction')
    op.drop_table('breach_correction')
    with op.batch_alter_table('breach', schema=None) as batch_op:
        batch_op.drop_column('other_authorities')
        batch_op.drop_column('other_countries')
    op.drop_index(op.f('ix_breach_filing_ack_filing_id'), table_name='breach_filing_ack')
    op.drop_table('breach_filing_ack')
    op.drop_index(op.f('ix_breach_filing_submission_filing_id'), table_name='breach_filing_submission')
    op.drop_table('breach_filing_submission')


def _create_corrections() -> None:
    op.create_table(
        'breach_correction',
        sa.Column('id', BIG, nullable=False),
        sa.Column('breach_id', BIG, nullable=False),
        sa.Column('changes', sa.JSON(), nullable=False),
        sa.Column('before', sa.JSON(), nullable=False),
        sa.Column('original_due', sa.JSON(), nullable=False),
        sa.Column('justification', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('requested_by', _string(100), nullable=False),
        sa.Column('requested_at', UTC, nullable=False),
        sa.Column('decided_by', _string(100), nullable=False),
        sa.Column('decided_at', UTC, nullable=True),
        sa.Column('decision_note', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['breach_id'], ['breach.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_breach_correction_breach_id'), 'breach_correction', ['breach_id'], unique=False)
