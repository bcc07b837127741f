"""directory notice letters pending until staff confirm posting

Revision ID: 0021_directory_letters_posted
Revises: 0020_traffic_consented_index
Create Date: 2026-12-03 09:35:00.000000
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import provider.db.types


revision = '0021_directory_letters_posted'
down_revision = '0020_traffic_consented_index'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('directory_notice_letter',
    sa.Column('batch_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('subscriber_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reference', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('posted_at', provider.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['directory_notice_batch.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('batch_id', 'subscriber_id')
    )
    with op.batch_alter_table('directory_notice_letter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_directory_notice_letter_subscriber_id'), ['subscriber_id'], unique=False)

    with op.batch_alter_table('directory_notice_batch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('posted_at', provider.db.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('posted_by', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('directory_notice_batch', schema=None) as batch_op:
        batch_op.drop_column('posted_by')
        batch_op.drop_column('posted_at')

    with op.batch_alter_table('directory_notice_letter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_directory_notice_letter_subscriber_id'))

    op.drop_table('directory_notice_letter')
