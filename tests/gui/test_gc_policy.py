"""ui/gc_policy.py: cycles are collected on the GUI thread's timer, never by a worker."""

from __future__ import annotations

import gc
import threading
import weakref
from typing import Any

import pytest
from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from ui import gc_policy

pytestmark = pytest.mark.gui


class Holder(QObject):
    """A Qt object caught in a reference cycle, as a chart and its slots can be."""

    def __init__(self) -> None:
        super().__init__()
        self.me: Any = self


def test_cycles_made_on_a_worker_wait_for_the_gui_thread(qtbot: QtBot) -> None:
    collector = gc_policy.install()
    assert not gc.isenabled()
    gc.collect()
    refs: list[weakref.ref[Holder]] = []
    kept: list[list[object]] = []

    def worker() -> None:
        holder = Holder()
        refs.append(weakref.ref(holder))
        del holder
        # Containers that stay alive, as a read's rows do: enough to have set off automatic
        # collections on this thread several times over.
        kept.extend([] for _ in range(5 * collector.thresholds[0]))

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert refs[0]() is not None  # nothing collected it on the worker
    qtbot.waitUntil(lambda: refs[0]() is None, timeout=5000)  # the GUI thread's timer did


def test_install_is_idempotent_and_keeps_the_interpreters_thresholds() -> None:
    first = gc_policy.install()
    assert gc_policy.install() is first
    assert first.thresholds[0] > 0
    assert first.timer.isActive()
