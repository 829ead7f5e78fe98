"""The Qt layer: main window, tabs, item models, dialogs and undo, on top of ``planner``."""
