"""A zip written front to back from deflate pieces, for workbooks too large to hold.

Each member's sizes come after it (in a data descriptor), so the target can be a multipart upload; a member can
be made of raw deflate *fragments* written apart (each ending in a sync flush, so they concatenate into one valid
deflate stream) whose CRC-32s combine (`crc32_combine`, zlib's algorithm, which Python lacks)."""
from __future__ import annotations

import struct
from collections.abc import Iterable
from typing import BinaryIO

from isal import isal_zlib  # ISA-L's deflate: zlib's format, about 5 times as fast as zlib's at low levels

LEVEL = 1                       # deflate level: the files are written once and downloaded a few times
SYNC_FLUSH, FINISH = isal_zlib.Z_SYNC_FLUSH, isal_zlib.Z_FINISH
crc32 = isal_zlib.crc32


def deflater() -> isal_zlib.Compress:
    """A raw deflate stream (no zlib header or trailer), as a zip member holds one."""
    return isal_zlib.compressobj(LEVEL, isal_zlib.DEFLATED, -15)


def deflated(xml: str, final: bool = False) -> tuple[bytes, int, int]:
    """A piece of XML as a fragment of its own: (deflate bytes, CRC-32, length)."""
    data = xml.encode("utf-8")
    deflate = deflater()
    body = deflate.compress(data) + deflate.flush(FINISH if final else SYNC_FLUSH)
    return body, crc32(data), len(data)


def _gf2_times(matrix: list[int], vector: int) -> int:
    total, i = 0, 0
    while vector:
        if vector & 1:
            total ^= matrix[i]
        vector >>= 1
        i += 1
    return total


def _gf2_square(matrix: list[int]) -> list[int]:
    return [_gf2_times(matrix, row) for row in matrix]


def crc32_combine(crc1: int, crc2: int, length2: int) -> int:
    """The CRC-32 of A+B from crc32(A), crc32(B) and len(B) (zlib's crc32_combine)."""
    if length2 <= 0:
        return crc1
    operator = [0xEDB88320] + [1 << n for n in range(31)]    # one zero bit appended
    operator = _gf2_square(_gf2_square(operator))              # one zero byte
    while length2:
        operator = _gf2_square(operator)                       # 2, 4, 8 … zero bytes
        if length2 & 1:
            crc1 = _gf2_times(operator, crc1)
        length2 >>= 1
    return crc1 ^ crc2


class ZipWriter:
    """A zip written front to back (sizes after each member, in a data descriptor): 32-bit sizes only."""

    def __init__(self, out: BinaryIO) -> None:
        self._out, self._position = out, 0
        self._entries: list[tuple[bytes, int, int, int, int]] = []

    def _write(self, data: bytes) -> None:
        self._out.write(data)
        self._position += len(data)

    def member(self, name: str, chunks: Iterable[bytes], crc: int, length: int) -> None:
        """A member from its deflate chunks, the CRC-32 and the length of what they inflate to."""
        encoded, offset = name.encode("utf-8"), self._position
        self._write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x08, 8, 0, 0x21, 0, 0, 0, len(encoded), 0))
        self._write(encoded)
        size = 0
        for chunk in chunks:
            self._write(chunk)
            size += len(chunk)
        if max(size, length, self._position) >= 0xFFFFFFFF:
            raise ValueError("the workbook is larger than 4 GiB (no ZIP64 here): split the file")
        self._write(struct.pack("<IIII", 0x08074B50, crc, size, length))
        self._entries.append((encoded, crc, size, length, offset))

    def text(self, name: str, content: str) -> None:
        body, crc, length = deflated(content, final=True)
        self.member(name, [body], crc, length)

    def close(self) -> None:
        start = self._position
        for name, crc, size, length, offset in self._entries:
            self._write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x08, 8, 0, 0x21, crc, size, length,
                                    len(name), 0, 0, 0, 0, 0, offset))
            self._write(name)
        count = len(self._entries)
        self._write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, self._position - start, start, 0))
