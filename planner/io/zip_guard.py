"""Checking that an .xlsx file is a sane Excel workbook before openpyxl reads it.

An .xlsx is a zip archive of XML parts. A hostile or broken one can be a zip bomb (a few
kilobytes that inflate to gigabytes), have thousands of members, or carry XML with a DTD
(entity expansion, external entities). ``check_xlsx`` looks only at the zip's directory
and at the start of each XML part, so it is fast and bounded, and raises
``UnsafeWorkbookError`` (one sentence for the user) when anything is off.

Why the declared sizes are enough: Python's ``zipfile`` stops inflating a member at its
declared size and then fails its CRC check, so a member that lies about its size cannot
inflate beyond what was checked here.

Why no defusedxml: openpyxl uses it when installed, but the stdlib parser it falls back
to already ignores external entities and (expat >= 2.4) limits entity expansion; and this
guard refuses any part with a DTD, which is the only place entities can be declared. Real
workbooks never contain one.
"""

from __future__ import annotations

import zipfile
import zlib
from typing import IO

MAX_MEMBERS = 2_000  # a workbook with many sheets and images has a few hundred parts
# openpyxl holds the shared strings and the workbook parts in memory (several times their
# XML size); a million-row export unpacks to well under this.
MAX_TOTAL_UNCOMPRESSED = 256 * 1024 * 1024
MAX_RATIO = 250  # sheet XML compresses 10-100 times; zip bombs 1,000 times and more
RATIO_FLOOR = 16 * 1024 * 1024  # small archives may have any ratio: they cannot hurt
MAX_PROLOG = 64 * 1024  # the XML declaration and comments before the root element
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_REQUIRED = "[Content_Types].xml"


class UnsafeWorkbookError(Exception):
    """The file is not a workbook that can be read safely; ``str()`` is one sentence."""


def check_xlsx(source: str | IO[bytes], name: str) -> None:
    """Raise ``UnsafeWorkbookError`` unless ``source`` is a zip that is safe to hand to
    openpyxl. ``name`` is the file name used in the message."""
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
            _check_directory(members, name)
            for info in members:
                if info.filename.lower().endswith(_XML_SUFFIXES):
                    _check_prolog(archive, info, name)
    except zipfile.BadZipFile:
        raise UnsafeWorkbookError(f"{name} is not a valid Excel file.") from None
    except (zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, ValueError, zlib.error):
        # NotImplementedError: an unknown compression method; ValueError: a bad header;
        # zlib.error: damaged compressed data.
        raise UnsafeWorkbookError(f"{name} is not a valid Excel file.") from None
    except RuntimeError:
        # zipfile raises RuntimeError for an encrypted member.
        raise UnsafeWorkbookError(
            f"{name} is password-protected: save it without a password and import that."
        ) from None


def _check_directory(members: list[zipfile.ZipInfo], name: str) -> None:
    if len(members) > MAX_MEMBERS:
        raise UnsafeWorkbookError(f"{name} has too many parts to be an Excel workbook.")
    if not any(m.filename == _REQUIRED for m in members):
        raise UnsafeWorkbookError(f"{name} is a zip archive, not an Excel workbook.")
    total = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members)
    if total > MAX_TOTAL_UNCOMPRESSED:
        limit = MAX_TOTAL_UNCOMPRESSED // (1024 * 1024)
        raise UnsafeWorkbookError(f"{name} would unpack to more than {limit} MB: it is too large.")
    if total > RATIO_FLOOR and total > MAX_RATIO * max(packed, 1):
        raise UnsafeWorkbookError(
            f"{name} would unpack to far more data than any real workbook (a 'zip bomb'), "
            "so it was not read."
        )
    if any(m.flag_bits & 0x1 for m in members):
        raise UnsafeWorkbookError(
            f"{name} is password-protected: save it without a password and import that."
        )


def _check_prolog(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> None:
    """Refuse a part whose prolog (before the root element) declares a DTD."""
    with archive.open(info) as member:
        head = member.read(MAX_PROLOG)
    text = _decode_head(head)
    if text is None:
        raise UnsafeWorkbookError(f"{name} is not a valid Excel file.")
    position = 0
    while True:
        start = text.find("<", position)
        if start < 0:
            if len(head) >= MAX_PROLOG:
                raise UnsafeWorkbookError(f"{name} is not a valid Excel file.")
            return  # an empty or text-only part: openpyxl reports it if it matters
        rest = text[start:]
        if rest.startswith("<?"):
            end = text.find("?>", start)
        elif rest.startswith("<!--"):
            end = text.find("-->", start)
        elif rest.startswith("<!"):  # <!DOCTYPE (and so <!ENTITY) or worse
            raise UnsafeWorkbookError(
                f"{name} contains instructions that Excel never writes (a damaged or tampered "
                "file), so it was not read. Open it in Excel and save it again."
            )
        else:
            return  # the root element: the prolog had no DTD
        if end < 0:
            # A prolog longer than the part's first 64 KB is padding to hide a DTD.
            raise UnsafeWorkbookError(f"{name} is not a valid Excel file.")
        position = end + 2


def _decode_head(head: bytes) -> str | None:
    """The start of an XML part as text, whatever Unicode encoding it declares by its BOM."""
    for bom, codec in (
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
        (b"\xef\xbb\xbf", "utf-8"),
    ):
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, errors="ignore")
    if head[:2] in (b"<\x00", b"\x00<"):
        return head.decode("utf-16-le" if head[0] == 0x3C else "utf-16-be", errors="ignore")
    if b"\x00" in head[:4]:
        return None  # UTF-32 without a BOM or binary: no workbook writes that
    return head.decode("utf-8", errors="ignore")
