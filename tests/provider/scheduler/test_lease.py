"""The leader lease: one holder at a time, renewal, takeover only after expiry, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta

from provider.scheduler import lease

LEASE_SECONDS = 30


def _acquire(engine, clock, holder: str) -> bool:
    return lease.acquire(engine, holder=holder, now=clock.now(), lease_seconds=LEASE_SECONDS)


def test_first_scheduler_takes_the_lease_and_a_second_is_refused_while_it_is_live(engine, clock):
    assert _acquire(engine, clock, "alpha")
    clock.advance(seconds=LEASE_SECONDS - 1)
    assert not _acquire(engine, clock, "beta")
    assert lease.current(engine).holder == "alpha"


def test_renewal_extends_expiry_and_keeps_the_original_acquisition_time(engine, clock):
    started = clock.now()
    assert _acquire(engine, clock, "alpha")
    clock.advance(seconds=20)
    assert _acquire(engine, clock, "alpha")
    row = lease.current(engine)
    assert row.acquired_at == started
    assert row.heartbeat_at == clock.now()
    assert row.expires_at == clock.now() + timedelta(seconds=LEASE_SECONDS)
    # Renewed at +20 s, so at +49 s (past the first expiry at +30 s) the lease is still alpha's.
    clock.advance(seconds=29)
    assert not _acquire(engine, clock, "beta")


def test_standby_takes_over_once_the_lease_has_expired_and_starts_a_new_tenure(engine, clock):
    assert _acquire(engine, clock, "alpha")
    clock.advance(seconds=LEASE_SECONDS)
    assert _acquire(engine, clock, "beta")
    row = lease.current(engine)
    assert (row.holder, row.acquired_at) == ("beta", clock.now())
    assert not _acquire(engine, clock, "alpha")


def test_release_lets_a_standby_take_over_at_once(engine, clock):
    assert _acquire(engine, clock, "alpha")
    assert lease.release(engine, holder="alpha", now=clock.now())
    assert not lease.release(engine, holder="beta", now=clock.now())
    assert _acquire(engine, clock, "beta")


def test_only_one_of_many_racing_schedulers_wins_an_expired_lease(engine, clock):
    assert _acquire(engine, clock, "old-leader")
    clock.advance(seconds=LEASE_SECONDS + 1)
    contenders = [f"standby-{n}" for n in range(8)]
    barrier = threading.Barrier(len(contenders))
    results: dict[str, bool] = {}

    def contend(holder: str) -> None:
        barrier.wait()
        results[holder] = _acquire(engine, clock, holder)

    threads = [threading.Thread(target=contend, args=(holder,)) for holder in contenders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [holder for holder, won in results.items() if won]
    assert len(winners) == 1
    assert lease.current(engine).holder == winners[0]


def test_describe_names_the_holder_and_says_whether_the_lease_is_live(engine, clock):
    assert lease.describe(engine, clock.now()) is None
    _acquire(engine, clock, "alpha")
    status = lease.describe(engine, clock.now())
    assert status["leader"] == "alpha"
    assert status["healthy"] is True
    assert status["heartbeat_at"] == clock.now().isoformat()
    assert status["expires_at"] == (clock.now() + timedelta(seconds=LEASE_SECONDS)).isoformat()
    clock.advance(seconds=LEASE_SECONDS)
    assert lease.describe(engine, clock.now())["healthy"] is False
