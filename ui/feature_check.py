"""A quicker answer to the question PySide6 asks of every module imported after it.

Once ``PySide6.QtCore`` is loaded, PySide6 hooks ``import``: the first time a module is
named by an import statement, it reads the module's source with ``inspect.getsource`` and
looks for the text "PySide6", to learn whether the module may switch on one of its
``from __feature__ import`` options (snake_case, true_property; the planner uses none).
``inspect.getsource`` goes through linecache, which decodes the file and splits it into
lines. On the way to the window's first paint about 300 modules are named after Qt loads
(typing, datetime, SQLAlchemy's and pyqtgraph's modules, ours): measured here that cost
~50 ms of the main thread. napari's issue 8584 describes the same cost.

``quicken`` gives PySide6 the same answer from the file's bytes (~15 ms for those modules).
The hook lives in PySide6's private support package: when it is not there as expected (a
PySide6 that works differently), ``quicken`` changes nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType

import PySide6.QtCore  # noqa: F401  loads the support package that holds the hook

FEATURE_MODULE = "shibokensupport.feature"
_CHECK = "_mod_uses_pyside"


def uses_pyside(module: ModuleType, fallback: Callable[[ModuleType], bool]) -> bool:
    """True when the source file of ``module`` mentions PySide6, as ``fallback`` (PySide6's
    own check) would say; modules without a ``.py`` file are left to ``fallback``."""
    path = getattr(module, "__file__", None)
    if isinstance(path, str) and path.endswith(".py"):
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            pass
    return fallback(module)


def quicken() -> bool:
    """Put ``uses_pyside`` in place of PySide6's check (once). True when it is in place."""
    feature = sys.modules.get(FEATURE_MODULE)
    upstream = getattr(feature, _CHECK, None)
    if feature is None or not callable(upstream):
        return False
    if getattr(upstream, "quickened", False):
        return True

    def check(module: ModuleType) -> bool:
        return uses_pyside(module, upstream)

    check.quickened = True  # type: ignore[attr-defined]
    check.upstream = upstream  # type: ignore[attr-defined]
    setattr(feature, _CHECK, check)
    return True
