r"""Read article files and bytes as text: sizes, byte order marks, mixed encodings, binary files.

Decoding: UTF-8 (with or without byte order mark), UTF-16 and UTF-32 with a byte order mark.
Bytes that are not UTF-8 but look like text are read as mixed: valid UTF-8 sequences as UTF-8,
every other byte as cp1252 (latin-1 for the five bytes cp1252 leaves undefined), so a cp1252
file, a UTF-8 file with a stray cp1252 quote and a file pasted together from both all read right.
Byte order marks are dropped and newlines normalised to ``"\n"``. Files with NUL characters or
more than 30% control characters are binary and rejected, as are files over
`MAX_ARTICLE_BYTES`. :mod:`geo.text.articles` makes articles of the decoded text.
"""

from __future__ import annotations

import codecs
import re
import sys
from pathlib import Path
from typing import Final

from geo.errors import FaultlinesError

__all__ = [
    "MAX_ARTICLE_BYTES",
    "STDIN_PATH",
    "STDIN_SOURCE",
    "ArticleError",
    "check_article_size",
    "decode_bytes",
    "decode_file",
    "looks_binary",
    "normalise_newlines",
    "read_file_bytes",
    "source_name",
]

MAX_ARTICLE_BYTES: Final = 20 * 1024 * 1024
"""Largest article file read, in bytes (default 20 MiB); larger files are rejected unread."""

STDIN_PATH: Final = "-"
"""The path that stands for standard input."""

STDIN_SOURCE: Final = "<stdin>"
"""`Article.source` of an article read from standard input (path ``"-"``)."""

_MIB: Final = 1024 * 1024
_BINARY_CONTROL_SHARE: Final = 0.30

# Byte order marks, longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
_BOMS: Final = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
# Control characters that do not occur in text (tab, newline, form feed, return do).
_CONTROL_BYTES: Final = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_CONTROL_CHARS: Final = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


# One character per byte: cp1252, or latin-1 for the bytes cp1252 leaves undefined.
_CP1252_CHARS: Final = tuple(
    bytes([byte]).decode("cp1252", errors="ignore") or chr(byte) for byte in range(256)
)
_MIXED_ERRORS: Final = "faultlines-cp1252"


def _bytes_as_cp1252(error: UnicodeError) -> tuple[str, int]:
    """Read the bytes a UTF-8 decoder rejects as cp1252 (a codec error handler)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    chunk = error.object[error.start : error.end]
    return "".join(_CP1252_CHARS[byte] for byte in chunk), error.end


codecs.register_error(_MIXED_ERRORS, _bytes_as_cp1252)


class ArticleError(FaultlinesError, ValueError):
    """A file or text that cannot be read as an article.

    ``str(error)`` is ``"<path>: <reason>"``, one line.

    Parameters
    ----------
    path
        The path as given (or ``"<pasted>"``, ``"<stdin>"``).
    reason
        Why the article was rejected.
    """

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, reason)
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        message = f"{self.path}: {self.reason}"
        return message


def decode_file(path: str | Path) -> str:
    r"""Return the full decoded text of a file, front matter included.

    This is the text that command-line offsets refer to (see :mod:`geo.text.articles`).

    Parameters
    ----------
    path
        The file; ``"-"`` reads standard input (which can be read only once).

    Returns
    -------
    str
        The decoded text, byte order mark dropped, newlines normalised to ``"\n"``.

    Raises
    ------
    ArticleError
        If the file is missing, unreadable, too large or binary.
    """
    source = source_name(path)
    return decode_bytes(read_file_bytes(path, source), source=source)


def decode_bytes(data: bytes, *, source: str = "<bytes>") -> str:
    r"""Decode the bytes of an article file to text.

    Parameters
    ----------
    data
        The file's bytes.
    source
        Named in error messages.

    Returns
    -------
    str
        The decoded text, byte order mark dropped, newlines normalised to ``"\n"``.

    Raises
    ------
    ArticleError
        If the bytes are binary or not valid in the encoding their byte order mark names.
    """
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as err:
                reason = f"not valid {name} text (byte {err.start})"
                raise ArticleError(source, reason) from err
            break
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            if not _bytes_look_like_text(data):
                raise ArticleError(source, "binary file, not an article") from None
            text = data.decode("utf-8", errors=_MIXED_ERRORS)
    if looks_binary(text):
        raise ArticleError(source, "binary file, not an article")
    return normalise_newlines(text)


def read_file_bytes(path: str | Path, source: str) -> bytes:
    """Read a file (or standard input for ``"-"``), refusing more than `MAX_ARTICLE_BYTES`.

    Raises
    ------
    ArticleError
        If the file is missing, a directory, unreadable or too large, naming `source`.
    """
    if str(path) == STDIN_PATH:
        stdin = sys.stdin
        if stdin is None:
            raise ArticleError(source, "no standard input to read")
        data = stdin.buffer.read(MAX_ARTICLE_BYTES + 1)
    else:
        file = Path(path)
        try:
            size = file.stat().st_size
            if file.is_dir():
                raise ArticleError(source, "is a directory, not an article file")
            check_article_size(size, source)
            with file.open("rb") as stream:
                data = stream.read(MAX_ARTICLE_BYTES + 1)
        except (FileNotFoundError, NotADirectoryError) as err:
            raise ArticleError(source, "no such file") from err
        except PermissionError as err:
            raise ArticleError(source, "cannot be read (permission denied)") from err
        except OSError as err:
            reason = f"cannot be read ({err.strerror or err})"
            raise ArticleError(source, reason) from err
    if len(data) > MAX_ARTICLE_BYTES:
        raise ArticleError(source, f"more than {MAX_ARTICLE_BYTES / _MIB:g} MB, over the limit")
    return data


def check_article_size(size: int, source: str) -> None:
    """Raise `ArticleError` naming `source` when `size` bytes are over `MAX_ARTICLE_BYTES`."""
    if size > MAX_ARTICLE_BYTES:
        reason = f"{size / _MIB:.1f} MB is over the {MAX_ARTICLE_BYTES / _MIB:g} MB limit"
        raise ArticleError(source, reason)


def _bytes_look_like_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    controls = len(data) - len(_CONTROL_BYTES.sub(b"", data))
    return controls <= _BINARY_CONTROL_SHARE * len(data)


def looks_binary(text: str) -> bool:
    """Return whether decoded text holds a NUL or more than 30% control characters."""
    if "\x00" in text:
        return True
    controls = len(text) - len(_CONTROL_CHARS.sub("", text))
    return controls > _BINARY_CONTROL_SHARE * len(text)


def normalise_newlines(text: str) -> str:
    r"""Return `text` with Windows and old Mac line ends as ``"\n"``."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def source_name(path: str | Path) -> str:
    """Return how errors and articles name `path`: as given, or `STDIN_SOURCE` for ``"-"``."""
    return STDIN_SOURCE if str(path) == STDIN_PATH else str(path)
