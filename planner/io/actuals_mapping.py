"""Which column of an actual-sales export is which: the column mapping and its detection.

``detect_mapping(table)`` guesses which column holds the date, the amount (or a quantity
and a unit price) and, optionally, the product, from English and German header names and
from the values; and how dates and numbers are written. ``ActualsMapping`` is the result,
remembered by header name for files of the same shape; ``match_offerings`` matches product
texts to offerings by name. Reading the lines with a mapping is ``actuals_import.py``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from planner.io.tabular import SourceTable
from planner.io.values import (
    DateOrder,
    DecimalMark,
    detect_decimal_mark,
    guess_date_order,
    parse_amount,
    parse_date,
)

ROLES = ("date", "amount", "quantity", "price", "offering")
_SAMPLE = 200  # values looked at to detect formats

# Header names per role, normalised (lower case); exact matches beat words inside a name.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "date": ("date", "datum", "order date", "invoice date", "sale date", "created",
             "created at", "day", "tag", "bestelldatum", "rechnungsdatum", "belegdatum",
             "verkaufsdatum", "buchungsdatum", "paid at", "zeitpunkt", "month", "monat"),
    "amount": ("amount", "total", "betrag", "umsatz", "revenue", "sales", "line total",
               "gesamt", "summe", "gesamtbetrag", "net", "netto", "brutto", "gross",
               "value", "wert", "erlös", "erloes", "subtotal", "total price",
               "gesamtpreis", "endbetrag", "net sales", "gross sales"),
    "quantity": ("qty", "quantity", "menge", "anzahl", "units", "stück", "stueck",
                 "stk", "pcs", "pieces", "count"),
    "price": ("price", "preis", "unit price", "einzelpreis", "stückpreis", "stueckpreis",
              "price each", "rate", "item price", "vk-preis", "vk preis"),
    "offering": ("product", "artikel", "item", "offering", "produkt", "sku", "service",
                 "leistung", "bezeichnung", "article", "product name", "artikelname",
                 "item name", "lineitem name", "description", "beschreibung",
                 "category", "kategorie", "warengruppe"),
}  # fmt: skip


@dataclass(frozen=True)
class ActualsMapping:
    """Which column (by index) plays which role, and how values are written. Either
    ``amount`` or both ``quantity`` and ``price`` must be set; ``offering`` is optional."""

    date: int | None = None
    amount: int | None = None
    quantity: int | None = None
    price: int | None = None
    offering: int | None = None
    date_order: DateOrder = "DMY"
    decimal_mark: DecimalMark = "."

    def problem(self) -> str | None:
        """Why this mapping cannot be used (one sentence), or None."""
        if self.date is None:
            return "Choose the column that holds the date of each sale."
        if self.amount is None and (self.quantity is None or self.price is None):
            return "Choose the column with the amount, or both a quantity and a price column."
        return None

    def to_json(
        self, headers: Sequence[str], products: Mapping[str, int | None] | None = None
    ) -> str:
        """The mapping by header name (and the offering chosen for each product), to
        remember for files of the same shape."""
        named: dict[str, object] = {
            r: headers[i] for r in ROLES if (i := getattr(self, r)) is not None
        }
        named |= {"date_order": self.date_order, "decimal_mark": self.decimal_mark}
        named["products"] = dict(products or {})
        return json.dumps(named, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str, headers: Sequence[str]) -> ActualsMapping | None:
        """A remembered mapping for ``headers``; None if it does not fit them."""
        try:
            data = json.loads(text)
            position = {h: n for n, h in enumerate(headers)}
            roles = {r: position[data[r]] for r in ROLES if data.get(r) is not None}
            mapping = cls(**roles, date_order=data["date_order"], decimal_mark=data["decimal_mark"])
        except (ValueError, KeyError, TypeError):
            return None
        return mapping if mapping.problem() is None else None

    @staticmethod
    def products_from_json(text: str, offerings: Mapping[int, str]) -> dict[str, int | None]:
        """The remembered offering of each product, leaving out offerings since deleted."""
        try:
            products = json.loads(text).get("products", {})
            return {
                str(p): (int(o) if o is not None else None)
                for p, o in products.items()
                if o is None or int(o) in offerings
            }
        except (ValueError, AttributeError, TypeError):
            return {}


@dataclass(frozen=True)
class Detection:
    """What ``detect_mapping`` found; ``date_order_certain`` False means ask the user."""

    mapping: ActualsMapping
    date_order_certain: bool


def _norm(header: str) -> str:
    return " ".join(header.replace("_", " ").replace("-", " ").split()).casefold()


def _header_score(header: str, role: str) -> int:
    name = _norm(header)
    base = name.split(" (")[0]  # "Amount (2)" is a repeat of "Amount"
    words = set(base.replace("/", " ").replace(".", " ").split())
    best = 0
    for synonym in SYNONYMS[role]:
        if base == synonym:
            best = max(best, 3)
        elif (" " not in synonym and synonym in words) or (" " in synonym and synonym in base):
            best = max(best, 2)
    return best


def _share(values: Sequence[str], parse: Callable[[str], object]) -> float:
    """The share of the non-blank ``values`` that ``parse`` reads without a ValueError."""
    filled = [v for v in values if v.strip()]
    ok = 0
    for value in filled:
        try:
            parse(value)
        except ValueError:
            continue
        ok += 1
    return ok / len(filled) if filled else 0.0


def detect_mapping(table: SourceTable, default_order: DateOrder = "DMY") -> Detection:
    """Guess the columns and formats of ``table`` from its header names and values."""
    columns = [table.column(i)[:_SAMPLE] for i in range(len(table.headers))]
    all_numbers = [v for col in columns for v in col]
    mark = detect_decimal_mark(all_numbers)
    is_date = [
        _share(col, functools.partial(parse_date, order=guess_date_order(col, default_order)[0]))
        >= 0.8
        for col in columns
    ]
    is_number = [
        _share(col, functools.partial(parse_amount, decimal_mark=mark)) >= 0.8 and not is_date[i]
        for i, col in enumerate(columns)
    ]
    taken: set[int] = set()
    found: dict[str, int | None] = {}
    fits = {"date": is_date, "amount": is_number, "quantity": is_number, "price": is_number}
    for role in ("date", "amount", "quantity", "price", "offering"):
        # A column named for the role wins; its values decide between equal names (so a
        # few bad values do not push the amount to another column).
        scored = [
            (_header_score(h, role), role not in fits or fits[role][i], -i, i)
            for i, h in enumerate(table.headers)
            if i not in taken
        ]
        scored = [s for s in scored if s[0] > 0]
        found[role] = max(scored)[3] if scored else None
        if found[role] is not None:
            taken.add(found[role])  # type: ignore[arg-type]
    if found["date"] is None:  # no header says "date": the first column of dates
        found["date"] = next((i for i, d in enumerate(is_date) if d and i not in taken), None)
    if found["amount"] is None and (found["quantity"] is None or found["price"] is None):
        # No amount header: the right-most column of numbers is usually the line total.
        numbers = [i for i, n in enumerate(is_number) if n and i not in taken]
        found["amount"] = numbers[-1] if numbers else None
    date_values = columns[found["date"]] if found["date"] is not None else []
    order, certain = guess_date_order(date_values, default_order)
    amount_values = [
        v for r in ("amount", "quantity", "price") if (i := found[r]) is not None
        for v in columns[i]
    ]  # fmt: skip
    mark = detect_decimal_mark(amount_values) if amount_values else mark
    mapping = ActualsMapping(**found, date_order=order, decimal_mark=mark)
    return Detection(mapping, certain)


def match_offerings(texts: Iterable[str], offerings: Mapping[int, str]) -> dict[str, int]:
    """Product texts matching an offering's name (ignoring case and spacing) -> its id."""
    by_name = {_norm(name): oid for oid, name in offerings.items()}
    return {t: by_name[_norm(t)] for t in texts if _norm(t) in by_name}
