"""Start the Sales & Marketing Planner: the window, or a command such as ``demo`` or ``info``.

``python app.py [PLAN]`` opens the window; ``python app.py COMMAND ...`` runs one of the
headless commands in ``planner.cli`` (``--help`` lists them). This is also the ``smplanner``
console script. Qt is imported only when the window is wanted, so commands start fast.
"""

from __future__ import annotations

import gc
import os
import sys
import time

# The fallback start time, taken before any other import costs time.
_IMPORTED_AT = time.time()

# numpy's OpenBLAS starts a pool of worker threads when numpy is imported, and its worker
# spins ~60 ms of CPU there. The planner's arithmetic is small arrays (a forecast of a few
# hundred months) that never use more than one thread, and on a two-core machine that spin
# took the core the plan's file check and the Dashboard's first read run on. Set before
# numpy is imported anywhere; a value the user set stays.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def process_start_time() -> float:
    """When this process started, in ``time.time()`` seconds.

    On Linux the kernel records the start in /proc/self/stat (field 22, clock ticks since
    boot), which includes the interpreter's own start-up that ``--startup-time`` must count.
    It is compared with the boot-time clock now, rather than with ``btime`` in /proc/stat,
    because ``btime`` is rounded to whole seconds. Elsewhere, the moment app.py was loaded.
    """
    try:
        with open("/proc/self/stat", "rb") as handle:
            stat = handle.read().decode("ascii", "replace")
        # Field 2 (the command name) may hold spaces and ')'; fields resume after the last ')'.
        fields = stat[stat.rindex(")") + 2 :].split()
        start_ticks = int(fields[22 - 3])
        since_start = time.clock_gettime(time.CLOCK_BOOTTIME) - start_ticks / os.sysconf(
            "SC_CLK_TCK"
        )
        started = time.time() - since_start
    except (OSError, ValueError, IndexError, AttributeError):
        return _IMPORTED_AT
    # Guard against a clock mismatch (some sandboxes fake /proc): the result must come
    # before app.py was loaded, and not absurdly long before.
    if not _IMPORTED_AT - 60.0 <= started <= _IMPORTED_AT:
        return _IMPORTED_AT
    return started


def _program_name() -> str:
    name = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "smplanner"
    return "python app.py" if name == "app.py" else name


def _import_before_qt() -> None:
    """Load the window's headless half before Qt: SQLAlchemy and the models, and numpy with
    the queries of the first tab's first read.

    Once PySide6 is loaded it hooks every later import and reads the imported module's
    source, looking for its ``from __feature__ import`` switch (the cost napari measured in
    its issue 8584). These ~300 modules need no such look, and on the way to the first
    paint it cost ~0.1 s; the modules named after Qt loads get a quicker look
    (``ui.feature_check``).
    """
    import sqlalchemy.dialects.sqlite  # noqa: F401  (create_engine loads it when first called)

    import planner.db.plan  # SQLAlchemy, the models
    import planner.forecasting.select  # numpy
    import planner.queries.dashboard  # noqa: F401  the Dashboard's first read


def _run(argv: list[str], started_at: float) -> int:
    from pathlib import Path

    from planner import cli

    prog = _program_name()
    if not (argv and argv[0] in cli.COMMANDS):
        # ``report`` paints with Qt, so the Qt layer declares it; it is registered only on
        # the way to it, to --help or to the window: headless commands never import ``ui``.
        import ui.report_command  # noqa: F401
    if argv and argv[0] in cli.COMMANDS:
        return cli.run_command(argv[0], argv[1:], prog)
    # The window collects cycles on its own timer (ui.gc_policy). Automatic collection is
    # off from here: the imports and the first read allocate a million objects, and the
    # collector would walk them again and again (tens of ms of the start) for no garbage.
    gc.disable()
    options = cli.main_parser(prog).parse_args(argv)
    path = Path(options.plan) if options.plan else None
    if path is not None:
        # The file's check reads all of it: it runs on a thread while Qt and the window
        # load, and open_plan waits for its verdict before anything is shown or written.
        from planner.db.filecheck import start_check  # before SQLAlchemy loads

        start_check(path)
    _import_before_qt()
    from ui.feature_check import quicken  # loads Qt: it checks every later import

    quicken()
    # run_gui checks the file once (read-only, inside open_plan) and, in a timing run,
    # prints a refusal as one line with no dialog.
    from ui.application import run_gui

    return run_gui(path, startup_time=options.startup_time, started_at=started_at)


def main(argv: list[str] | None = None) -> int:
    """The command line; returns the process exit code."""
    started_at = process_start_time()
    args = list(sys.argv[1:] if argv is None else argv)
    from planner.cli import guarded

    return guarded(lambda: _run(args, started_at))


if __name__ == "__main__":
    sys.exit(main())
