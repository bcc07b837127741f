"""Subscriber name words: find a subscriber by the start of any word of the name

Revision ID: 0006_subscriber_search
Revises: 0005_breach_notices
Create Date: 2026-11-24 10:00:00.000000

The table is derived from `subscriber.name`, so upgrading fills it for the subscribers already held,
in batches by id (memory stays flat at millions of rows). It uses the application's own tokeniser
(provider.subscribers.search.indexed_words) so the rows match what the running code writes and searches.

On PostgreSQL the search keys move to the "C" collation (provider.subscribers.models.KEY_TYPE), so the
database orders them as Python does whatever collation the database was created with; PostgreSQL
rebuilds the name index as part of the change. SQLite already compares them byte by byte.
"""
from alembic import op
import sqlalchemy as sa


revision = '0006_subscriber_search'
down_revision = '0005_breach_notices'
branch_labels = None
depends_on = None

BACKFILL_BATCH = 5000
KEY_TYPE = sa.String(200).with_variant(sa.String(200, collation='C'), 'postgresql')


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.alter_column('subscriber', 'name_key', type_=sa.String(200, collation='C'),
                        existing_type=sa.String(200), existing_nullable=False)
    op.create_table('subscriber_name_word',
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('word', KEY_TYPE, nullable=False),
    sa.Column('name_key', KEY_TYPE, nullable=False),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscriber.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('subscriber_id', 'word'),
    sqlite_with_rowid=False,
    )
    _backfill()
    # Built after the backfill: one sort instead of millions of random inserts.
    with op.batch_alter_table('subscriber_name_word', schema=None) as batch_op:
        batch_op.create_index('ix_subscriber_name_word_word', ['word', 'name_key', 'subscriber_id'], unique=False)


def _backfill() -> None:
    # Deliberately the application's own splitting: the rows must be exactly what the running code
    # searches for. Any later change to indexed_words() must ship a migration that rebuilds this table.
    from provider.subscribers.search import indexed_words

    bind = op.get_bind()
    subscriber = sa.table('subscriber', sa.column('id', sa.Integer), sa.column('name', sa.String),
                          sa.column('name_key', sa.String))
    words = sa.table('subscriber_name_word', sa.column('subscriber_id', sa.Integer), sa.column('word', sa.String),
                     sa.column('name_key', sa.String))
    last_id = 0
    while True:
        batch = bind.execute(sa.select(subscriber.c.id, subscriber.c.name, subscriber.c.name_key)
                             .where(subscriber.c.id > last_id).order_by(subscriber.c.id)
                             .limit(BACKFILL_BATCH)).all()
        if not batch:
            return
        rows = [{'subscriber_id': row_id, 'word': word, 'name_key': key}
                for row_id, name, key in batch for word in indexed_words(name, key)]
        if rows:
            bind.execute(words.insert(), rows)
        last_id = batch[-1][0]


def downgrade() -> None:
    with op.batch_alter_table('subscriber_name_word', schema=None) as batch_op:
        batch_op.drop_index('ix_subscriber_name_word_word')

    op.drop_table('subscriber_name_word')
    if op.get_bind().dialect.name == 'postgresql':
        op.alter_column('subscriber', 'name_key', type_=sa.String(200), existing_type=sa.String(200, collation='C'),
                        existing_nullable=False)
