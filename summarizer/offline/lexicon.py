"""Word lists of English news style, kept apart from the code that uses them.

Everything here is data: kinds of officials' titles, organizations that act or speak, verbs of
saying, qualifiers of numbers, currencies, and the keyword tables of topics and
security concerns. Regexes built from these lists are compiled once by their users.
"""

from __future__ import annotations

# --- officials -------------------------------------------------------------------------

# The table of titles (written title -> canonical title, "premier" -> "Prime Minister") is
# summarizer.names.TITLES: its words are also the words no person's name begins with.
# The sets below classify its canonical titles.

# Nouns that head a descriptive role in an apposition ("Ana Souza, a senior analyst at the
# X Institute," / "the chairman of the Y Authority, Ana Souza,"). Lower case; matched as words.
ROLE_NOUNS = {
    "analyst", "director", "director-general", "head", "chief", "executive", "representative", "secretary",
    "chairman", "chairwoman", "chairperson", "chair", "president", "vice-president", "founder",
    "co-founder", "cofounder", "professor", "researcher", "fellow", "economist", "spokesperson",
    "spokesman", "spokeswoman", "adviser", "advisor", "manager", "officer", "commissioner", "envoy",
    "ambassador", "minister", "official", "coordinator", "expert", "scholar", "deputy", "governor",
    "mayor", "editor", "lawyer", "physician", "diplomat", "commander", "strategist", "consultant",
    "lecturer", "negotiator", "counsellor", "counselor", "attaché", "attache", "undersecretary",
    "under-secretary", "rapporteur", "prosecutor", "judge", "chancellor", "premier", "ceo", "cfo", "coo",
    "partner", "trustee", "member", "leader", "administrator", "inspector", "registrar", "president-elect",
    "secretary-general", "general", "admiral", "colonel", "lawmaker", "legislator", "senator", "mp",
    "correspondent", "historian", "specialist", "principal", "dean", "superintendent", "controller",
    "treasurer", "auditor", "ombudsman", "mediator", "observer", "delegate", "emissary", "rector",
}

# Canonical titles (values of summarizer.names.TITLES) whose holder belongs to a state; a
# person with one of these and no stated country falls back to the article's most
# mentioned free country.
STATE_TITLES = {
    "President", "Vice President", "Prime Minister", "Deputy Prime Minister", "First Deputy Prime Minister",
    "Foreign Minister", "Deputy Foreign Minister", "External Affairs Minister", "Foreign Secretary",
    "Secretary of State",
    "Defence Minister", "Defence Secretary", "Interior Minister", "Finance Minister", "Economy Minister",
    "Trade Minister", "Energy Minister", "Labour Minister", "Health Minister", "Education Minister",
    "Justice Minister", "Minister", "Deputy Minister", "Vice Minister", "State Secretary", "Undersecretary",
    "Chancellor", "King", "Queen", "Emir",
    "Crown Prince", "Sultan", "Ambassador",
}

# Military ranks: a role written out beside one ("Admiral X, chief of staff of the navy") is the office.
RANK_TITLES = {"General", "Lieutenant General", "Major General", "Admiral", "Colonel"}

# Words that stand for "the head of state or government" in "the Russian leader".
LEADER_WORDS = {"leader", "head of state", "president", "prime minister", "premier", "chancellor",
                "king", "emir", "monarch"}
# Canonical titles of a head of state or government.
HEAD_TITLES = {"President", "Prime Minister", "Chancellor", "King", "Queen", "Emir", "Sultan",
               "Crown Prince", "Supreme Leader"}

# Departments that precede "spokesperson" ("Foreign Ministry spokesperson X").
MINISTRIES: dict[str, str] = {
    "foreign ministry": "Ministry of Foreign Affairs",
    "ministry of foreign affairs": "Ministry of Foreign Affairs",
    "foreign affairs ministry": "Ministry of Foreign Affairs",
    "foreign office": "Foreign Office",
    "state department": "State Department",
    "defence ministry": "Ministry of Defence",
    "defense ministry": "Ministry of Defence",
    "ministry of defence": "Ministry of Defence",
    "ministry of defense": "Ministry of Defence",
    "interior ministry": "Ministry of the Interior",
    "finance ministry": "Ministry of Finance",
    "economy ministry": "Ministry of Economy",
    "energy ministry": "Ministry of Energy",
    "trade ministry": "Ministry of Trade",
    "emergencies ministry": "Ministry of Emergencies",
    "health ministry": "Ministry of Health",
    "justice ministry": "Ministry of Justice",
    "government": "Government",
    "presidential office": "Presidential Office",
    "embassy": "Embassy",
    "army": "Army",
    "military": "Military",
    "armed forces": "Armed Forces",
    "central bank": "Central Bank",
    "parliament": "Parliament",
}

