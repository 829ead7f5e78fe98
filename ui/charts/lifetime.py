"""Deleting a chart's pyqtgraph view at a safe moment.

With PySide6 6.12 and pyqtgraph 0.14, two ways of ending a chart crashed the process:

- the garbage collector freeing a ChartView (a widget with connected lambdas sits in
  reference cycles): Qt deleted the view and its scene while Python was tearing down the
  wrappers of the scene's items (cf. pyqtgraph issue #1628);
- a view still alive when the interpreter shuts down.

So the view is taken out of a dying ChartView and deleted on the next event loop turn,
and views still alive at exit are deleted before Python starts its own teardown. Both
were reproduced in loops of 40 charts and are gone with this module.
"""

from __future__ import annotations

import atexit
import weakref
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

_VIEWS: weakref.WeakSet[Any] = weakref.WeakSet()
_registered = False


def watch(owner: QWidget, view: QWidget) -> None:
    """Delete ``view`` safely when ``owner`` is freed, or at exit if still alive."""
    global _registered
    if not _registered:
        atexit.register(_delete_all)
        _registered = True
    _VIEWS.add(view)
    finalizer = weakref.finalize(owner, _delete_later, view)
    finalizer.atexit = False  # at exit, _delete_all deals with it


def _delete_later(view: QWidget) -> None:
    if shiboken6.isValid(view) and QCoreApplication.instance() is not None:
        view.setParent(None)
        view.deleteLater()


def _delete_all() -> None:
    for view in list(_VIEWS):
        if shiboken6.isValid(view):
            shiboken6.delete(view)
