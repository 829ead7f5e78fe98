"""Where things are in a workbook the planner exports: the contract between the Excel
export (``planner.io.excel_export``) and reading an edited workbook back
(``planner.io.excel_import``).

Everything the importer needs to find a figure is here: sheet names, the header row and the
first data row of each sheet that can come back, and each column's key, header text, kind
and whether the owner may edit it. The exporter builds its sheets from these same
constants, so the two sides cannot drift apart.

Two shapes of sheet come back:

- A *list* (Pipeline, Actuals): one record per row under a header row. Rows the owner adds
  at the bottom (with no ID) are new records: new deals, new actual sales. Deleting a row
  does not delete anything in the plan: the sheet's note says so.
- A *grid* (Targets, Channels): one row per item and figure, one column per month of the
  exported fiscal year, then a "Year total" column (a formula). Column A is hidden and
  holds a machine key for the row (see ``target_row_key`` and ``channel_row_key``); a row
  whose key is empty is derived (totals, "not assigned" rests, variances) and is ignored.

Values: money is a number in the plan currency's unit (1234.5, shown with the currency's
number format); a percentage is a fraction (0.4 shown as 40%); a date is a date; a month is
the date of its first day shown as "Jan 2026"; an id is a whole number. Cells in derived
columns and rows are formulas; an importer reads their cached values only to tell the owner
that editing them has no effect.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

FORMAT_VERSION = 1

SUMMARY = "Summary"
MIX = "Marketing mix"
SEGMENTS = "Segments"
CHANNELS = "Channels"
TARGETS = "Targets"
PIPELINE = "Pipeline"
ACTUALS = "Actuals"
FORECAST = "Forecast"
META = "_planner"  # hidden; key in column A, value in column B from row 1; CHOICE_LISTS from D

SHEETS = (SUMMARY, MIX, SEGMENTS, CHANNELS, TARGETS, PIPELINE, ACTUALS, FORECAST)


class Meta(StrEnum):
    """Keys of the hidden ``_planner`` sheet (values are text unless said otherwise)."""

    FORMAT_VERSION = "format_version"  # int: FORMAT_VERSION
    APP_VERSION = "app_version"  # planner.__version__
    SCHEMA_VERSION = "schema_version"  # the plan file's migration revision
    PLAN_FILE = "plan_file"  # the plan's file name (no folder), e.g. "bakery.smplan"
    BUSINESS_NAME = "business_name"
    CURRENCY = "currency"  # ISO code, e.g. "EUR"
    FISCAL_YEAR = "fiscal_year"  # int: the calendar year the exported fiscal year starts in
    FISCAL_START_MONTH = "fiscal_start_month"  # int 1-12
    FIRST_MONTH = "first_month"  # "2026-01": the month of the first month column of grids
    EXPORTED_AT = "exported_at"  # ISO 8601 local time, seconds
    TODAY = "today"  # ISO date the export took as today (what "complete month" means)


class Kind(StrEnum):
    MONEY = "money"
    INT = "int"
    PERCENT = "percent"  # a fraction: 0.25 is 25%
    DATE = "date"
    MONTH = "month"  # a date on the first of the month
    TEXT = "text"
    ID = "id"


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a list. ``derived`` columns hold formulas and are never read back."""

    key: str
    header: str
    kind: Kind
    editable: bool
    derived: bool = False


@dataclass(frozen=True, slots=True)
class ListLayout:
    """A sheet with one record per row, headers in ``header_row``, records from
    ``first_data_row`` until the first row whose cells are all empty."""

    sheet: str
    header_row: int
    first_data_row: int
    columns: tuple[Column, ...]
    note: str

    def index(self, key: str) -> int:
        """The 1-based column number of ``key``."""
        for number, column in enumerate(self.columns, start=1):
            if column.key == key:
                return number
        raise KeyError(key)

    def column(self, key: str) -> Column:
        return self.columns[self.index(key) - 1]


@dataclass(frozen=True, slots=True)
class GridLayout:
    """A sheet with months across: ``label_columns`` (after the hidden key in column A),
    then ``MONTH_COLUMNS`` months starting at column ``first_month_column``, then the
    derived "Year total" column. Header cells of month columns hold the month's first day."""

    sheet: str
    header_row: int
    first_data_row: int
    label_columns: tuple[Column, ...]  # columns B, C, ...; never editable
    first_month_column: int
    note: str

    @property
    def total_column(self) -> int:
        return self.first_month_column + MONTH_COLUMNS

    def month_column(self, month_number: int) -> int:
        """The column of the ``month_number``-th month of the fiscal year (0-based)."""
        if not 0 <= month_number < MONTH_COLUMNS:
            raise IndexError(month_number)
        return self.first_month_column + month_number