# Organizations that make statements or act, with the country they belong to (None for
# international bodies, whose affiliation is themselves). First form is the name.
ORGANIZATIONS: list[tuple[list[str], str | None]] = [
    (["the Kremlin", "Kremlin"], "Russia"),
    (["the White House", "White House"], "United States"),
    (["the State Department", "State Department", "US State Department", "U.S. State Department"], "United States"),
    (["the Pentagon", "Pentagon"], "United States"),
    (["Downing Street"], "United Kingdom"),
    (["the Foreign Office", "Foreign Office"], "United Kingdom"),
    (["the Élysée", "Élysée", "the Elysee", "Elysee", "the Élysée Palace", "Élysée Palace"], "France"),
    (["Quai d'Orsay", "Quai d’Orsay"], "France"),
    (["Zhongnanhai"], "China"),
    (["NATO", "North Atlantic Treaty Organization", "the alliance"], None),
    (["the European Union", "European Union", "EU"], None),
    (["the European Commission", "European Commission", "Brussels"], None),
    (["the European Council", "European Council"], None),
    (["the United Nations", "United Nations", "UN", "U.N."], None),
    (["the UN Security Council", "UN Security Council", "Security Council"], None),
    (["the CIS", "CIS", "Commonwealth of Independent States"], None),
    (["the CSTO", "CSTO", "Collective Security Treaty Organization"], None),
    (["the SCO", "SCO", "Shanghai Cooperation Organisation", "Shanghai Cooperation Organization"], None),
    (["ASEAN", "Association of Southeast Asian Nations"], None),
    (["the OSCE", "OSCE", "Organization for Security and Co-operation in Europe"], None),
    (["the IAEA", "IAEA", "International Atomic Energy Agency"], None),
    (["the WHO", "World Health Organization"], None),
    (["the IMF", "IMF", "International Monetary Fund"], None),
    (["the World Bank", "World Bank"], None),
    (["the WTO", "WTO", "World Trade Organization"], None),
    (["OPEC"], None),
    (["the African Union", "African Union"], None),
    (["the Arab League", "Arab League"], None),
    (["the Gulf Cooperation Council", "Gulf Cooperation Council", "GCC"], None),
    (["BRICS"], None),
    (["the Eurasian Economic Union", "Eurasian Economic Union", "EAEU"], None),
    (["the International Criminal Court", "International Criminal Court", "ICC"], None),
    (["the International Committee of the Red Cross", "ICRC", "Red Cross"], None),
    (["UNHCR", "the UN refugee agency"], None),
    (["UNICEF"], None),
    (["the World Food Programme", "World Food Programme", "WFP"], None),
    (["the OECD", "OECD"], None),
    (["the Council of Europe", "Council of Europe"], None),
    (["the European Central Bank", "European Central Bank", "ECB"], None),
    (["the Taliban", "Taliban"], "Afghanistan"),
    (["Hamas"], None),
    (["Hezbollah"], None),
]

# Capitalised words that head organization or place names, never a person's name.
NON_NAME_WORDS = {
    "The", "A", "An", "This", "That", "These", "Those", "It", "He", "She", "We", "They", "I", "You",
    "His", "Her", "Its", "Our", "Their", "But", "And", "Or", "So", "If", "In", "On", "At", "By", "For",
    "From", "To", "With", "As", "After", "Before", "During", "While", "When", "Since", "Under", "Over",
    "Ministry", "Department", "Office", "Council", "Committee", "Agency", "Service", "Bank", "Commission",
    "Union", "Organization", "Organisation", "Forces", "Force", "Army", "Navy", "Government", "Parliament",
    "Kremlin", "House", "Palace", "Assembly", "Court", "Party", "Fund", "Group", "Corporation", "Company",
    "University", "Institute", "Centre", "Center", "Summit", "Forum", "Embassy", "Street", "Square",
    "Airport", "Port", "Region", "Province", "State", "States", "Republic", "Kingdom", "Federation",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct",
    "Nov", "Dec", "St", "St.", "Mount", "Lake", "River", "Sea", "Ocean", "Gulf", "Strait", "North",
    "South", "East", "West", "Central", "Northern", "Southern", "Eastern", "Western", "New", "Old",
    "Minister", "President", "Prime", "Foreign", "Deputy", "Secretary", "General", "Chief", "Spokesperson",
    "Spokesman", "Spokeswoman", "Ambassador", "Chancellor", "King", "Queen", "Emir", "Prince", "Crown",
    "Mr", "Mrs", "Ms", "Dr", "Gen", "According", "Meanwhile", "However", "Also", "Earlier", "Later",
    "Today", "Yesterday", "Tomorrow", "Last", "Next", "Reuters", "AP", "AFP", "TASS", "Xinhua", "Interfax",
    "COVID", "Covid", "Agreement", "Treaty", "Declaration", "Accord", "Pact", "Initiative", "Plan",
    "Programme", "Program", "Pipeline", "Stream", "Road", "Belt", "Corridor", "Railway", "Dam",
    "Plant", "Station", "Field", "Project", "Conference", "Talks", "Games", "Day", "Week", "Year",
    "Authority", "Observatory", "Network", "Foundation", "Corp", "Ltd", "Inc", "Association", "Society",
    "Secretariat", "Directorate", "Bureau", "Administration", "Cape", "Affairs",
}

# Head nouns of organization names: a run of capitalised words ending in one is an organization
# ("the Suez Canal Authority", "Nordvik Agri Ltd"), never a person.
ORG_HEADS = {
    "Ministry", "Department", "Office", "Council", "Committee", "Agency", "Service", "Bank", "Commission",
    "Union", "Organization", "Organisation", "Forces", "Force", "Army", "Navy", "Government", "Parliament",
    "Assembly", "Court", "Party", "Fund", "Group", "Corporation", "Company", "University", "Institute",
    "Centre", "Center", "Embassy", "Authority", "Observatory", "Network", "Foundation", "Corp", "Corp.",
    "Ltd", "Ltd.", "Inc", "Inc.", "Association", "Society", "Trust", "Secretariat", "Mission", "Directorate",
    "Bureau", "Administration", "Coalition", "Alliance", "Front", "Movement", "Programme", "Program",
    "Board", "Federation", "Consortium", "Holdings", "Airlines", "Guard", "Police", "Academy", "School",
    "College", "Hospital", "Tribunal", "Chamber", "Exchange", "Forum", "Initiative", "Observatory",
}

