"""Run an import or a sweep in a child process, slowed after each committed batch so a test can kill -9 it
mid-way: `python -m tests.traffic.crash_worker import|sweep DATABASE_URL [FILE]`."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from provider.db.engine import make_engine
from tests.conftest import START
from tests.traffic.conftest import ACTOR, MASTER
from traffic import ingest, service
from traffic import sweep as sweep_module
from traffic.rules import RetentionPolicy


def _slowed(function):
    def wrapper(*args, **kwargs):
        result = function(*args, **kwargs)
        print("batch", flush=True)
        time.sleep(0.3)
        return result

    return wrapper


def main() -> None:
    what, url = sys.argv[1], sys.argv[2]
    engine = make_engine(url)
    if what == "import":
        ingest.Ingest.flush = _slowed(ingest.Ingest.flush)
        service.import_file(engine, path=Path(sys.argv[3]), actor=ACTOR, now=START, master_key=MASTER,
                            policy=RetentionPolicy(), batch_size=200)  # fmt: skip
    else:
        sweep_module.Sweeper._save = _slowed(sweep_module.Sweeper._save)
        sweep_module.sweep(engine, now=START, batch=200)


if __name__ == "__main__":
    main()