MONTH_COLUMNS = 12
KEY_COLUMN = 1  # column A of a grid: hidden row key
KEY_HEADER = "Key"
YEAR_TOTAL_HEADER = "Year total"
ID_NOTE = "Leave the ID and key columns as they are: they tell the planner which record a row is."

# -- Pipeline: every deal -------------------------------------------------------------

PIPELINE_LAYOUT = ListLayout(
    sheet=PIPELINE,
    header_row=5,
    first_data_row=6,
    columns=(
        Column("id", "ID", Kind.ID, editable=False),
        Column("customer", "Customer", Kind.TEXT, editable=True),
        Column("title", "Deal", Kind.TEXT, editable=True),
        Column("offering", "Offering", Kind.TEXT, editable=True),  # a name; blank: none
        Column("segment", "Segment", Kind.TEXT, editable=True),
        Column("channel", "Source channel", Kind.TEXT, editable=True),
        Column("owner", "Owner", Kind.TEXT, editable=True),
        Column("stage", "Stage", Kind.TEXT, editable=True),  # a stage name
        Column("status", "Status", Kind.TEXT, editable=False),  # "Open", "Won", "Lost"
        Column("amount", "Amount", Kind.MONEY, editable=True),
        # The effective probability: the deal's own, else its stage's (100% won, 0% lost).
        Column("probability", "Probability", Kind.PERCENT, editable=True),
        Column("weighted", "Weighted value", Kind.MONEY, editable=False, derived=True),
        Column("created_on", "Created", Kind.DATE, editable=False),
        Column("expected_close", "Expected close", Kind.DATE, editable=True),
        Column("closed_on", "Closed", Kind.DATE, editable=False),
        Column("lost_reason", "Lost reason", Kind.TEXT, editable=True),
        Column("notes", "Notes", Kind.TEXT, editable=True),
    ),
    note=(
        "Every deal, one per row. You can change deals here and add new ones at the bottom "
        "(leave their ID empty), then use File > Import from Excel in the planner. The "
        "offering, segment, channel, owner, stage and lost reason cells offer your plan's "
        "names in a drop-down list. Deleting a row here does not delete the deal in the "
        "planner. " + ID_NOTE
    ),
)

# -- Actuals: what was really sold, one row per month and offering ---------------------

UNASSIGNED_OFFERING = "Not linked to an offering"  # the offering text of such rows

ACTUALS_LAYOUT = ListLayout(
    sheet=ACTUALS,
    header_row=5,
    first_data_row=6,
    columns=(
        # Blank in rows the owner adds and in sales not linked to an offering: the
        # offering is then found by its name ("Not linked to an offering" for none).
        Column("offering_id", "Offering ID", Kind.ID, editable=False),
        Column("month", "Month", Kind.MONTH, editable=True),
        Column("offering", "Offering", Kind.TEXT, editable=True),
        Column("revenue", "Revenue", Kind.MONEY, editable=True),  # blank: nothing recorded
        Column("units", "Units sold", Kind.INT, editable=True),  # blank: not known
    ),
    note=(
        "What was really sold, one row per month and offering of the fiscal year; an empty "
        "Revenue cell means nothing is recorded yet. Type figures in, or add rows at the "
        "bottom, then use File > Import from Excel in the planner. Deleting a row here "
        "does not delete the sales in the planner. " + ID_NOTE
    ),
)

# -- Targets: revenue targets per month, whole business and each part of a breakdown ---


class TargetPart(StrEnum):
    """What a target row is for; the values match ``planner.services.targets.Part``."""

    OFFERING = "offering"
    SEGMENT = "segment"
    REP = "rep"


TARGET_ROW_LABELS = {  # the text of column B
    None: "Whole business",
    TargetPart.OFFERING: "Offering",
    TargetPart.SEGMENT: "Segment",
    TargetPart.REP: "Sales rep",
}
NOT_ASSIGNED_LABEL = "Not assigned"  # column B of a derived rest row

TARGETS_LAYOUT = GridLayout(
    sheet=TARGETS,
    header_row=4,
    first_data_row=5,
    label_columns=(
        Column("target_for", "Target for", Kind.TEXT, editable=False),
        Column("name", "Name", Kind.TEXT, editable=False),
    ),
    first_month_column=4,  # D
    note=(
        "Revenue targets for each month. The first row is the target of the whole "
        "business; rows below divide it by offering, segment or sales rep. Change the "
        "monthly figures, then use File > Import from Excel in the planner. " + ID_NOTE
    ),
)