# Heads of a state's own bodies ("the Suez Canal Authority", "the Indonesian Navy"): who works
# for one is of that state; who works for another body ("an institute") is of the body.
STATE_BODY_HEADS = {"Agency", "Authority", "Forces", "Force", "Army", "Navy", "Police", "Guard", "Ministry",
                    "Department", "Directorate", "Bureau", "Administration", "Service"}

# Lower-case particles allowed inside a personal name ("Mohammed bin Salman", "Ursula von der Leyen").
NAME_PARTICLES = ("bin", "ibn", "al", "al-", "el", "de", "da", "di", "du", "van", "von", "der", "den",
                  "la", "le", "dos", "das", "ben", "abu")
# Arabic articles written joined to the next word of a name ("al-Otaibi", "el-Sayed")
ARTICLE_PREFIXES = ("al", "el", "ad", "ar", "as", "ash", "at", "az", "an", "ud", "ul")

# Words before a title that make another office of it ("Deputy Defence Minister", "Acting
# President", "Former Prime Minister"): kept in the role, never dropped.
TITLE_MODIFIERS = ("first deputy", "deputy", "acting", "former", "vice", "senior", "interim")

# --- saying ----------------------------------------------------------------------------

SPEECH_VERBS = (
    "said", "says", "say", "told", "tells", "added", "adds", "noted", "notes", "stressed", "stresses",
    "emphasized", "emphasised", "emphasizes", "emphasises", "underlined", "underscored", "pointed out",
    "stated", "states", "declared", "announced", "announces", "explained", "warned", "warns", "insisted",
    "argued", "remarked", "observed", "recalled", "confirmed", "confirms", "acknowledged", "assured",
    "urged", "urges", "asserted", "claimed", "commented", "replied", "responded", "wrote", "writes",
    "reiterated", "highlighted", "believes", "estimated", "estimates", "reported", "reports",
    "cited as saying", "quoted as saying", "was cited as saying", "was quoted as saying", "went on to say",
    "told reporters", "told journalists", "informed", "expressed", "voiced", "called for", "proposed",
    "suggested", "predicted", "forecast", "projected", "complained", "accused", "condemned", "welcomed",
    "praised", "denied", "rejected", "vowed", "insists", "accuses", "denies", "rejects", "described",
    "describes", "welcomes", "condemns",
)
# Verbs whose object is a statement of fact ("X said trade rose"): a figure after them in
# the sentence is X's. Acts of speech such as "urged" or "condemned" do not report figures.
REPORTING_VERBS = {
    "said", "says", "say", "told", "tells", "added", "adds", "noted", "notes", "stressed", "stresses",
    "emphasized", "emphasised", "emphasizes", "emphasises", "underlined", "underscored", "pointed out",
    "stated", "states", "declared", "announced", "announces", "explained", "warned", "warns", "insisted",
    "argued", "remarked", "observed", "recalled", "confirmed", "confirms", "acknowledged", "assured",
    "asserted", "claimed", "commented", "replied", "responded", "wrote", "writes", "reiterated",
    "highlighted", "believes", "estimated", "estimates", "reported", "reports", "cited as saying",
    "quoted as saying", "was cited as saying", "was quoted as saying", "went on to say", "told reporters",
    "told journalists", "informed", "predicted", "forecast", "projected", "according to",
}
# Verbs by which an organization acts (so it counts as a participant).
ORG_ACTION_VERBS = (
    "imposed", "approved", "adopted", "decided", "deployed", "launched", "signed", "issued", "released",
    "suspended", "expelled", "sent", "offered", "summoned", "published", "ordered", "allocated",
    "increased", "stepped up", "recorded", "cut off", "disowned", "financed", "funded", "provided", "pledged",
    "sanctioned", "seized", "detained", "arrested", "attacked", "captured", "occupied", "blocked", "withdrew",
    "evacuated", "intercepted", "shot down", "fired", "struck", "agreed", "accepted", "reset",
    "logged", "awarded",
    # after "will", "would", "has": "NATO will step up patrols"
    "step up", "deploy", "send", "impose", "provide", "increase", "summon", "brief", "share", "fund", "expel",
    "suspend", "withdraw",
)
# Continuations of a speech act with no new subject: ", noting that ..." belongs to the speaker.
SPEECH_PARTICIPLES = ("noting", "adding", "saying", "stressing", "stating", "warning", "explaining",
                      "emphasizing", "emphasising", "pointing out", "recalling", "insisting", "arguing",
                      "underlining", "urging", "calling for")

# --- numbers ---------------------------------------------------------------------------

