"""Content-Encoding decoded within a size limit, chunk by chunk, whatever the compression ratio.

httpx inflates each compressed chunk in one go: a few kilobytes of gzip can become gigabytes
before a limit on the decoded body is checked. `BoundedDecoder` inflates at most the bytes still
allowed, so memory stays near the limit.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

__all__ = ["ACCEPTED", "BoundedDecoder", "UnsupportedEncoding"]

_PIECE = 1 << 16  # inflate at most this much at a time: no piece is ever large

ACCEPTED = "gzip, deflate"
"""What we ask sites for (`Accept-Encoding`): the encodings `BoundedDecoder` reads."""


class UnsupportedEncoding(ValueError):
    """A body in a Content-Encoding we did not ask for."""


class BoundedDecoder:
    """Decode an `identity`, `gzip` or `deflate` body fed chunk by chunk.

    `feed(raw, allowed)` yields the decoded bytes, at most `allowed` + 1 of them in all, so the
    caller sees the limit passed without ever holding more.
    """

    def __init__(self, content_encoding: str) -> None:
        encoding = content_encoding.strip().lower()
        if encoding in ("", "identity"):
            self._inflate = None
        elif encoding in ("gzip", "x-gzip"):
            self._inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._inflate = zlib.decompressobj()
        else:
            raise UnsupportedEncoding(f"unsupported Content-Encoding {content_encoding!r}")

    def feed(self, raw: bytes, allowed: int) -> Iterator[bytes]:
        if self._inflate is None:
            yield raw[: allowed + 1]
            return
        try:
            data = raw
            while data and allowed >= 0:
                piece = self._inflate.decompress(data, min(allowed + 1, _PIECE))
                allowed -= len(piece)
                yield piece
                data = self._inflate.unconsumed_tail
        except zlib.error as exc:
            raise UnsupportedEncoding(f"body does not decode: {exc}") from None

    def finish(self) -> bytes:
        """What the decoder still holds once the body has ended (at most zlib's 32 KB window)."""
        if self._inflate is None:
            return b""
        try:
            return self._inflate.flush()
        except zlib.error as exc:
            raise UnsupportedEncoding(f"body does not decode: {exc}") from None
