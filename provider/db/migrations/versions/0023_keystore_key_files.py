"""traffic data keys move out of the database into the key store directory (PECR_KEY_STORE)

A database backup must not hold the keys that read it: every live wrapped key is written to its own file
in the key store (the same wrapped bytes, so the master key still opens it), then the table is dropped.
A file already there is kept (a re-run after an interruption writes nothing twice). The downgrade
brings the files' keys back into a new table and leaves the files in place.

Revision ID: 0023_keystore_key_files
Revises: 0022_security_risk_resume
Create Date: 2026-12-07 17:10:00.000000
"""
import base64
import json
import os
import secrets
from datetime import UTC, date, datetime
from pathlib import Path

from alembic import op
import sqlalchemy as sa
import provider.db.types
from provider.settings import Settings


revision = '0023_keystore_key_files'
down_revision = '0022_security_risk_resume'
branch_labels = None
depends_on = None

BIG = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
UTC = provider.db.types.UTCDateTime(timezone=True)


def _store() -> Path:
    path = Path(Settings().key_store)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _write(store: Path, name: str, wrapped: bytes, fingerprint: str, created_at) -> None:
    target = store / (name.replace(':', '-') + '.key')
    if target.exists():
        return
    content = json.dumps({'name': name, 'master_fingerprint': fingerprint,
                          'wrapped_key': base64.b64encode(wrapped).decode(),
                          'created_at': str(getattr(created_at, 'isoformat', lambda: created_at)())}).encode()
    temporary = store / f'.{target.name}.{secrets.token_hex(8)}.tmp'
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(descriptor, content)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    os.replace(temporary, target)


def upgrade() -> None:
    rows = op.get_bind().execute(sa.text(
        'SELECT name, wrapped_key, master_fingerprint, created_at FROM traffic_data_key '
        'WHERE wrapped_key IS NOT NULL')).all()
    if rows:
        store = _store()
        for name, wrapped, fingerprint, created_at in rows:
            _write(store, name, bytes(wrapped), fingerprint, created_at)
        descriptor = os.open(store, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    op.drop_index(op.f('ix_traffic_data_key_day'), table_name='traffic_data_key')
    op.drop_table('traffic_data_key')


def downgrade() -> None:
    table = op.create_table(
        'traffic_data_key',
        sa.Column('id', BIG, nullable=False),
        sa.Column('name', sa.String(32), nullable=False),
        sa.Column('day', sa.Date(), nullable=True),
        sa.Column('wrapped_key', sa.LargeBinary(), nullable=True),
        sa.Column('master_fingerprint', sa.String(32), nullable=False),
        sa.Column('created_at', UTC, nullable=False),
        sa.Column('rewrapped_at', UTC, nullable=True),
        sa.Column('destroyed_at', UTC, nullable=True),
        sa.PrimaryKeyConstraint('id'), sa.UniqueConstraint('name'),
    )
    op.create_index(op.f('ix_traffic_data_key_day'), 'traffic_data_key', ['day'])
    store = Path(Settings().key_store)
    files = sorted(store.glob('*.key')) if store.is_dir() else []
    rows = []
    for file in files:
        content = json.loads(file.read_bytes())
        name = content['name']
        rows.append({'name': name, 'day': date.fromisoformat(name[4:]) if name.startswith('day:') else None,
                     'wrapped_key': base64.b64decode(content['wrapped_key']),
                     'master_fingerprint': content['master_fingerprint'],
                     'created_at': datetime.fromisoformat(content['created_at']) if content['created_at'] else datetime.now(UTC)})
    if rows:
        op.bulk_insert(table, [{**row, 'id': number} for number, row in enumerate(rows, start=1)])
