"""The source data of the sample plan: one believable small bakery with a catering line.

Everything here is plain data read by ``planner.sample``: the business, its people, its
offerings with the full marketing mix, its segments and channels, the seasonal shapes of
its sales and spend, and the word lists from which customer names and deal titles are
built. Seasonal shapes are multipliers per calendar month (January first) around 1.0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

BUSINESS_NAME = "Hartmann's Bakery & Catering"
CURRENCY = "EUR"
FISCAL_START_MONTH = 1

# The sales reps; the first is the owner of the business.
REPS = ("Anna Hartmann", "Jonas Weber", "Lea Brandt", "Tom Okafor")


@dataclass(frozen=True)
class OfferingSpec:
    """One offering: its marketing mix (the row) and how its sales and deals behave."""

    key: str
    row: dict[str, Any]
    monthly_revenue: int  # minor units per month in the current year, before seasonality
    growth: float  # yearly growth of revenue
    noise: float  # month-to-month spread of revenue (standard deviation of the log)
    season: tuple[float, ...]  # twelve multipliers, January first
    easter: float  # extra multiplier in the month of Easter Sunday
    deal_share: float  # share of the pipeline's deals
    cycle_days: int  # typical days from first contact to a decision
    segments: dict[str, float]  # segment key -> share of this offering's deals
    owners: dict[str, float]  # rep name -> share of this offering's deals
    channels: dict[str, tuple[bool, bool, int]] = field(default_factory=dict)
    # channel key -> (sells, promotes, yearly budget in minor units)


OFFERINGS: tuple[OfferingSpec, ...] = (
    OfferingSpec(
        key="counter",
        row={
            "name": "Bakery counter",
            "description": "Fresh bread, rolls, cakes and pastries baked every morning and sold "
            "over the counter of our shop on Market Street, plus celebration cakes made to order.",
            "target_customers": "Neighbours, commuters and families within a 15-minute walk or "
            "drive, and people ordering a cake for a birthday, christening or communion.",
            "value_proposition": "Real sourdough and hand-made pastries from local flour, baked "
            "the same morning, for a few cents more than the supermarket.",
            "features": "Sourdough and rye breads; butter croissants; seasonal cakes (stollen at "
            "Christmas, lamb cakes at Easter); celebration cakes with three days' notice; a "
            "gluten-free loaf on Fridays.",
            "lifecycle_stage": "Maturity",
            "list_price_minor": 650,
            "unit_cost_minor": 260,
            "pricing_approach": "Competitive",
            "discount_policy": "Day-old bread at half price after 4 pm. Loyalty card: every tenth "
            "coffee and pastry free. No other discounts.",
            "place": "Our shop on Market Street, open Tuesday to Sunday from 6:30 am. "
            "Celebration cakes are picked up in the shop or delivered within 10 km for 8 euros.",
            "promotion_message": "Baked this morning, just around the corner.",
            "promotion_tactics": "Shop window displays that change with the season; Instagram "
            "photos of the morning bake; the cake of the month in the newsletter; tasting "
            "samples on Saturdays.",
        },
        monthly_revenue=2_050_000,
        growth=0.03,
        noise=0.045,
        season=(0.88, 0.86, 0.95, 0.98, 0.98, 0.95, 0.91, 0.82, 0.97, 1.00, 1.06, 1.62),
        easter=1.09,
        deal_share=0.20,
        cycle_days=10,
        segments={"private": 0.5, "households": 0.3, "offices": 0.2},
        owners={"Tom Okafor": 0.7, "Lea Brandt": 0.3},
        channels={
            "shop": (True, True, 164_000),
            "social": (False, True, 120_000),
            "email": (False, True, 18_000),
        },
    ),
    OfferingSpec(
        key="catering",
        row={
            "name": "Catering for events & offices",
            "description": "Breakfast, lunch and party buffets delivered and set up for "
            "offices, weddings, christenings and private parties of 10 to 250 guests.",
            "target_customers": "Office managers of local companies with 20 to 250 staff, "
            "couples planning a wedding, and families planning a celebration.",
            "value_proposition": "One call and the food is sorted: home-made quality, delivered "
            "on time, set up and cleared away, at a fixed price per guest.",
            "features": "Breakfast and finger-food menus; warm lunch buffets; wedding cakes and "
            "dessert tables; vegetarian, vegan and gluten-free dishes; crockery and serving "
            "staff on request.",
            "lifecycle_stage": "Growth",
            "list_price_minor": 3_200,
            "unit_cost_minor": 1_450,
            "pricing_approach": "Value-based",
            "discount_policy": "5% off for regular office orders (at least monthly); 10% off "
            "buffets for more than 100 guests; the tasting is free when a wedding is booked.",
            "place": "Ordered by phone, email or the form on our website; delivered by our own "
            "van within 30 km; Anna visits every wedding couple in person.",
            "promotion_message": "Home-made food for your event, delivered and set up: one call "
            "and it is sorted.",
            "promotion_tactics": "Search ads for 'catering' and 'wedding buffet'; a stand at the "
            "wedding fair and the business expo; a thank-you voucher for every recommendation; "
            "photos of past events on Instagram.",
        },
        monthly_revenue=1_120_000,
        growth=0.09,
        noise=0.09,
        season=(0.55, 0.62, 0.82, 0.95, 1.42, 1.58, 1.12, 0.74, 1.08, 0.95, 1.05, 1.88),
        easter=1.0,
        deal_share=0.40,
        cycle_days=24,
        segments={"offices": 0.55, "private": 0.45},
        owners={"Jonas Weber": 0.5, "Anna Hartmann": 0.3, "Lea Brandt": 0.2},
        channels={
            "search": (False, True, 360_000),
            "events": (False, True, 380_000),
            "referrals": (True, True, 78_000),
            "social": (False, True, 110_000),
        },
    ),
    OfferingSpec(
        key="giftbox",
        row={
            "name": "Web shop gift boxes",
            "description": "Boxes of biscuits, stollen, jams and chocolates, packed to order "
            "and shipped across the country from our web shop.",
            "target_customers": "Companies thanking their staff and clients, and private buyers "
            "sending a present for Christmas, Easter or Mother's Day.",
            "value_proposition": "A personal, hand-made gift that arrives fresh and beautifully "
            "packed, with your own card or logo, without a trip to the shop.",
            "features": "Three box sizes; seasonal editions; a printed card with your message; "
            "your company logo from 20 boxes; shipped in two to three working days.",
            "lifecycle_stage": "Introduction",
            "list_price_minor": 3_990,
            "unit_cost_minor": 1_780,
            "pricing_approach": "Premium",
            "discount_policy": "Companies: 5% off from 20 boxes, 10% off from 50 boxes. Free "
            "shipping over 80 euros. Christmas orders placed before 15 November get the card "
            "design free.",
            "place": "Our web shop, paid by card or on invoice and shipped by parcel service; "
            "companies can also order by email.",
            "promotion_message": "Send a taste of home: hand-made gift boxes, packed and shipped "
            "for you.",
            "promotion_tactics": "Search ads from October to December and before Easter and "
            "Mother's Day; Instagram stories; newsletter offers; a flyer in every shop bag in "
            "November.",
        },
        monthly_revenue=380_000,
        growth=0.20,
        noise=0.11,
        season=(0.42, 0.68, 0.95, 1.00, 1.30, 0.58, 0.45, 0.45, 0.60, 0.82, 1.55, 3.10),
        easter=1.35,
        deal_share=0.25,
        cycle_days=18,
        segments={"offices": 0.7, "households": 0.3},
        owners={"Lea Brandt": 0.7, "Tom Okafor": 0.3},
        channels={
            "search": (False, True, 225_000),
            "social": (False, True, 75_000),
            "email": (True, True, 36_000),
        },
    ),
    OfferingSpec(
        key="wholesale",
        row={
            "name": "Wholesale to cafés",
            "description": "Early-morning deliveries of bread, rolls and cakes to cafés, hotels "
            "and restaurants in town, on a standing weekly order.",
            "target_customers": "Independent cafés, small hotels and restaurants within 20 km "
            "that want fresh bakery goods without baking themselves.",
            "value_proposition": "Fresh, reliable deliveries before opening time of products "
            "their guests notice, with one invoice a month.",
            "features": "Delivery before 7 am, six days a week; a standing order that can be "
            "changed until 2 pm the day before; one invoice a month; a signature cake for the "
            "café's own counter.",
            "lifecycle_stage": "Maturity",
            "list_price_minor": 18_500,
            "unit_cost_minor": 10_400,
            "pricing_approach": "Cost-plus",
            "discount_policy": "Prices per item from the wholesale list; 3% off for orders above "
            "1,000 euros a month; payment within 14 days.",
            "place": "Delivered by our van on a fixed morning route; orders by phone or email "
            "straight to Anna.",
            "promotion_message": "Your guests will taste the difference: fresh from our ovens to "
            "your counter before 7 am.",
            "promotion_tactics": "Personal visits with a tasting basket; recommendations from the "
            "cafés we already supply; a stand at the regional hospitality expo.",
        },
        monthly_revenue=860_000,
        growth=0.04,
        noise=0.05,
        season=(0.93, 0.92, 0.97, 1.00, 1.04, 1.08, 1.12, 1.05, 1.00, 0.96, 0.94, 1.02),
        easter=1.03,
        deal_share=0.15,
        cycle_days=40,
        segments={"cafes": 1.0},
        owners={"Anna Hartmann": 0.7, "Jonas Weber": 0.3},
        channels={
            "referrals": (False, True, 30_000),
            "events": (False, True, 140_000),
            "shop": (True, False, 0),
        },
    ),
)


@dataclass(frozen=True)
class SegmentSpec:
    key: str
    row: dict[str, Any]
    channels: dict[str, float]  # channel key -> share of this segment's deals
    lost_reasons: tuple[float, ...]  # weights in the order of DEFAULT_LOST_REASONS


SEGMENTS: tuple[SegmentSpec, ...] = (
    SegmentSpec(
        key="offices",
        row={
            "name": "Offices & companies",
            "description": "Local companies with 20 to 250 staff within 30 km: law and tax "
            "firms, agencies, engineering offices and clinics.",
            "needs": "Reliable breakfast and lunch for meetings, food for the Christmas party, "
            "and gifts for staff and clients, with one invoice and no fuss.",
            "customers": 1_800,
            "yearly_value_minor": 160_000,
            "serviceable_bp": 4_500,
            "obtainable_bp": 600,
            "growth_bp": 400,
            "priority": 1,
            "targeted": True,
        },
        channels={"search": 0.35, "events": 0.2, "referrals": 0.3, "email": 0.15},
        lost_reasons=(0.15, 0.2, 0.25, 0.25, 0.1, 0.05),
    ),
    SegmentSpec(
        key="private",
        row={
            "name": "Private celebrations",
            "description": "Couples and families in the region planning a wedding, christening, "
            "communion or big birthday.",
            "needs": "Good food for many guests at a fixed price per head, a tasting, dishes for "
            "every diet, and someone who takes care of everything on the day.",
            "customers": 9_000,
            "yearly_value_minor": 90_000,
            "serviceable_bp": 3_500,
            "obtainable_bp": 300,
            "growth_bp": 200,
            "priority": 1,
            "targeted": True,
        },
        channels={"social": 0.3, "events": 0.2, "referrals": 0.25, "search": 0.15, "shop": 0.1},
        lost_reasons=(0.4, 0.2, 0.05, 0.15, 0.15, 0.05),
    ),
    SegmentSpec(
        key="cafes",
        row={
            "name": "Cafés, hotels & restaurants",
            "description": "Independent cafés, small hotels and restaurants within 20 km that do "
            "not bake themselves.",
            "needs": "Fresh products delivered before opening, steady quality, orders they can "
            "change at short notice, and fair prices.",
            "customers": 240,
            "yearly_value_minor": 1_400_000,
            "serviceable_bp": 6_000,
            "obtainable_bp": 1_200,
            "growth_bp": 150,
            "priority": 2,
            "targeted": True,
        },
        channels={"referrals": 0.5, "events": 0.3, "shop": 0.2},
        lost_reasons=(0.3, 0.4, 0.05, 0.1, 0.05, 0.1),
    ),
    SegmentSpec(
        key="households",
        row={
            "name": "Local households & gift buyers",
            "description": "People living or working near the shop, and online buyers sending "
            "gifts to family and friends.",
            "needs": "Fresh bread every day, a special cake now and then, and easy gifts for the "
            "holidays.",
            "customers": 25_000,
            "yearly_value_minor": 26_000,
            "serviceable_bp": 7_000,
            "obtainable_bp": 800,
            "growth_bp": 300,
            "priority": 2,
            "targeted": True,
        },
        channels={"shop": 0.35, "social": 0.3, "email": 0.2, "search": 0.15},
        lost_reasons=(0.35, 0.1, 0.1, 0.25, 0.15, 0.05),
    ),
)


@dataclass(frozen=True)
class ChannelSpec:
    """A channel, its monthly spend plan and what a lead from it costs."""

    key: str
    name: str
    kind: str
    notes: str
    monthly_spend: tuple[int, ...]  # planned spend per calendar month this year, minor units
    cost_per_lead: int  # minor units
    win_rate: float  # share of this channel's closed deals that are won


CHANNELS: tuple[ChannelSpec, ...] = (
    ChannelSpec(
        "search", "Google search ads", "Search ads",
        "Ads for 'catering', 'wedding buffet' and 'gift box' searches in the region; the "
        "budget goes up before Christmas, Easter and the wedding season.",
        (30_000, 30_000, 50_000, 55_000, 60_000, 45_000, 25_000, 25_000, 40_000, 55_000,
         90_000, 80_000),
        1_800, 0.45,
    ),
    ChannelSpec(
        "social", "Instagram & Facebook", "Social",
        "Photos of the morning bake and of events, with a few boosted posts each month.",
        (20_000, 20_000, 25_000, 30_000, 30_000, 25_000, 20_000, 15_000, 25_000, 25_000,
         35_000, 35_000),
        2_200, 0.45,
    ),
    ChannelSpec(
        "email", "Email newsletter", "Email",
        "A monthly newsletter to about 1,900 subscribers with the cake of the month and "
        "seasonal offers.",
        (4_500,) * 12,
        450, 0.6,
    ),
    ChannelSpec(
        "events", "Wedding & business fairs", "Events",
        "The wedding fair in January, the hospitality expo in March, the business expo in "
        "September and a stall at the Christmas market.",
        (180_000, 0, 90_000, 0, 0, 0, 0, 0, 140_000, 0, 0, 110_000),
        4_000, 0.55,
    ),
    ChannelSpec(
        "referrals", "Recommendations & referrals", "Referrals",
        "Happy customers passing us on; every recommendation that books is thanked with a "
        "20-euro voucher.",
        (9_000,) * 12,
        900, 0.7,
    ),
    ChannelSpec(
        "shop", "Shop window & counter", "Shop or direct",
        "Seasonal window displays, flyers in shop bags and order cards on the counter.",
        (12_000, 10_000, 15_000, 15_000, 12_000, 10_000, 10_000, 10_000, 12_000, 15_000,
         18_000, 25_000),
        700, 0.65,
    ),
)  # fmt: skip

# Customer names are built from these lists: companies from one or two surnames and a trade
# (80 x 79 x 30 = 189,600 names), people from first names and surnames, venues from a kind
# and a name, so even a plan with 100,000 deals has believable, varied customers.
FIRST_NAMES = (
    "Anna", "Ben", "Clara", "David", "Elif", "Felix", "Greta", "Hannah", "Ivan", "Julia",
    "Karim", "Laura", "Max", "Nina", "Oskar", "Paula", "Quentin", "Rosa", "Sven", "Tanja",
    "Ulrike", "Viktor", "Wiebke", "Yusuf", "Zoe", "Amir", "Birgit", "Carlos", "Doris", "Emil",
    "Frieda", "Georg", "Helga", "Ines", "Jakob", "Katja", "Lukas", "Marta", "Niklas", "Olga",
    "Peter", "Ronja", "Sofia", "Theo", "Uwe", "Vera", "Wolfgang", "Xenia", "Yara", "Zeynep",
)  # fmt: skip
SURNAMES = (
    "Albrecht", "Bauer", "Becker", "Berger", "Brandl", "Dietrich", "Eckert", "Engel", "Fischer",
    "Frank", "Fuchs", "Graf", "Günther", "Haas", "Hahn", "Hartung", "Heinz", "Herrmann", "Hofer",
    "Horn", "Huber", "Jäger", "Jung", "Kaiser", "Keller", "Klein", "Koch", "König", "Kraus",
    "Krüger", "Kuhn", "Lang", "Lehmann", "Lorenz", "Ludwig", "Maier", "Marx", "Meyer", "Möller",
    "Moser", "Müller", "Neumann", "Novak", "Otto", "Peters", "Pohl", "Richter", "Roth", "Sauer",
    "Schäfer", "Schmid", "Schmitt", "Schneider", "Scholz", "Schröder", "Schulz", "Schuster",
    "Seidel", "Simon", "Sommer", "Stein", "Thomas", "Vogel", "Vogt", "Wagner", "Walter",
    "Weiss", "Werner", "Winkler", "Wolf", "Yilmaz", "Zimmermann", "Arslan", "Costa", "Dubois",
    "Kowalski", "Nowak", "Rossi", "Silva", "Lindqvist",
)  # fmt: skip
COMPANY_TRADES = (
    "Architects", "Tax Advisors", "Law Firm", "Engineering", "IT Services", "Insurance",
    "Dental Practice", "Marketing Agency", "Logistics", "Physiotherapy", "Estate Agents",
    "Accountants", "Print Shop", "Software", "Consulting", "Opticians", "Medical Centre",
    "Car Dealership", "Builders", "Electrical", "Design Studio", "Veterinary Clinic",
    "Translation Services", "Recruitment", "Photography", "Travel Agency", "Solar Systems",
    "Wealth Management", "Kindergarten", "Pharmacy",
)  # fmt: skip
VENUE_KINDS = (
    "Café", "Hotel", "Bistro", "Restaurant", "Guesthouse", "Tea Room", "Brasserie", "Deli",
    "Coffee Bar", "Inn",
)  # fmt: skip
VENUE_NAMES = (
    "Lindenhof", "Rosengarten", "Seeblick", "Alte Post", "Sonnenhof", "Stadtpark", "am Markt",
    "Mühlenblick", "Zur Linde", "Bergblick", "Kornblume", "Am Brunnen", "Goldener Hirsch",
    "Schlossgarten", "Rathauseck", "Hafenblick", "Kastanie", "Morgenrot", "Blaue Tür",
    "Am Dom", "Weidenhof", "Zum Anker", "Apfelbaum", "Am Tor", "Lavendel", "Glockenspiel",
    "Sternen", "Uferweg", "Eichenhof", "Kirschgarten",
)  # fmt: skip

# Deal titles per offering and segment: (template, months when it fits, () = any month).
# ``{n}`` is the number of guests, boxes, portions or months that the amount was built from.
TITLES: dict[tuple[str, str], tuple[tuple[str, tuple[int, ...]], ...]] = {
    ("catering", "offices"): (
        ("Christmas party buffet for {n}", (11, 12)),
        ("Summer party finger food for {n}", (6, 7, 8)),
        ("Team breakfast for {n}", ()),
        ("Conference lunch for {n}", ()),
        ("Client event buffet for {n}", ()),
        ("Weekly office breakfast for {n}", ()),
    ),
    ("catering", "private"): (
        ("Wedding reception, {n} guests", (5, 6, 7, 8, 9)),
        ("Communion lunch, {n} guests", (4, 5)),
        ("Christening brunch, {n} guests", ()),
        ("Birthday buffet, {n} guests", ()),
        ("Anniversary dinner buffet, {n} guests", ()),
    ),
    ("counter", "private"): (
        ("Wedding cake for {n} guests", (5, 6, 7, 8, 9)),
        ("Birthday cake, {n} portions", ()),
        ("Party platters for {n}", ()),
        ("Christening cake, {n} portions", ()),
    ),
    ("counter", "households"): (
        ("Christmas stollen order ({n} pieces)", (11, 12)),
        ("Easter lamb cakes ({n} pieces)", (3, 4)),
        ("Family party cake, {n} portions", ()),
        ("Sunday brunch basket for {n}", ()),
    ),
    ("counter", "offices"): (
        ("Standing order: rolls for {n} staff", ()),
        ("Farewell cake for the team, {n} portions", ()),
        ("Meeting pastries for {n}", ()),
    ),
    ("giftbox", "offices"): (
        ("Christmas gift boxes for staff ({n})", (10, 11, 12)),
        ("Easter boxes for the team ({n})", (3, 4)),
        ("Client thank-you boxes ({n})", ()),
        ("Welcome boxes for new hires ({n})", ()),
        ("Anniversary gift boxes ({n})", ()),
    ),
    ("giftbox", "households"): (
        ("Christmas boxes for the family ({n})", (11, 12)),
        ("Mother's Day boxes ({n})", (4, 5)),
        ("Birthday gift boxes ({n})", ()),
    ),
    ("wholesale", "cafes"): (
        ("Daily bread and rolls, {n}-month supply", ()),
        ("Cakes for the counter, {n}-month supply", ()),
        ("Breakfast pastries, {n}-month trial", ()),
        ("Bread for the restaurant, {n}-month supply", ()),
    ),
}

NOTES = (
    "Asked about gluten-free options.",
    "Wants a tasting before deciding.",
    "Compares us with a supermarket platter; price matters.",
    "Call back after their budget meeting.",
    "Ordered from us last year and was happy.",
    "Needs delivery before 8 am.",
    "Recommended by one of our café customers.",
    "Asked for a vegan version of the menu.",
    "Decision is made by the managing director, not our contact.",
    "Wants the company logo on the packaging.",
    "Prefers to pay on invoice within 30 days.",
    "Met them at the fair; very interested in the seasonal range.",
)
