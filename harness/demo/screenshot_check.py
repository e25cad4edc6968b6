"""Check that a screenshot of the page shows the matrix and both charts, by their colours.

    python -m harness.demo.screenshot_check reports/index.png

The matrix's chips are green (passed) or red (failed); the latency chart alone draws orange
(p95) and the throughput chart alone teal (requests/s). Reads the 8-bit RGB PNG that
headless Chromium writes, with the standard library only; colours are compared coarsely (the
top 3 bits of each channel), so anti-aliased line pixels count too.
"""

from __future__ import annotations

import operator
import struct
import sys
import zlib
from collections.abc import Iterator
from itertools import accumulate
from pathlib import Path

from harness.demo.page import CHIP_FAILED, CHIP_PASSED, ORANGE, TEAL

SIGNATURE = b"\x89PNG\r\n\x1a\n"
COARSE = bytes(value & 0b11100000 for value in range(256))  # 8 levels a channel
BYTE = (255).__and__  # modulo 256, at C speed in map()
AT_LEAST = {"matrix": 400, "latency chart": 60, "requests/s chart": 60}


def rows(png: bytes) -> Iterator[bytes]:
    """Each row's RGB bytes, unfiltered."""
    if not png.startswith(SIGNATURE):
        raise ValueError("not a PNG file")
    offset, header, data = len(SIGNATURE), b"", bytearray()
    while offset < len(png):
        length, kind = struct.unpack(">I4s", png[offset : offset + 8])
        chunk = png[offset + 8 : offset + 8 + length]
        header = chunk if kind == b"IHDR" else header
        data += chunk if kind == b"IDAT" else b""
        offset += 12 + length
    width, height, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", header)
    if depth != 8 or colour_type != 2 or interlace:
        raise ValueError("only 8-bit, non-interlaced RGB PNGs are read (as Chromium writes)")
    stride = width * 3
    raw = zlib.decompress(bytes(data))
    previous = bytes(stride)
    for y in range(height):
        start = y * (stride + 1)
        row = _unfilter(raw[start], raw[start + 1 : start + 1 + stride], previous)
        yield row
        previous = row


def _unfilter(kind: int, data: bytes, above: bytes) -> bytes:
    """Undo PNG's per-row filter (none, sub, up, average, Paeth) for 3 bytes per pixel."""
    if kind == 0:
        return data
    if kind == 2:
        return bytes(map(BYTE, map(operator.add, data, above)))
    row = bytearray(data)
    if kind == 1:
        for channel in range(3):
            row[channel::3] = bytes(map(BYTE, accumulate(data[channel::3])))
        return bytes(row)
    for i in range(len(row)):
        left = row[i - 3] if i >= 3 else 0
        up = above[i]
        if kind == 3:
            row[i] = (row[i] + (left + up) // 2) & 255
            continue
        up_left = above[i - 3] if i >= 3 else 0
        estimate = left + up - up_left
        to_left, to_up, to_up_left = (
            abs(estimate - left),
            abs(estimate - up),
            abs(estimate - up_left),
        )
        if to_left <= to_up and to_left <= to_up_left:
            row[i] = (row[i] + left) & 255
        elif to_up <= to_up_left:
            row[i] = (row[i] + up) & 255
        else:
            row[i] = (row[i] + up_left) & 255
    return bytes(row)


def colour_counts(png: bytes) -> dict[str, int]:
    """About how many pixels show each part's colour (each channel compared to 1/8)."""
    targets = {
        "matrix": [_coarse(CHIP_PASSED), _coarse(CHIP_FAILED)],
        "latency chart": [_coarse(ORANGE)],
        "requests/s chart": [_coarse(TEAL)],
    }
    counts = dict.fromkeys(targets, 0)
    for row in rows(png):
        coarse = row.translate(COARSE)
        for part, patterns in targets.items():
            counts[part] += sum(coarse.count(pattern) for pattern in patterns)
    return counts


def _coarse(hex_colour: str) -> bytes:
    value = int(hex_colour.removeprefix("#"), 16)
    return bytes([value >> 16, (value >> 8) & 255, value & 255]).translate(COARSE)


def main(argv: list[str] | None = None) -> int:
    paths = argv if argv is not None else sys.argv[1:]
    if len(paths) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    counts = colour_counts(Path(paths[0]).read_bytes())
    print("Screenshot check: " + ", ".join(f"{part} {n:,} px" for part, n in counts.items()))
    missing = [part for part, least in AT_LEAST.items() if counts[part] < least]
    for part in missing:
        print(f"  ✗ the {part} is not visible", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
