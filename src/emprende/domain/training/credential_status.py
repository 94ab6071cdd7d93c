"""The bitstrings of W3C Bitstring Status Lists: one bit per certificate, set when the certificate is revoked (or, in a
suspension list, suspended), published GZIP-compressed and base64url-encoded so that anyone can check a certificate
without telling the issuer which one.

Bit order follows the specification: index 0 is the left-most (most significant) bit of the first byte. The encoded
form is Multibase base64url (the `u` prefix, then base64url without padding); decoding also accepts it without the
prefix, as earlier drafts and some issuers wrote it.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import zlib
from collections.abc import Iterable
from enum import StrEnum


class StatusPurpose(StrEnum):
    """What a set bit means: revocation is final; suspension can be lifted by clearing the bit."""

    REVOCATION = "revocation"
    SUSPENSION = "suspension"


STATUS_LIST_BITS = 131_072
"""The smallest list the specification allows (16 KiB): enough entries that one certificate hides among many."""

MAX_STATUS_LIST_BYTES = 16 * 1024 * 1024
"""The most a decoded list may hold (134 million entries): a published list is read from outside, and a few hundred
bytes of GZIP can claim gigabytes."""

MULTIBASE_BASE64URL = "u"


class StatusListUnreadable(ValueError):
    """An encoded status list that is not base64url, not GZIP, or larger than `MAX_STATUS_LIST_BYTES`."""


def encode_status_list(set_bits: Iterable[int], size: int = STATUS_LIST_BITS) -> str:
    """The `encodedList` of a status list of `size` entries in which the given indexes are set."""
    if size < STATUS_LIST_BITS or size % 8 or size > MAX_STATUS_LIST_BYTES * 8:
        raise ValueError(f"a status list has a multiple of 8 entries, {STATUS_LIST_BITS} at least")
    bits = bytearray(size // 8)
    for index in set_bits:
        if not 0 <= index < size:
            raise ValueError(f"status list index {index} is outside 0..{size - 1}")
        bits[index >> 3] |= 0x80 >> (index & 7)
    # mtime=0: the same bits always encode to the same text, so an unchanged list is served unchanged.
    compressed = gzip.compress(bytes(bits), compresslevel=9, mtime=0)
    return MULTIBASE_BASE64URL + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def decode_status_list(encoded: str) -> bytes:
    """The bitstring of an `encodedList` (with or without the Multibase `u` prefix)."""
    text = encoded.removeprefix(MULTIBASE_BASE64URL)
    if not text or len(text) > MAX_STATUS_LIST_BYTES or not text.isascii():
        raise StatusListUnreadable("not an encoded status list")
    try:
        compressed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise StatusListUnreadable("the status list is not base64url") from error
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # GZIP framing only
    try:
        bits = inflater.decompress(compressed, MAX_STATUS_LIST_BYTES)
    except zlib.error as error:
        raise StatusListUnreadable("the status list is not GZIP-compressed") from error
    if inflater.unconsumed_tail:
        raise StatusListUnreadable("the status list is larger than a status list may be")
    if not inflater.eof:
        raise StatusListUnreadable("the status list is truncated")
    if not bits:
        raise StatusListUnreadable("the status list is empty")
    return bits


def status_bit(decoded: bytes, index: int) -> bool:
    """Whether entry `index` of a decoded status list is set."""
    if not 0 <= index < len(decoded) * 8:
        raise IndexError(f"status list index {index} is outside a list of {len(decoded) * 8} entries")
    return bool(decoded[index >> 3] & (0x80 >> (index & 7)))