# phrase -> (qualifier, keep in the figure's text)
QUALIFIERS_BEFORE: dict[str, tuple[str, bool]] = {
    "about": ("approximately", True), "around": ("approximately", True),
    "roughly": ("approximately", True), "some": ("approximately", True),
    "approximately": ("approximately", True), "approx.": ("approximately", True),
    "circa": ("approximately", True), "an estimated": ("approximately", False),
    "estimated": ("approximately", False), "an approximate": ("approximately", False),
    # "nearly 500" and "almost 500" say the true value is close to 500 (from below); the
    # contract has no "close to, below" value, and "approximately" keeps the magnitude,
    # which is what a reader compares, so they map to approximately.
    "nearly": ("approximately", True), "almost": ("approximately", True),
    "close to": ("approximately", True), "just about": ("approximately", True),
    "more than": ("more_than", True), "over": ("more_than", True), "above": ("more_than", True),
    "just over": ("more_than", True), "in excess of": ("more_than", True),
    "upwards of": ("more_than", True), "exceeding": ("more_than", True), "exceeded": ("more_than", True),
    "exceed": ("more_than", True), "exceeds": ("more_than", True),
    "topped": ("more_than", True), "tops": ("more_than", True), "surpassed": ("more_than", True),
    "well over": ("more_than", True), "well above": ("more_than", True),
    "less than": ("less_than", True), "fewer than": ("less_than", True), "under": ("less_than", True),
    "below": ("less_than", True), "just under": ("less_than", True), "short of": ("less_than", True),
    "at least": ("at_least", True), "no fewer than": ("at_least", True), "no less than": ("at_least", True),
    "not less than": ("at_least", True), "a minimum of": ("at_least", True),
    "up to": ("up_to", True), "as many as": ("up_to", True), "as much as": ("up_to", True),
    "a maximum of": ("up_to", True), "at most": ("up_to", True), "no more than": ("up_to", True),
    "not more than": ("up_to", True),
}
QUALIFIERS_AFTER: dict[str, str] = {"or more": "at_least", "plus": "more_than", "or so": "approximately",
                                    "odd": "approximately"}

UNITS_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS_WORDS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
              "eighty": 80, "ninety": 90}
SCALE_WORDS = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
               "trillion": 1_000_000_000_000}
# Written scales after a number: "1.2 mln", "€2.4bn", "£300m", "5k".
SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mln": 1e6, "mn": 1e6, "m": 1e6, "billion": 1e9,
          "bln": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "trn": 1e12, "tn": 1e12,
          "crore": 1e7, "crores": 1e7, "lakh": 1e5, "lakhs": 1e5}  # South Asian scales: "INR 9,400 crore"
MULTIPLIER_VERBS = {"twice": 2, "three times": 3, "doubled": 2, "double": 2, "doubling": 2, "tripled": 3, "triple": 3, "trebled": 3,
                    "tripling": 3, "quadrupled": 4, "quadruple": 4, "halved": 0.5, "halve": 0.5,
                    "halving": 0.5}

# Currency symbols and words -> ISO 4217. Codes themselves ("USD 5 million") come from pycountry.
CURRENCY_SYMBOLS = {"US$": "USD", "U.S.$": "USD", "$": "USD", "A$": "AUD", "C$": "CAD", "HK$": "HKD",
                    "S$": "SGD", "NZ$": "NZD", "€": "EUR", "£": "GBP", "¥": "JPY", "₽": "RUB", "₹": "INR",
                    "₺": "TRY", "₩": "KRW", "₴": "UAH", "₸": "KZT", "Rs": "INR", "Rs.": "INR",
                    "RM": "MYR", "Rp": "IDR", "R$": "BRL", "₱": "PHP", "₦": "NGN", "₪": "ILS"}
CURRENCY_WORDS = {
    "us dollars": "USD", "u.s. dollars": "USD", "dollars": "USD", "dollar": "USD", "euros": "EUR",
    "euro": "EUR", "pounds sterling": "GBP", "pounds": "GBP", "sterling": "GBP", "rubles": "RUB",
    "roubles": "RUB", "ruble": "RUB", "rouble": "RUB", "yuan": "CNY", "renminbi": "CNY", "yen": "JPY",
    "rupees": "INR", "lira": "TRY", "liras": "TRY", "somoni": "TJS", "tenge": "KZT", "hryvnias": "UAH",
    "hryvnia": "UAH", "manat": "AZN", "riyals": "SAR", "dirhams": "AED", "won": "KRW",
    "swiss francs": "CHF", "francs": "CHF", "soms": "KGS", "sums": "UZS", "lari": "GEL", "drams": "AMD",
    "rand": "ZAR", "reais": "BRL", "pesos": "MXN", "zlotys": "PLN", "kroner": "NOK", "kronor": "SEK",
    "dinars": "IQD", "rials": "IRR", "taka": "BDT", "ringgit": "MYR", "baht": "THB", "dong": "VND",
    "birr": "ETB", "soles": "PEN", "naira": "NGN", "cedis": "GHS", "rupiah": "IDR", "kyat": "MMK",
    "riel": "KHR", "kip": "LAK", "tugriks": "MNT", "afghanis": "AFN", "forints": "HUF", "leva": "BGN",
}

# Counted nouns: irregular singulars and abbreviations.
IRREGULAR_SINGULAR = {"people": "person", "men": "man", "women": "woman", "children": "child",
                      "personnel": "personnel", "staff": "staff", "police": "police", "feet": "foot",
                      "lives": "life", "cattle": "cattle", "sheep": "sheep", "aircraft": "aircraft",
                      "series": "series", "species": "species", "data": "data"}
