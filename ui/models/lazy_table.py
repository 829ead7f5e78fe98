"""A table model for very many rows: it holds only the ordered keys and reads the rows it
shows, a page at a time, when the view first asks for them.

``RowTableModel`` keeps every row in a Python list, which is right for a few thousand
rows. The pipeline can hold 100,000 deals: reading and building every row took about two
seconds, and sorting or filtering them in Python as long again. ``LazyTableModel`` asks
its ``keys`` function for the keys in display order (the database filters and sorts,
in a fraction of a second) and its ``load`` function for the rows of one page of keys.
Pages are kept, up to a limit, and dropped when the keys are read again.

Editing, pasting, copying and the refused-edit messages are ``RowTableModel``'s: they
reach rows through ``shown``, a ``LazyRows`` sequence that reads pages as it goes.

After an edit the keys are read again. Unchanged keys keep the selection and scroll
position (``dataChanged``); the same keys in a new order move the persistent indexes
with their rows (``layoutChanged``); anything else resets the model.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Sequence
from typing import Any, cast, overload

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt

from ui.models.columns import Column, CommandFor
from ui.models.formats import Formats
from ui.models.table import RowTableModel
from ui.undo import PlanOperations

PAGE_SIZE = 128  # rows read at once: a few screens, one quick query
MAX_PAGES = 64  # pages kept (8,192 rows); the least recently used go first

Keys = Callable[[int, bool], Sequence[Hashable]]  # (sort column or -1, descending)
Load = Callable[[Sequence[Hashable]], Sequence[Any]]

Index = QModelIndex | QPersistentModelIndex


class RowGone(LookupError):
    """A row was deleted after its key was read (it shows empty until the next reload)."""


class LazyRows(Sequence[Any]):
    """Rows by position over ordered ``keys``; each page is read with ``load`` when first
    asked for. Compares equal to any sequence of the same rows."""

    def __init__(
        self,
        keys: Sequence[Hashable],
        load: Load,
        *,
        key: Callable[[Any], Hashable],
        page_size: int = PAGE_SIZE,
        max_pages: int = MAX_PAGES,
    ) -> None:
        self.keys: list[Hashable] = list(keys)
        self._load = load
        self._key = key
        self._page_size = page_size
        self._max_pages = max_pages
        self._pages: OrderedDict[int, list[Any]] = OrderedDict()
        self.reads = 0  # how many pages were read, for tests and benchmarks

    def __len__(self) -> int:
        return len(self.keys)

    @overload
    def __getitem__(self, position: int) -> Any: ...

    @overload
    def __getitem__(self, position: slice) -> list[Any]: ...

    def __getitem__(self, position: int | slice) -> Any:
        if isinstance(position, slice):
            return [self[n] for n in range(*position.indices(len(self.keys)))]
        if position < 0:
            position += len(self.keys)
        if not 0 <= position < len(self.keys):
            raise IndexError(position)
        number, offset = divmod(position, self._page_size)
        row = self._page(number)[offset]
        if row is None:
            raise RowGone(self.keys[position])
        return row

    def __iter__(self) -> Iterator[Any]:
        for position in range(len(self.keys)):
            yield self[position]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(other) == len(self) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # equal to lists, so unhashable like them

    def __repr__(self) -> str:
        return f"LazyRows({len(self.keys)} rows, {len(self._pages)} pages read)"

    def index_of(self, key: Hashable) -> int:
        """Position of the row with ``key`` (without reading any row), or -1."""
        try:
            return self.keys.index(key)
        except ValueError:
            return -1

    def put_page(self, number: int, rows: Sequence[Any]) -> None:
        """Keep rows read elsewhere as page ``number`` (rows missing from them are gone)."""
        start = number * self._page_size
        found = {self._key(row): row for row in rows}
        self._pages[number] = [found.get(k) for k in self.keys[start : start + self._page_size]]

    def is_read(self, position: int) -> bool:
        return position // self._page_size in self._pages

    def prefetch(self, position: int) -> None:
        """Read the page holding ``position`` now (the rows a view is about to show)."""
        if 0 <= position < len(self.keys):
            self._page(position // self._page_size)

    def _page(self, number: int) -> list[Any]:
        page = self._pages.get(number)
        if page is not None:
            self._pages.move_to_end(number)
            return page
        start = number * self._page_size
        wanted = self.keys[start : start + self._page_size]
        found = {self._key(row): row for row in self._load(wanted)}
        page = [found.get(k) for k in wanted]
        self.reads += 1
        self._pages[number] = page
        while len(self._pages) > self._max_pages:
            self._pages.popitem(last=False)
        return page


class LazyTableModel(RowTableModel):
    """Columns over rows read on demand; see the module docstring.

    ``keys(sort_column, descending)`` returns the keys of the rows to show, in order
    (sort_column is -1 for the natural order); ``load(keys)`` returns their rows (in any
    order; a key whose row is gone may be left out); ``every()`` returns every key in the
    natural order, filter or not, for ``rows``. Call ``reload()`` after the data or the
    filter changed. ``key`` must give a row's key."""

    def __init__(
        self,
        columns: Sequence[Column[Any]],
        *,
        keys: Keys,
        load: Load,
        every: Callable[[], Sequence[Hashable]],
        formats: Formats | None = None,
        key: Callable[[Any], Hashable] = lambda row: row.id,
        ops: PlanOperations | None = None,
        command_for: CommandFor | None = None,
        row_label: Callable[[Any], str] | None = None,
        page_size: int = PAGE_SIZE,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(
            columns, formats, key=key, ops=ops, command_for=command_for,
            row_label=row_label, parent=parent,
        )  # fmt: skip
        self._keys, self._load, self._every_keys = keys, load, every
        self._row_key = key
        self._page_size = page_size
        self._shown = self._lazy([])  # type: ignore[assignment]  # stands in for the list
        self._every: LazyRows | None = None
        self._loaded = False

    def _lazy(self, keys: Sequence[Hashable]) -> LazyRows:
        return LazyRows(keys, self._load, key=self._row_key, page_size=self._page_size)

    # -- content -------------------------------------------------------------------------

    @property
    def rows(self) -> LazyRows:  # type: ignore[override]  # a sequence read on demand
        """Every row (no filter) in the natural order; read when first used."""
        if self._every is None:
            self._every = self._lazy(self._every_keys())
        return self._every

    @property
    def shown(self) -> LazyRows:  # type: ignore[override]
        """The rows shown, in display order."""
        return cast(LazyRows, self._shown)

    def row_of_key(self, key: Hashable) -> int:
        return self.shown.index_of(key)

    def set_rows(self, rows: Sequence[Any]) -> None:
        raise TypeError("A LazyTableModel reads its own rows: call reload() instead.")

    def set_filter(self, predicate: Callable[[Any], bool] | None) -> None:
        raise TypeError("A LazyTableModel's keys function filters: call reload() instead.")

    def set_columns(self, columns: Sequence[Column[Any]]) -> None:
        self.beginResetModel()
        self.columns = list(columns)
        if self._sort_column >= len(self.columns):
            self._sort_column = -1
        self.endResetModel()

    @property
    def sorted_by(self) -> tuple[int, bool]:
        """The sort column (-1: natural order) and whether it is descending, as ``keys``
        is asked for them."""
        return self._sort_column, self._sort_order == Qt.SortOrder.DescendingOrder

    @property
    def page_size(self) -> int:
        return self._page_size

    def reload(self, first_row: int = 0) -> None:
        """Read the keys again (after an edit, or for a new filter). The page holding
        ``first_row`` (the top row in view) is read at once, so the view repaints from
        memory."""
        new = self._lazy(self._keys(*self.sorted_by))
        new.prefetch(first_row)
        self._show(new)

    def show_keys(
        self, keys: Sequence[Hashable], page: int = 0, rows: Sequence[Any] | None = None
    ) -> None:
        """``reload`` with keys (in the current order) read elsewhere, on a worker thread
        say; ``rows`` are those of page number ``page``, read with them."""
        new = self._lazy(keys)
        if rows is not None:
            new.put_page(page, rows)
        self._show(new)

    def _show(self, new: LazyRows) -> None:
        self._loaded = True
        self._every = None
        old = self.shown.keys
        if new.keys == old:
            self._shown = new  # type: ignore[assignment]
            self._all_changed()
        elif len(new.keys) == len(old) and set(new.keys) == set(old):
            self._relayout(lambda: setattr(self, "_shown", new))
            self._all_changed()
        else:
            self.beginResetModel()
            self._shown = new  # type: ignore[assignment]
            self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        column = column if 0 <= column < len(self.columns) else -1
        if self._loaded and (column, order) == (self._sort_column, self._sort_order):
            return  # already in this order (a view's sortByColumn asks twice)
        self._sort_column = column
        self._sort_order = order
        if not self._loaded:  # the view sets its first order before anything is read
            return
        descending = order == Qt.SortOrder.DescendingOrder
        new = self._lazy(self._keys(self._sort_column, descending))
        self._relayout(lambda: setattr(self, "_shown", new))

    def _relayout(self, change: Callable[[], None]) -> None:
        # As RowTableModel's, but by keys: no row is read to move the selection.
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        old = self.shown.keys
        keys = [old[i.row()] if 0 <= i.row() < len(old) else None for i in persistent]
        change()
        new = self.shown
        # A few indexes (the current cell, a selection) are looked up one by one; a
        # table of positions pays off only for many.
        position = {k: n for n, k in enumerate(new.keys)} if len(persistent) > 20 else None
        moved = []
        for index, key in zip(persistent, keys, strict=True):
            row = -1
            if key is not None:
                row = position.get(key, -1) if position is not None else new.index_of(key)
            moved.append(QModelIndex() if row < 0 else self.index(row, index.column()))
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    # -- Qt model interface --------------------------------------------------------------

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        try:
            return super().data(index, role)
        except RowGone:
            return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        try:
            return super().flags(index)
        except RowGone:
            return Qt.ItemFlag.NoItemFlags
