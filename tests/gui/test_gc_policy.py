"""ui/gc_policy.py: cycles are collected on the GUI thread's timer, never by a worker."""

from __future__ import annotations

import gc
import threading
import weakref
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from ui import gc_policy

pytestmark = pytest.mark.gui


class Cycle:
    """An object that only the cyclic collector can free (as a chart and its slots)."""

    def __init__(self) -> None:
        self.me: Any = self


def test_cycles_made_on_a_worker_wait_for_the_gui_thread(qtbot: QtBot) -> None:
    collector = gc_policy.install()
    assert not gc.isenabled()
    gc.collect()
    refs: list[weakref.ref[Cycle]] = []
    kept: list[list[object]] = []
    collected_on: list[str] = []

    def worker() -> None:
        cycle = Cycle()
        refs.append(weakref.ref(cycle, lambda _ref: collected_on.append(
            threading.current_thread().name)))  # fmt: skip
        del cycle
        # Containers that stay alive, as a read's rows do: enough to have set off automatic
        # collections on this thread several times over.
        kept.extend([] for _ in range(5 * collector.thresholds[0]))

    thread = threading.Thread(target=worker, name="worker")
    thread.start()
    thread.join()
    assert refs[0]() is not None  # nothing collected it on the worker
    # The GUI thread's timer collects it on its next tick.
    with qtbot.waitSignal(collector.timer.timeout, timeout=5000):
        pass
    qtbot.waitUntil(lambda: bool(collected_on), timeout=5000)
    assert collected_on == [threading.main_thread().name]


def test_install_is_idempotent_and_keeps_the_interpreters_thresholds() -> None:
    first = gc_policy.install()
    assert gc_policy.install() is first
    assert first.thresholds[0] > 0
    assert first.timer.isActive()


def test_long_work_postpones_full_collections_only() -> None:
    collector = gc_policy.install()
    generations: list[int] = []

    def record(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            generations.append(info["generation"])

    kept: list[list[object]] = []

    def ticks(count: int) -> None:  # timer ticks, each after a burst of surviving objects
        for _ in range(count):
            kept.extend([] for _ in range(2 * collector.thresholds[0]))
            collector.check()

    gc.callbacks.append(record)
    try:
        with gc_policy.full_collections_postponed():
            ticks(3 * collector.thresholds[1] * collector.thresholds[2])
        during = list(generations)
        ticks(collector.thresholds[1] + 2)
    finally:
        gc.callbacks.remove(record)
    assert 0 in during and 1 in during and 2 not in during
    assert 2 in generations[len(during) :]  # the full collection comes once the work is over


def test_what_exists_at_install_is_frozen_out_of_collections() -> None:
    # The program's own objects (modules, classes) are never walked again: the first tick
    # after start-up would otherwise walk them all in front of the window's first paint.
    gc_policy.install()
    assert gc.get_freeze_count() > 10_000


def test_a_starting_window_collects_only_once_started(qtbot: QtBot) -> None:
    collector = gc_policy.MainThreadCollector(starting=True)
    try:
        assert not collector.timer.isActive()  # no tick walks the objects start-up makes
        frozen = gc.get_freeze_count()
        kept: list[list[int]] = [
            [] for _ in range(1000)
        ]  # as a tab's widgets: made while starting, kept
        collector.started()
        assert gc.get_freeze_count() >= frozen + len(kept)
        assert collector.timer.isActive()
        collector.started()  # only once
        assert collector.timer.isActive()
    finally:
        collector.timer.stop()
        collector.deleteLater()
