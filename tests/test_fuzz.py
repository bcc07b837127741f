"""Schemathesis over the whole API from its own OpenAPI, on SQLite and on PostgreSQL (issue 7).

Every operation the app describes is fuzzed (so a new route is covered without anyone adding it), in all
phases: the schema's examples, its boundaries (coverage), random input (fuzzing) and chains of calls
following the documented links (stateful). It runs against a real uvicorn on a free port, signed in with a
token of an administrator holding every scope, and fails on any 5xx, any response that breaks the
documented schema, and any undocumented status code. Bounded by FUZZ_EXAMPLES and FUZZ_SECONDS per
database so CI stays well under its limit; a longer run: `PECR_FUZZ_EXAMPLES=200 PECR_FUZZ_SECONDS=1200`.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import uvicorn
from sqlmodel import Session

from provider.console.demo import load_demo_if_empty
from provider.security import tokens
from provider.security.roles import Permission, Role
from provider.web.app import create_app
from tests.conftest import TESTER, make_user

FUZZ_EXAMPLES = int(os.environ.get("PECR_FUZZ_EXAMPLES", "15"))
FUZZ_SECONDS = int(os.environ.get("PECR_FUZZ_SECONDS", "200"))
PHASES = "examples,coverage,fuzzing,stateful"
# One check off for good: positive_data_acceptance fails a 422 for input the schema allows, but the
# server rightly enforces rules no JSON Schema states (a valid UK number, a rationale for a decision, an ICO
# registration format), and the fuzzer compares integers near 2**63 as floats (it sends 2**63+191 as valid).
# Every other check runs: undocumented status codes, content types and Allow headers included.
EXCLUDED_CHECKS = os.environ.get(
    "PECR_FUZZ_EXCLUDE_CHECKS",
    "positive_data_acceptance",
)
# Revoking a token would revoke the fuzzer's own (ids start at 1) and turn the rest of the run into 401s;
# tests/provider/test_admin_tokens.py covers that route.
# The traffic records batch is NDJSON, which schemathesis cannot serialise; tests/traffic/test_ingest.py
# sends it bad lines, duplicates and control characters instead.
EXCLUDED_PATHS = ("/api/v1/tokens/{token_id}/revoke", "/api/v1/traffic/records")
# Fuzz only these paths (comma-separated), to try one new route hard: PECR_FUZZ_PATHS=/api/v1/… ; CI fuzzes all.
INCLUDED_PATHS = os.environ.get("PECR_FUZZ_PATHS", "")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(app) -> tuple[uvicorn.Server, threading.Thread, str]:
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def _token(engine, clock) -> str:
    user = make_user(engine, clock, Role.admin, "fuzz-admin")
    with Session(engine, expire_on_commit=False) as session:
        _row, secret = tokens.create_token(
            session, actor=TESTER, now=clock.now(), user=user, name="fuzz", scopes=[p.value for p in Permission]
        )
        session.commit()
    return secret


@pytest.mark.slow
def test_schemathesis_finds_no_5xx_no_schema_break_and_no_undocumented_status(settings, clock, engine, tmp_path: Path):
    load_demo_if_empty(engine, clock, count=20)  # something to find: a profile, subscribers, breaches
    secret = _token(engine, clock)
    app = create_app(settings=settings, clock=clock, engine=engine)
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(app.openapi()))
    server, thread, url = _serve(app)
    command = [
        shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or "schemathesis",
        "run",
        str(spec),
        "--url",
        url,
        "--header",
        f"Authorization: Bearer {secret}",
        "--checks",
        "all",
        "--phases",
        PHASES,
        "--max-examples",
        str(FUZZ_EXAMPLES),
        "--max-time",
        str(FUZZ_SECONDS),
        "--seed",
        os.environ.get("PECR_FUZZ_SEED", "7"),
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--no-color",
        "--continue-on-failure",
        "--suppress-health-check",
        "all",
    ]
    if EXCLUDED_CHECKS:
        command += ["--exclude-checks", EXCLUDED_CHECKS]
    for path in EXCLUDED_PATHS:
        command += ["--exclude-path", path]
    for path in filter(None, INCLUDED_PATHS.split(",")):
        command += ["--include-path", path]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=FUZZ_SECONDS + 240, check=False)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    (tmp_path / "schemathesis.txt").write_text(result.stdout + result.stderr)
    print(result.stdout[-20000:])
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]