UNIT_ABBREVIATIONS = {"km": "kilometre", "kms": "kilometre", "sq km": "square kilometre", "kg": "kilogram",
                      "mw": "megawatt", "gw": "gigawatt", "kwh": "kilowatt-hour", "mwh": "megawatt-hour",
                      "gwh": "gigawatt-hour", "twh": "terawatt-hour", "bpd": "barrel per day",
                      "b/d": "barrel per day", "mt": "tonne", "t": "tonne", "cu m": "cubic metre",
                      "tons": "ton", "kilometers": "kilometre", "kilometres": "kilometre",
                      "teu": "TEU"}  # twenty-foot equivalent units of containers
# Nouns that "two" refers to in a story about two parties ("investment two nations can make").
PARTY_NOUNS = {"countries", "nations", "economies", "governments", "leaders", "sides", "neighbours", "neighbors",
               "capitals", "peoples", "presidents", "ministers", "states"}
# Units that news gives as a rate of time: "barrels a day" is "barrel per day".
RATE_UNITS = {"barrel": "day", "kilometre": "hour", "kilometer": "hour", "mile": "hour"}
# Counted nouns that name people in general: the unit is "person" (LABELING: figures).
PEOPLE_NOUNS = {"citizens", "nationals", "residents", "inhabitants", "consumers", "individuals", "fishermen"}
# Nouns ending in "s" that are not plurals.
MASS_NOUNS_IN_S = {"gas", "news", "series", "species", "lens", "bus", "chaos", "canvas", "atlas"}
# Head nouns too vague alone, which keep the noun before them in a unit ("border guard").
VAGUE_COUNTED_HEADS = {"attempt", "point", "station", "centre", "center", "carrier", "guard", "worker"}
# Endings and words of adjectives, which are not noun modifiers of a counted noun.
ADJECTIVE_ENDINGS = ("ed", "al", "ive", "ous", "ful", "ic", "ian", "ish", "ese", "ary", "ble", "less", "ant",
                     "ent")
COMMON_ADJECTIVES = {"new", "old", "more", "other", "additional", "further", "young", "major", "small", "large",
                     "big", "local", "foreign", "senior", "key", "main", "top", "modern", "heavy", "light",
                     "armed", "skilled", "long", "short", "high", "low", "total", "daily", "annual", "extra",
                     "such", "many", "few", "several", "some", "same", "own", "full"}
# Nouns after a number that make it a duration or an age, not a quantity the brief wants.
DURATION_NOUNS = {"second", "minute", "hour", "day", "week", "fortnight", "month", "year", "decade",
                  "century", "weekend", "night", "term", "round", "time", "o'clock"}
# Words after a number that show it is not counting anything ("one of", "two sides").
NOT_COUNTED = {"of", "another", "other", "side", "sides", "hand", "way", "thing", "things", "point",
               "party", "parties", "option", "step", "occasion", "on", "by", "more", "again", "each",
               "too", "such", "day", "and", "or"}
# Capitalised or lower-case labels before a number that make it an identifier.
IDENTIFIER_WORDS = {"article", "clause", "resolution", "section", "chapter", "paragraph", "point",
                    "no.", "no", "number", "flight", "room", "highway", "route", "block", "phase",
                    "stage", "level", "group", "category", "class", "type", "model", "version",
                    "season", "episode", "unit", "building", "gate", "line", "item", "annex",
                    "protocol", "platform", "page", "table", "figure", "step", "round", "day",
                    "week", "term", "vol.", "code", "grade", "tier", "zone", "sector", "district"}

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep",
          "Sept", "Oct", "Nov", "Dec")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# Verbs of change before a figure -> the noun of the change, for a figure's measure.
CHANGE_VERBS = {
    "fell": "fall", "fall": "fall", "falls": "fall", "dropped": "drop", "drops": "drop", "declined": "decline",
    "decreased": "decrease", "shrank": "contraction", "contracted": "contraction", "slumped": "slump",
    "plunged": "plunge", "rose": "rise", "rises": "rise", "risen": "rise", "grew": "growth", "grown": "growth",
    "grows": "growth", "increased": "increase", "increases": "increase", "jumped": "jump", "surged": "surge",
    "climbed": "rise", "soared": "surge", "fallen": "fall", "dropping": "drop", "falling": "fall",
    "rising": "rise", "growing": "growth", "declining": "decline", "increasing": "increase", "expanded": "expansion", "gained": "gain", "lost": "loss",
    "doubled": "increase", "tripled": "increase", "halved": "decrease", "widened": "widening",
    "narrowed": "narrowing", "cut": "cut", "reduced": "reduction", "raised": "increase", "boosted": "increase",
}
# Verbs of level: the figure is the value of the subject itself.
LEVEL_VERBS = ("topped", "reached", "totalled", "totaled", "totals", "amounted to", "amounts to",
               "stood at", "stands at", "exceeded", "exceeds", "surpassed", "was", "were", "is", "are",
               "hit", "came to", "reach", "top", "exceed", "passed", "equalled", "equaled")

# --- time ------------------------------------------------------------------------------

