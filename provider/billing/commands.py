"""`pecr billing rotate-key`: the call list's period keys re-wrapped under the current master key.

`pecr traffic rotate-key` re-wraps traffic's day keys only; after changing PECR_MASTER_KEY run both.
Argument parsing and display only; heavy modules are imported when the command runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

billing_app = typer.Typer(name="billing", help="Itemised bills and the imported call list.", no_args_is_help=True)
err = Console(stderr=True)


def _context():
    from provider.clock import SystemClock
    from provider.db.engine import make_engine
    from provider.settings import get_settings

    settings = get_settings()
    return settings, make_engine(settings.database_url), SystemClock()


@billing_app.command("rotate-key")
def rotate_key_command(
    old_key_file: Annotated[Path, typer.Option(exists=True, dir_okay=False, help="file holding the old master key")],
) -> None:
    """Re-wrap the call list's period key files (PECR_KEY_STORE) under the current PECR_MASTER_KEY (calls are
    not touched); safe to re-run."""
    from sqlmodel import Session

    from provider.billing import keys
    from provider.security import audit
    from provider.security.actor import system_actor
    from provider.security.keystore import KeyStore

    settings, engine, clock = _context()
    with Session(engine) as session:
        count = keys.rotate_master_key(
            store=KeyStore(settings.key_store), old_master_key=old_key_file.read_text().strip(),
            new_master_key=settings.master_key_value(),
        )  # fmt: skip
        audit.record(
            session, actor=system_actor("console"), action="billing.master_key_rotated",
            entity_type="billing_key_store",
            entity_id="all", now=clock.now(), after={"keys_rewrapped": count},
        )  # fmt: skip
        session.commit()
    err.print(f"{count:,} call-list keys re-wrapped under the current master key")