def target_row_key(part: TargetPart | None, item_id: int | None) -> str:
    """``"total"`` for the whole business, else ``"offering:3"``, ``"segment:2"``, ``"rep:1"``."""
    if part is None:
        return "total"
    if item_id is None:
        raise ValueError("A target row for a part needs the item's id.")
    return f"{part.value}:{item_id}"


def parse_target_row_key(key: str) -> tuple[TargetPart | None, int | None]:
    """The (part, item id) of a target row key; ``(None, None)`` is the whole business.
    Raises ValueError for anything else (an empty key is a derived row: skip it first)."""
    text = key.strip()
    if text == "total":
        return None, None
    part, sep, number = text.partition(":")
    if not sep or part not in {p.value for p in TargetPart} or not number.isdigit():
        raise ValueError(f"'{key}' is not a target row key.")
    return TargetPart(part), int(number)


# -- Channels: spend and leads per channel and month ------------------------------------


@dataclass(frozen=True, slots=True)
class Figure:
    """One row of a channel's block: ``field`` is the ChannelMonth column it edits (None
    for derived rows); ``label`` is column C."""

    key: str
    label: str
    kind: Kind
    field: str | None

    @property
    def derived(self) -> bool:
        return self.field is None


CHANNEL_FIGURES = (
    Figure("planned_spend", "Planned spend", Kind.MONEY, "planned_spend_minor"),
    Figure("actual_spend", "Actual spend", Kind.MONEY, "actual_spend_minor"),
    Figure("spend_variance", "Spend over (+) / under (-) budget", Kind.MONEY, None),
    Figure("planned_leads", "Planned leads", Kind.INT, "planned_leads"),
    Figure("actual_leads", "Actual leads", Kind.INT, "actual_leads"),
    Figure("cost_per_lead", "Cost per lead", Kind.MONEY, None),
)
ALL_CHANNELS_LABEL = "All channels"  # column B of the derived totals block below

CHANNELS_LAYOUT = GridLayout(
    sheet=CHANNELS,
    header_row=4,
    first_data_row=5,
    label_columns=(
        Column("channel", "Channel", Kind.TEXT, editable=False),
        Column("figure", "Figure", Kind.TEXT, editable=False),
    ),
    first_month_column=4,  # D
    note=(
        "Planned and actual marketing spend and leads of each channel, month by month. An "
        "empty actual means not known yet. Change the planned and actual figures, then use "
        "File > Import from Excel in the planner. " + ID_NOTE
    ),
)


def channel_row_key(channel_id: int, figure: str) -> str:
    """``"channel:5:planned_spend"``; derived figures get no key (empty)."""
    return f"channel:{channel_id}:{figure}"


def parse_channel_row_key(key: str) -> tuple[int, Figure]:
    """The channel id and figure of a channel row key; ValueError for anything else."""
    parts = key.strip().split(":")
    if len(parts) == 3 and parts[0] == "channel" and parts[1].isdigit():
        for figure in CHANNEL_FIGURES:
            if figure.key == parts[2] and not figure.derived:
                return int(parts[1]), figure
    raise ValueError(f"'{key}' is not a channel row key.")


# -- Choices: the drop-down lists of the columns that take a name -------------------------
# The hidden ``_planner`` sheet keeps, from column D on (A and B are the metadata), one list
# per column: its heading in row 1, the names from row 2, each list in the plan's own order.
# The data validation of a choice column refers to these cells, so Excel offers the names
# in a drop-down and refuses others. The import never reads them: it checks every name
# against the plan itself.

CHOICE_LISTS = (  # (key, heading on the _planner sheet)
    ("offering", "Offerings"),
    ("segment", "Segments"),
    ("channel", "Channels"),
    ("owner", "Sales reps"),
    ("stage", "Stages"),
    ("lost_reason", "Lost reasons"),
    ("actual_offering", "Offerings of actual sales"),  # the offerings, then UNASSIGNED_OFFERING
)
CHOICES_FIRST_COLUMN = 4  # D
CHOICES_FIRST_ROW = 2


def choice_column(key: str) -> int:
    """The column of the ``_planner`` sheet that holds the choice list ``key``."""
    for number, (name, _heading) in enumerate(CHOICE_LISTS, start=CHOICES_FIRST_COLUMN):
        if name == key:
            return number
    raise KeyError(key)


LISTS = {PIPELINE: PIPELINE_LAYOUT, ACTUALS: ACTUALS_LAYOUT}
GRIDS = {TARGETS: TARGETS_LAYOUT, CHANNELS: CHANNELS_LAYOUT}
