"""The words of the Marketing mix tab: guidance beside each P, what each field is for, and
what each choice means. Plain language for an owner who is not a marketer."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from planner.domain.pipeline import LIFECYCLE_STAGES, PRICING_APPROACHES

# Guidance beside each P: what belongs there, then a short example. Price quotes money in
# the plan's currency, so it takes a formatter.
GUIDANCE: dict[str, Callable[[Callable[[Decimal], str]], str]] = {
    "Product": lambda _money: (
        "What you sell and who it is for. Describe it as a customer would: the problem it "
        "solves and why they would pick yours over the alternatives.\n\n"
        "Example: celebration cakes made to order for families planning a birthday, with "
        "real butter and ready in three days."
    ),
    "Price": lambda money: (
        "What you charge and what it costs you to deliver one. The gap is your margin, which "
        "pays for everything else: rent, wages, marketing and profit.\n\n"
        f"Example: a celebration cake sells for {money(Decimal(45))} and costs "
        f"{money(Decimal(14))} in ingredients and labour, leaving {money(Decimal(31))}."
    ),
    "Place": lambda _money: (
        "Where customers find it, buy it and get it: your shop, a web shop, a market stall, "
        "a partner who resells it, or you visiting them. Tick the channels that sell it.\n\n"
        "Example: gift boxes are ordered in the web shop and sent by parcel; locals pick "
        "them up in the shop."
    ),
    "Promotion": lambda money: (
        "How people hear about it and why they should want it: one clear message, the "
        "tactics that carry it, and what you plan to spend in each channel in a year.\n\n"
        "Example: “Baked this morning, just around the corner”, told in the shop window and "
        f"on Instagram, with {money(Decimal(1200))} a year for photos and ads."
    ),
}

LIFECYCLE_MEANINGS: dict[str, str] = dict(
    zip(
        LIFECYCLE_STAGES,
        (
            "New: few people know it yet, so it needs explaining and promoting.",
            "Sales are climbing and competitors are starting to notice.",
            "Sales are steady; keep customers loyal and costs down.",
            "Sales are falling: refresh it, cut its costs or plan its end.",
        ),
        strict=True,
    )
)

PRICING_MEANINGS: dict[str, str] = dict(
    zip(
        PRICING_APPROACHES,
        (
            "Your cost plus a fixed mark-up.",
            "What it is worth to the customer, whatever it costs you.",
            "In line with what others charge for something similar.",
            "Low at first, to win customers quickly.",
            "High, to signal the best quality.",
        ),
        strict=True,
    )
)

# Field help: (label, tooltip, hint shown in the empty field).
FIELD_HELP: dict[str, tuple[str, str, str]] = {
    "description": (
        "What it is",
        "The offering in a sentence or two, as you would tell a customer.",
        "For example: fresh bread and cakes baked every morning",
    ),
    "target_customers": (
        "Who it is for",
        "The people or businesses who buy it, in your own words.",
        "For example: families within a 15-minute drive",
    ),
    "segments": (
        "Target segments",
        "The customer groups from the Segments tab that this offering serves.",
        "",
    ),
    "value_proposition": (
        "Value proposition",
        "Why customers choose it: the benefit they get, and why yours rather than another.",
        "Why would someone pick this over the alternatives?",
    ),
    "features": (
        "Key features and benefits",
        "What it includes, and what each part does for the customer.",
        "For example: gluten-free on Fridays, so everyone at the table can eat",
    ),
    "lifecycle_stage": (
        "Life-cycle stage",
        "Where it is in its life: new, growing, steady or fading. It decides what it needs.",
        "",
    ),
    "list_price": (
        "List price",
        "What a customer pays for one before any discount.",
        "",
    ),
    "unit_cost": (
        "Unit cost",
        "What one costs you to make or deliver: materials, ingredients and the work in it.",
        "",
    ),
    "margin": ("Margin", "List price minus unit cost, and its share of the price.", ""),
    "pricing_approach": (
        "Pricing approach",
        "How you set the price: from your cost, from its worth to the customer, or from "
        "what others charge.",
        "",
    ),
    "discount_policy": (
        "Discount rules",
        "When you give a lower price, how much, and to whom.",
        "For example: 10% off orders of more than 100",
    ),
    "place": (
        "Where and how it is sold and delivered",
        "Where customers buy it and how it reaches them.",
        "For example: in our shop, or delivered by our van within 30 km",
    ),
    "sold_through": (
        "Sold through",
        "The channels from the Channels tab where customers can buy it.",
        "",
    ),
    "promotion_message": (
        "Message",
        "The one thing you want people to remember about it.",
        "For example: baked this morning, just around the corner",
    ),
    "promotion_tactics": (
        "Tactics",
        "What you do to spread the message: ads, posts, a newsletter, a fair, samples.",
        "For example: tasting samples on Saturdays; photos on Instagram",
    ),
    "promoted_by": (
        "Channels and yearly budgets",
        "Tick the channels that promote it and type what you plan to spend in each a year.",
        "",
    ),
}