RELATIVE_PERIODS = (
    "last year", "this year", "next year", "last month", "this month", "next month", "last week",
    "this week", "last quarter", "this quarter", "the previous year", "the year before", "a year earlier",
    "a year ago", "the past year", "the past decade", "the current year",
    "the first quarter", "the second quarter", "the third quarter", "the fourth quarter",
    "the first half", "the second half", "the first six months", "the first nine months",
    "year-on-year", "year on year", "over the past year", "so far this year", "since the start of the year",
    "last fiscal year", "this fiscal year", "next fiscal year", "the last fiscal year", "the previous fiscal year",
    "the current fiscal year", "last financial year", "this financial year", "the last financial year",
    "the previous financial year", "the current financial year",
)

# --- topics ----------------------------------------------------------------------------

# category -> [(keyword regex, label word[, weight])]. Keywords are matched case-insensitively
# as whole words; the label of a topic is built from the label words of its strongest hits.
# A category is a topic
# when the weights of its hits add up to at least topics.MIN_SCORE (2): a plain keyword
# weighs 1; a word that names its subject beyond doubt weighs 2 (one mention makes a topic:
# "humanitarian corridors", "the coast guard"); a word often used in passing weighs 0.5
# ("allies", "companies", "the border"). Within a category the first alternative that
# matches wins, so a longer phrase is listed before the word it starts with.
TOPIC_KEYWORDS: dict[str, list[tuple]] = {
    "diplomacy": [
        (r"talks", "talks"), (r"summit", "summit"), (r"(?:official |state )?visit(?:s|ed|ing)?", "visit"),
        (r"met(?: with)?", "meeting"), (r"meetings?", "meeting"), (r"(?:bilateral |diplomatic )?relations", "bilateral relations"),
        (r"counterparts?", "bilateral relations"), (r"bilateral", "bilateral relations"),
        (r"diplomatic", "diplomacy"), (r"diplomacy", "diplomacy"), (r"negotiations?", "negotiations"),
        (r"allies|ally|alliance", "alliances", 0.5), (r"partnership", "partnership"), (r"partners", "partnership", 0.5),
        (r"phone (?:call|conversation)|telephone (?:call|conversation)|spoke by phone", "phone call"),
        (r"ambassadors?|embass(?:y|ies)|envoys?", "diplomatic contacts", 0.5),
        (r"cooperation", "cooperation"), (r"memorandum|treaty|accord", "agreements"),
        (r"communiqu\w|joint (?:statement|declaration)", "joint statement"),
        (r"mediat(?:e|ion|or)", "mediation"), (r"ceasefire talks|peace talks|peace process", "peace process"),
    ],
    "economy_trade": [
        (r"trade|trading", "trade"), (r"trade volumes?|trade turnover", "trade"), (r"exports?|exported|imports?|imported", "exports and imports"),
        (r"tariffs?|customs duties|duties", "tariffs"), (r"investments?|investors?|invest(?:ed)?", "investment"),
        (r"economic|economy|economies", "economic relations"), (r"GDP|growth forecast|inflation", "economy"),
        (r"sanctions", "sanctions", 0.5), (r"markets?", "markets", 0.5), (r"loans?|credit line|debt", "finance"),
        (r"budget", "budget"), (r"prices?", "prices"), (r"business(?:es)?|companies|firms", "business", 0.5),
        (r"remittances?", "remittances"),
    ],
    "security_defense": [
        (r"security", "security"),
        (r"border (?:security|guards?|police|troops|patrols?|controls?|clashes|incidents?|tensions?|disputes?)",
         "border security"),
        (r"borders?", "border security", 0.5), (r"military", "military cooperation"),
        (r"weapons?|arms|missiles?|drones?|ammunition", "arms supplies"), (r"armed forces|troops|soldiers", "armed forces"),
        (r"defen[cs]e|defensive", "defence"), (r"terroris[mt]s?|extremis[mt]s?|militants?|insurgen(?:ts?|cy)", "terrorism"),
        (r"armed groups?|militias?|rebels?|jihadists?", "armed groups"),
        (r"threats?", "threats"), (r"military base|bases", "military base"), (r"attacks?|strikes?|shelling", "attacks"),
        (r"war|warfare|conflict|hostilities|fighting|clashes|violence", "conflict"), (r"ceasefire|truce", "ceasefire"),
        (r"exercises|drills?|(?:naval|military|joint|air|live-fire) exercise", "military exercises"),
        (r"exercise(?! (?:restraint|caution|its|their|his|her|the|of|control|power|sovereignty|rights?|jurisdiction)\b)",
         "military exercises"),
        (r"nuclear weapons?|warheads?", "nuclear weapons"),
        (r"navy|navies|naval|warships?|frigates?|patrols?", "naval patrols"), (r"coast ?guards?", "coast guard", 2),
        (r"cyber-?attacks?|cyber(?:security| security)|hack(?:ers?|ed|ing)|espionage|sabotage", "cyber security"),
        (r"polic(?:e|ing)", "policing"), (r"traffick(?:ing|ers?)|smuggl(?:ing|ers?)|pira(?:cy|tes)", "trafficking and piracy"),
        (r"surveillance", "surveillance"), (r"coup", "conflict"),
    ],
    "energy": [
        (r"gas|LNG", "gas"), (r"oil|crude|barrels?", "oil"), (r"pipelines?", "pipelines"),
        (r"nuclear (?:power|plant|reactor|energy)", "nuclear power"), (r"electricity|power grid|power plants?|power lines?|transmission lines?|(?:mega|giga)watts?", "electricity"),
        (r"energy", "energy"), (r"renewables?|solar|wind (?:power|farms?)|hydropower|hydroelectric", "renewables"),
        (r"coal", "coal"), (r"OPEC\+?", "oil"), (r"oil refiner(?:y|ies)", "oil"), (r"refiner(?:y|ies)", "oil", 0.5),
    ],
    "migration_labor": [
        (r"migrants?|migration|migratory", "migration"), (r"workers?|workforce", "labour migration"),
        (r"labou?r", "labour migration"), (r"live and work|work in", "labour migration"),
        (r"remittances?|sent back|money transfers", "remittances"), (r"diaspora", "diaspora"),
        (r"work permits?|visas?|visa-free", "visas and permits"), (r"jobs?|employment|unemployment", "employment"),
    ],
    "culture_education": [
        (r"language", "language"), (r"universit(?:y|ies)|schools?|education|educational", "education"),
        (r"students?|studying", "education"), (r"study", "education", 0.5),
        (r"(?:language |training |education(?:al)? )courses?|courses|teaching|teachers?", "teaching"),
        (r"culture|cultural", "culture"), (r"heritage|museums?|arts?", "culture"), (r"sports?|tourism|tourists", "tourism and sport"),
        (r"scholarships?|exchanges?(?! of (?:fire|shots|views|information|intelligence|financial|data|prisoners|letters|notes|documents))",
         "exchanges"),
    ],
    "health": [(r"pandemic|COVID(?:-19)?|coronavirus|vaccines?|vaccination", "pandemic"),
               (r"health|hospitals?|medical|medicines?|epidemic|outbreak|disease", "health"),
               (r"cholera|malaria|measles|polio|ebola|tuberculosis|mpox|dengue", "disease")],
    "infrastructure_transport": [
        (r"railways?|rail|roads?|highways?|expressways?|ports?|airports?|dams?|canals?|tunnels?|ferr(?:y|ies)",
         "transport infrastructure"), (r"bridges?", "transport infrastructure", 0.5),
        (r"transport|logistics|corridors?|shipping|freight|cargo", "transport and transit"), (r"transit", "transport and transit", 0.5),
        (r"flights?|airlines?|aviation|air traffic|passengers?", "air transport"),
        (r"infrastructure", "infrastructure"), (r"construction", "infrastructure", 0.5),
    ],
    "environment_climate": [
        (r"climate|emissions?|carbon|warming", "climate"), (r"environment(?:al)?|pollution", "environment"),
        (r"water resources|glaciers?|drought|floods?", "water and natural hazards"),
        (r"water(?! cannon)", "water"), (r"sea[- ]levels?|rising seas|coastal (?:protection|erosion)|adaptation", "climate adaptation"),
        (r"deforestation|forests?|forestry", "forests"),
        (r"biodiversity|wildlife|species|conservation|fisheries|fish stocks|overfishing|deep-sea mining", "nature and fisheries"),
    ],
    "humanitarian": [
        (r"humanitarian", "humanitarian aid", 2), (r"refugees?|displaced|evacuat(?:ed|ion)", "refugees"),
        (r"aid|relief|food (?:aid|supplies|shortages)|famine", "aid"),
        (r"civilians|civilian (?:deaths|casualties|areas|targets|populations?|lives)|casualties", "civilians"),
    ],
    "law_governance": [
        (r"elections?|referendum|ballots?", "elections"), (r"vote", "elections", 0.5),
        (r"constitution(?:al)?|laws?|legislation", "legislation"), (r"bill", "legislation", 0.5),
        (r"courts?|judges?|trial|prosecutors?|sentenced", "courts"), (r"corruption", "corruption"),
        (r"human rights|rule of law|opposition", "rights and governance"),
    ],
    "technology": [
        (r"technolog(?:y|ies)", "technology", 0.5), (r"space", "technology", 0.5),
        (r"digital|artificial intelligence|AI|semiconductors?|chips|satellites?", "technology"),
    ],
    "other": [(r"religio(?:n|us)|pilgrims?|pilgrimage|hajj|umrah", "religious affairs")],
}
# Phrases in which a category's keyword does not speak of that category ("palm oil" is not
# energy, "aid workers" are not labour migrants, "humanitarian corridors" are no transport).
TOPIC_NOT_COUNTED: dict[str, str] = {
    "energy": r"(?:palm|olive|cooking|vegetable|edible) oil",
    "migration_labor": r"(?:aid|relief|humanitarian|health|medical) workers?",
    "infrastructure_transport": r"humanitarian corridors?|drone flights?",
}

