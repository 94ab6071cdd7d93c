"""Small pieces of the import's adapters: the row reader's hold on the caller's stream, packed ids."""

from __future__ import annotations

import io
import uuid

import pytest

from emprende.adapters.import_lookups import _Flags, _PackedIds
from emprende.adapters.importers import read_rows

CSV = (
    "given_names,family_names,birth_date,sex,population_group,nationality,consent_notice_version,consent_method\n"
    "Ana,Pérez,1990-01-01,female,migrant,VEN,2026-01,in_person\n"
    "Luis,Quispe,1991-02-02,male,migrant,PER,2026-01,in_person\n"
)


def test_rows_given_up_leave_the_stream_to_the_caller() -> None:
    stream = io.BytesIO(CSV.encode())
    rows = read_rows(stream, filename="people.csv")
    assert next(rows).values["given_names"] == "Ana"
    rows.close()
    assert not stream.closed  # the reader never closes what it was given
    assert stream.read(1) == b""  # …and it stays usable


def test_rows_given_up_after_the_caller_closed_the_stream() -> None:
    stream = io.BytesIO(CSV.encode())
    rows = read_rows(stream, filename="people.csv")
    next(rows)
    stream.close()  # an import that failed: its upload is closed before the rows are freed
    rows.close()  # no error about the closed file


def test_packed_ids() -> None:
    ids = [uuid.uuid4() for _ in range(5)]
    packed = _PackedIds(b"".join(each.bytes for each in ids))
    assert len(packed) == 5
    assert list(packed) == ids
    assert packed[0] == ids[0]
    assert packed[-1] == ids[-1]
    assert packed[1:4] == ids[1:4]
    assert packed[::-2] == ids[::-2]
    assert ids[3] in packed
    assert packed.index(ids[2]) == 2
    with pytest.raises(IndexError):
        packed[5]
    with pytest.raises(IndexError):
        packed[-6]
    assert list(_PackedIds(b"")) == []
    with pytest.raises(ValueError, match="16 bytes"):
        _PackedIds(b"\x00" * 17)


def test_flags() -> None:
    """Whether the importer sees each of a day's people, one character a person, as PostgreSQL sends them."""
    flags = _Flags("1001")
    assert len(flags) == 4
    assert list(flags) == [True, False, False, True]
    assert flags[-1] is True
    assert flags[1:3] == [False, False]
    with pytest.raises(IndexError):
        flags[4]
    assert list(_Flags("")) == []
