"""Deleting a chart's pyqtgraph view at a safe moment.

A pyqtgraph view that is still alive when the interpreter shuts down crashed the process
at exit (segmentation fault; reproduced every time with PySide6 6.11.3 and 6.12.0 and
pyqtgraph 0.14, also with a bare GraphicsLayoutWidget). So views still alive at exit are
deleted before Python starts its own teardown.

And when the garbage collector frees a ChartView, the view is taken out of it and deleted
on the next event loop turn instead of in the middle of the collection: with PySide6
6.12.0 that crashed at random (cf. pyqtgraph issue #1628); deleting from the event loop
is the path Qt itself uses.
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