# --- security concerns -----------------------------------------------------------------

# Threats: the named danger itself.
THREAT_CUES = (
    r"threats?", r"risks?", r"instability", r"unstable", r"destabili[sz](?:e|ing|ation)", r"terroris[mt]s?",
    r"terrorist attacks?", r"extremis[mt]s?", r"militants?", r"insurgen(?:ts?|cy)", r"armed groups?",
    r"militias?", r"rebels?", r"jihadists?", r"attacks?", r"strikes?",
    r"drone strikes?", r"missile (?:launch|launches|tests?|strikes?)", r"shelling", r"bombing", r"explosions?",
    r"clashes", r"fighting", r"hostilities", r"violence", r"war", r"armed conflict", r"conflict",
    r"escalation", r"tensions?", r"incursions?", r"invasion", r"smuggling", r"drug trafficking", r"trafficking",
    r"cyber-?attacks?", r"crisis", r"alarm", r"provocations?", r"aggression", r"occupation",
    r"situation on the border", r"border situation", r"border incidents?", r"ceasefire violations?",
    r"nuclear (?:programme|program|weapons?|threat|escalation)", r"enrichment", r"sabotage", r"espionage",
    r"piracy", r"hijack(?:ing|ed)", r"kidnapp(?:ing|ed)", r"hostages?", r"casualties", r"killed", r"wounded",
    r"injur(?:ed|ing|ies)", r"water cannon", r"collisions?", r"rammed", r"harass(?:ment|ed|ing)",
    r"threaten(?:s|ed|ing)?", r"dangerous manoeuvres", r"dangerous maneuvers",
    # cyber and information threats
    r"hack(?:ers?|ed|ing|s)?", r"intrusions?", r"cyber(?:-| )?(?:attacks?|incidents?|activit(?:y|ies)|operations?|threats?|espionage|campaigns?)",
    r"malicious", r"leak(?:ed|s)?", r"doctored", r"disinformation", r"influence operations?", r"interference",
    r"data breach(?:es)?", r"stolen", r"theft",
    # armed violence and its toll
    r"siege", r"besieged", r"looted", r"fired on", r"sexual violence", r"(?:land)?mines", r"missiles?", r"drones?", r"air ?strikes?", r"airstrikes?", r"bombardment",
    r"arms embargo", r"embargo", r"sanctions evasion", r"kidnappings?", r"pirates", r"hijacking attempts?",
    r"recruit(?:ed|ing|ment|s)?", r"fighters", r"impunity", r"incidents?", r"fragile", r"danger(?:ous)?",
    r"smuggl(?:ers?|ed|e)", r"drugs?", r"contested", r"warships?", r"frigates?", r"navies", r"fleets?",
    # deliberate damage (only beside an infrastructure noun, see .security) and armed groups named once
    r"cut", r"severed", r"damaged", r"sabotaged", r"blown up", r"blew up", r"apt ?\d{1,3}", r"al-[a-z][\w-]*",
    r"extra-regional", r"ballistic", r"nuclear", r"aggression", r"coup", r"unrest",
    # crimes at sea and across borders, jamming, airspace violations, a military build-up, a group by name
    r"illegal(?:,? unreported and unregulated)? fishing", r"fishing without (?:a )?licen[cs]es?",
    r"(?:drug |arms |human |people )?traffickers?", r"(?:gps|signal|satellite|navigation|radio) jamming", r"jamming",
    r"airspace violations?", r"violat(?:ions?|ed|ing) (?:of )?(?:\w+ )?airspace",
    r"(?:massing|massed|build(?:ing)? up|rebuil(?:t|ding)|concentrat(?:ed|ing)) (?:its |their )?(?:forces|troops)",
    r"(?:military|troop) build-?up", r"islamic state",
)
# Measures: what is done against a threat.
MEASURE_CUES = (
    r"weapons", r"arms (?:deliveries|supplies|shipments)", r"military base", r"air base", r"naval base",
    r"troops? (?:were |was |have been |has been )?(?:deployed|sent|stationed)", r"deploy(?:ed|ment|ing)",
    r"air defen[cs]e(?: systems?)?", r"missile defen[cs]e", r"military (?:aid|assistance|equipment)",
    r"(?:joint )?(?:military )?exercises", r"drills", r"patrols?", r"peacekeep(?:ers|ing)", r"sanctions",
    r"security guarantees", r"counter-?terrorism", r"border (?:guards?|reinforcement|controls?|fortifications?)",
    r"reinforce(?:d|ment)?", r"ceasefire", r"truce", r"demining", r"security (?:measures|operation|zone)",
    r"armed forces", r"military presence",
    r"escort(?:ed|s|ing)?", r"air policing", r"observers", r"monitoring (?:mechanism|committee|mission)",
    r"stabili[sz]ation force", r"contingent", r"troops", r"soldiers", r"(?:naval|military|joint|search-and-rescue|"
    r"anti-submarine|maritime) (?:exercise|drill|mission|operation)s?", r"naval (?:mission|forces?|presence)",
    r"surveillance", r"evacuat(?:ed|ion|e)", r"deter(?:rence|red|s)?", r"counter(?:ing|ed)?", r"defend",
    r"passwords?", r"technical indicators", r"intelligence(?:-| )sharing", r"sharing of intelligence",
    r"humanitarian (?:pause|corridors?)", r"draft resolution", r"security council", r"withdraw(?:al)?",
    r"pull-?back", r"demilitari[sz](?:ed|ation)", r"no-fly zone", r"buffer zone", r"freedom of navigation",
    r"radar units?", r"radars?", r"counter-drone(?: systems?)?", r"anti-drone(?: systems?)?",
    r"early-warning (?:aircraft|planes?|radars?|systems?)",
    # defences built and forces raised
    r"bunkers", r"fortifications", r"(?:rocket|missile) launchers", r"conscripts?", r"conscript(?:ion| intake)",
)
# "<Demonym> problem/issue/crisis/question": a named problem tied to a place.
NAMED_PROBLEM_NOUNS = ("problem", "issue", "crisis", "question", "conflict", "threat", "war", "situation",
                       "front", "settlement")
