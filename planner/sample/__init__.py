"""The sample plan: a believable bakery with years of history (see ``build`` for what is in it)."""

from planner.sample.build import easter_sunday, write_sample

__all__ = ["easter_sunday", "write_sample"]
