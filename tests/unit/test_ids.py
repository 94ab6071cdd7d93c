"""Identifiers: UUIDv7 that stay unique, increasing and near the clock, in a forked child too."""

from __future__ import annotations

import itertools
import os
import time

from emprende.domain.shared.ids import new_id


def _milliseconds(value: int) -> int:
    return value >> 80


def test_identifiers_are_version_7_unique_and_increasing() -> None:
    ids = [new_id() for _ in range(20_000)]
    assert {item.version for item in ids} == {7}
    assert {item.variant for item in ids} == {"specified in RFC 4122"}
    assert len(set(ids)) == len(ids)
    assert all(earlier < later for earlier, later in itertools.pairwise(ids))


def test_many_identifiers_do_not_run_ahead_of_the_clock() -> None:
    before = time.time_ns() // 1_000_000
    ids = [new_id() for _ in range(100_000)]
    after = time.time_ns() // 1_000_000
    assert before <= _milliseconds(ids[0].int)
    assert _milliseconds(ids[-1].int) <= after + 1


def test_a_forked_child_draws_different_identifiers() -> None:
    new_id()  # the parent's generator is in use before the fork
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        os.close(read)
        os.write(write, "".join(str(new_id()) for _ in range(4)).encode())
        os._exit(0)
    os.close(write)
    parents = "".join(str(new_id()) for _ in range(4))
    with os.fdopen(read, "rb") as pipe:
        childs = pipe.read().decode()
    os.waitpid(child, 0)
    assert len(childs) == len(parents) == 4 * 36
    assert {childs[i : i + 36] for i in range(0, len(childs), 36)}.isdisjoint(
        parents[i : i + 36] for i in range(0, len(parents), 36)
    )
