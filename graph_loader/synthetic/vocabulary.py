"""The words the generator builds records from: plainly fictional name stems, real places of
the border region, sectors, topics, programmes and roles.

Every name of a person or an organisation combines a placeholder stem (Muster-, Beispiel-,
Eksempel-, Opdigtet-, ...) with ordinary endings, so no record can be mistaken for a real one.
"""

from dataclasses import dataclass
from functools import cache

DK, DE = "DK", "DE"
COUNTRIES = (DK, DE)


def other_country(country: str) -> str:
    return DE if country == DK else DK


@dataclass(frozen=True)
class Words:
    """One thing said in German, Danish and English."""

    de: str
    da: str
    en: str

    def in_language(self, country: str) -> str:
        return self.da if country == DK else self.de

    def columns(self, field: str) -> dict[str, str]:
        """The three texts as the CSV columns of a nested field (``labels.de``, ...)."""
        return {f"{field}.de": self.de, f"{field}.da": self.da, f"{field}.en": self.en}


@dataclass(frozen=True)
class SectorWords:
    key: str
    name: Words
    org_words: dict[str, tuple[str, ...]]
    """Words for organisation names, by country."""
    cluster_word: Words
    specialties: tuple[str, ...]
    services: tuple[str, ...]
    technologies: tuple[str, ...]
    weight: float
    """How common organisations of the sector are."""


SECTORS = (
    SectorWords(
        "health",
        Words("Gesundheit", "Sundhed", "Health"),
        {
            DE: ("Medizintechnik", "Gesundheit", "Klinikservice"),
            DK: ("Medico", "Sundhed", "Klinik"),
        },
        Words("Gesundheitscluster", "Sundhedsklynge", "health cluster"),
        ("medical devices", "telemedicine", "hospital logistics", "rehabilitation"),
        ("clinical testing", "matchmaking", "regulatory advice"),
        ("sensors", "imaging", "health data platforms"),
        1.3,
    ),
    SectorWords(
        "social-services",
        Words("Sozialdienstleistungen", "Sociale serviceydelser", "Social services"),
        {DE: ("Pflege", "Sozialwerk", "Betreuung"), DK: ("Omsorg", "Pleje", "Velfærd")},
        Words("Pflegecluster", "Velfærdsklynge", "welfare cluster"),
        ("elderly care", "welfare technology", "home care", "inclusion"),
        ("living labs", "procurement advice", "training"),
        ("telecare", "assistive devices", "care robotics"),
        1.0,
    ),
    SectorWords(
        "energy",
        Words("Energie", "Energi", "Energy"),
        {DE: ("Energie", "Windkraft", "Solartechnik"), DK: ("Energi", "Vindkraft", "Fjernvarme")},
        Words("Energiecluster", "Energiklynge", "energy cluster"),
        ("district heating", "offshore wind", "energy storage", "hydrogen"),
        ("test facilities", "matchmaking", "energy audits"),
        ("heat pumps", "electrolysers", "smart grids"),
        1.2,
    ),
    SectorWords(
        "experience-economy",
        Words("Erlebniswirtschaft", "Oplevelsesøkonomi", "Experience economy"),
        {DE: ("Tourismus", "Kultur", "Freizeit"), DK: ("Turisme", "Kultur", "Oplevelser")},
        Words("Tourismuscluster", "Oplevelsesklynge", "experience cluster"),
        ("coastal tourism", "events", "cultural heritage", "gastronomy"),
        ("destination marketing", "booking platforms", "guide training"),
        ("digital guides", "visitor analytics", "augmented reality"),
        1.0,
    ),
    SectorWords(
        "manufacturing",
        Words("Verarbeitendes Gewerbe", "Fremstillingsindustri", "Manufacturing"),
        {
            DE: ("Maschinenbau", "Metall", "Kunststofftechnik"),
            DK: ("Maskinfabrik", "Metal", "Plast"),
        },
        Words("Industriecluster", "Industriklynge", "manufacturing cluster"),
        ("aluminium", "automation", "surface treatment", "welding"),
        ("supplier development", "test facilities", "lean training"),
        ("robotics", "laser cutting", "additive manufacturing"),
        1.1,
    ),
    SectorWords(
        "food",
        Words("Ernährungswirtschaft", "Fødevarer", "Food"),
        {DE: ("Lebensmittel", "Molkerei", "Feinkost"), DK: ("Fødevarer", "Mejeri", "Delikatesse")},
        Words("Ernährungscluster", "Fødevareklynge", "food cluster"),
        ("dairy", "organic food", "fish processing", "packaging"),
        ("product development", "export advice", "food safety"),
        ("cold chains", "fermentation", "traceability"),
        0.8,
    ),
    SectorWords(
        "maritime",
        Words("Maritime Wirtschaft", "Maritim erhverv", "Maritime"),
        {DE: ("Werft", "Schiffstechnik", "Hafen"), DK: ("Værft", "Skibsteknik", "Havn")},
        Words("Maritimes Cluster", "Maritim klynge", "maritime cluster"),
        ("shipbuilding", "ports", "offshore services", "ferries"),
        ("matchmaking", "crew training", "port development"),
        ("hull coatings", "electric ferries", "ship sensors"),
        0.6,
    ),
    SectorWords(
        "ict",
        Words("Informationstechnik", "IT", "ICT"),
        {DE: ("Software", "Datentechnik", "Digital"), DK: ("Software", "Data", "Digital")},
        Words("IT-Cluster", "IT-klynge", "ICT cluster"),
        ("software", "cyber security", "data analytics", "e-government"),
        ("start-up coaching", "matchmaking", "hackathons"),
        ("cloud platforms", "machine learning", "IoT"),
        0.9,
    ),
)


@dataclass(frozen=True)
class Place:
    city: str
    country: str
    region: str
    """The key of the city's region in ``REGIONS``."""
    weight: float


REGIONS: dict[str, tuple[Words, str]] = {
    "syddanmark": (
        Words("Region Süddänemark", "Region Syddanmark", "Region of Southern Denmark"),
        DK,
    ),
    "sjaelland": (Words("Region Seeland", "Region Sjælland", "Region Zealand"), DK),
    "midtjylland": (
        Words("Region Mitteljütland", "Region Midtjylland", "Central Denmark Region"),
        DK,
    ),
    "schleswig": (Words("Schleswig", "Sydslesvig", "Schleswig"), DE),
    "nordfriesland": (Words("Kreis Nordfriesland", "Nordfrisland", "North Frisia"), DE),
    "kiel": (Words("Kiel", "Kiel", "Kiel"), DE),
    "rendsburg-eckernfoerde": (
        Words("Kreis Rendsburg-Eckernförde", "Rendsborg-Egernførde", "Rendsburg-Eckernförde"),
        DE,
    ),
    "luebeck": (Words("Lübeck", "Lybæk", "Lübeck"), DE),
    "ostholstein": (Words("Kreis Ostholstein", "Østholsten", "East Holstein"), DE),
}

PLACES = (
    Place("Sønderborg", DK, "syddanmark", 2.0),
    Place("Aabenraa", DK, "syddanmark", 1.5),
    Place("Tønder", DK, "syddanmark", 0.8),
    Place("Haderslev", DK, "syddanmark", 1.2),
    Place("Kolding", DK, "syddanmark", 2.0),
    Place("Esbjerg", DK, "syddanmark", 2.0),
    Place("Odense", DK, "syddanmark", 2.5),
    Place("Vejle", DK, "syddanmark", 1.5),
    Place("Fredericia", DK, "syddanmark", 1.0),
    Place("Ribe", DK, "syddanmark", 0.5),
    Place("Næstved", DK, "sjaelland", 0.8),
    Place("Aarhus", DK, "midtjylland", 1.5),
    Place("Flensburg", DE, "schleswig", 2.5),
    Place("Schleswig", DE, "schleswig", 1.0),
    Place("Husum", DE, "nordfriesland", 1.0),
    Place("Niebüll", DE, "nordfriesland", 0.6),
    Place("Kiel", DE, "kiel", 2.5),
    Place("Rendsburg", DE, "rendsburg-eckernfoerde", 1.0),
    Place("Eckernförde", DE, "rendsburg-eckernfoerde", 0.8),
    Place("Lübeck", DE, "luebeck", 2.0),
    Place("Eutin", DE, "ostholstein", 0.5),
    Place("Heiligenhafen", DE, "ostholstein", 0.4),
)

BASE_TOPICS = (
    Words("Offene Innovation", "Åben innovation", "Open innovation"),
    Words(
        "Gemeinsame Geschäftsentwicklung",
        "Fælles forretningsudvikling",
        "Joint business development",
    ),
    Words(
        "Geschäftsmodelle für Cluster",
        "Forretningsmodeller for klynger",
        "Business models for clusters",
    ),
    Words(
        "Netzwerk- und Beziehungsmanagement",
        "Netværks- og relationsledelse",
        "Network and relationship management",
    ),
    Words("Internationalisierung", "Internationalisering", "Internationalisation"),
    Words("Wohlfahrtstechnologie", "Velfærdsteknologi", "Welfare technology"),
    Words("Energieeffizienz", "Energieffektivitet", "Energy efficiency"),
    Words("Digitaler Tourismus", "Digital turisme", "Digital tourism"),
    Words(
        "Grenzüberschreitender Arbeitsmarkt",
        "Grænseoverskridende arbejdsmarked",
        "Cross-border labour market",
    ),
    Words("Fachkräftegewinnung", "Rekruttering af faglærte", "Skilled labour"),
    Words("Digitalisierung", "Digitalisering", "Digitalisation"),
    Words("Nachhaltigkeit", "Bæredygtighed", "Sustainability"),
    Words("Öffentliche Beschaffung", "Offentlige indkøb", "Public procurement"),
    Words("Exportförderung", "Eksportfremme", "Export promotion"),
    Words("Gründungen", "Iværksætteri", "Start-ups"),
    Words("Forschungstransfer", "Videnoverførsel", "Research transfer"),
    Words("Kreislaufwirtschaft", "Cirkulær økonomi", "Circular economy"),
    Words("Sprachen und Kultur", "Sprog og kultur", "Languages and culture"),
    Words("Finanzierung", "Finansiering", "Funding"),
    Words("Wasserstoff", "Brint", "Hydrogen"),
)


@dataclass(frozen=True)
class EventKindWords:
    name: Words
    share: float
    """The share of events of this kind."""
    median_attendance: float


EVENT_KINDS: dict[str, EventKindWords] = {
    "workshop": EventKindWords(Words("Workshop", "Workshop", "workshop"), 0.34, 18),
    "network_meeting": EventKindWords(
        Words("Netzwerktreffen", "Netværksmøde", "network meeting"), 0.30, 25
    ),
    "seminar": EventKindWords(Words("Seminar", "Seminar", "seminar"), 0.12, 30),
    "conference": EventKindWords(Words("Konferenz", "Konference", "conference"), 0.10, 120),
    "study_trip": EventKindWords(Words("Studienreise", "Studietur", "study trip"), 0.06, 14),
    "trade_fair": EventKindWords(Words("Messe", "Messe", "trade fair"), 0.08, 80),
}


@dataclass(frozen=True)
class Programme:
    name: str
    fund: str
    first: int
    last: int
    """The programme's period."""
    eu_share: float
    """The EU's share of a project's budget."""
    weight: float
    """How common its projects are."""


ERDF = "European Regional Development Fund (ERDF)"
PROGRAMMES = (
    Programme("Interreg 4A Syddanmark-Schleswig-K.E.R.N", ERDF, 2008, 2013, 0.65, 3),
    Programme("Interreg 5A Deutschland-Danmark", ERDF, 2014, 2020, 0.65, 4),
    Programme("Interreg 6A Deutschland-Danmark", ERDF, 2021, 2027, 0.69, 3),
    Programme("Horizon 2020", "Horizon 2020 (EU)", 2014, 2020, 0.7, 1),
    Programme("Horizon Europe", "Horizon Europe (EU)", 2021, 2027, 0.7, 1),
    Programme(
        "Regionalt vækstprogram Syddanmark (fiktiv)",
        "Regional erhvervsfremmefond (fiktiv)",
        2010,
        2026,
        0.0,
        1.5,
    ),
    Programme(
        "Landesprogramm Wirtschaft Schleswig-Holstein (fiktiv)",
        "Landesmittel (fiktiv)",
        2014,
        2026,
        0.0,
        1.5,
    ),
)

PROJECT_PREFIXES = (
    "Grenz",
    "Border",
    "Syd",
    "Nord",
    "Fjord",
    "Marsk",
    "Kyst",
    "Bro",
    "Förde",
    "Vade",
)
PROJECT_THEMES = (
    "Pflege",
    "Energi",
    "Care",
    "Tour",
    "Health",
    "Invest",
    "Skills",
    "Innova",
    "Food",
    "Data",
)
PROJECT_SUFFIXES = ("Digital", "Lab", "Net", "Plus", "Connect", "Link", "Hub", "Forward")

PARTNER_ROLES = (
    "lead partner",
    "project partner",
    "project partner",
    "network partner",
    "participating cluster",
)
INITIATIVE_ROLES = ("initiator", "partner", "partner", "partner", "pilot user")
INITIATIVE_WORDS = ("Cross-border", "Joint", "Danish-German", "Regional", "Border")
INITIATIVE_NOUNS = ("alliance", "network", "pilot", "partnership", "lab", "platform", "academy")

DOCUMENT_KINDS: dict[str, str] = {
    "report": "report on",
    "case_study": "case study on",
    "recommendations": "recommendations on",
    "presentation": "presentation on",
    "film": "film on",
    "website": "web pages on",
}

# --- names ---------------------------------------------------------------------------------

NAME_STEMS = {
    DE: ("Muster", "Beispiel", "Erfunden", "Fiktiv", "Platzhalter", "Demo", "Probe", "Schein"),
    DK: ("Eksempel", "Opdigtet", "Fiktiv", "Pladsholder", "Demo", "Prøve", "Påhit", "Skin"),
}
FAMILY_STEMS = {
    DE: (
        *NAME_STEMS[DE],
        "Entwurf",
        "Skizze",
        "Vorlage",
        "Modell",
        "Attrappe",
        "Erdacht",
        "Ausgedacht",
        "Fabel",
        "Traum",
        "Übung",
        "Spiel",
        "Namen",
        "Versuch",
        "Kopie",
        "Rohling",
        "Zeichen",
    ),
    DK: (
        *NAME_STEMS[DK],
        "Udkast",
        "Skitse",
        "Forlæg",
        "Model",
        "Attrap",
        "Tænkt",
        "Digtet",
        "Fabel",
        "Drøm",
        "Øve",
        "Lege",
        "Navne",
        "Forsøg",
        "Kopi",
        "Mønster",
        "Tegne",
    ),
}
"""The made-up stems of family names: the organisations' and sixteen more, so that, with the
given names and the endings, a country has some twenty-seven thousand names and namesakes are
about as rare as in a real population of the network's size."""
ORG_ENDINGS = {
    DE: ("werk", "hof", "au", "hafen", "feld", "berg", "tal", "stedt"),
    DK: ("gaard", "holm", "lund", "strup", "bæk", "havn", "dal", "borg"),
}
FAMILY_ENDINGS = {
    DE: (
        "mann",
        "berg",
        "hagen",
        "bach",
        "meier",
        "schmidt",
        "feld",
        "hausen",
        "brink",
        "wald",
        "müller",
        "bauer",
        "richter",
        "wagner",
        "becker",
        "krüger",
        "lange",
        "born",
        "stedt",
        "kamp",
    ),
    DK: (
        "sen",
        "gaard",
        "strup",
        "holm",
        "bæk",
        "lund",
        "dal",
        "kjær",
        "berg",
        "toft",
        "bjerg",
        "mose",
        "skov",
        "høj",
        "vang",
        "borg",
        "rup",
        "lev",
        "bro",
        "ager",
    ),
}
"""Twenty endings to each stem of ``FAMILY_STEMS``."""
GIVEN_NAMES = {
    DE: (
        "Anna",
        "Michael",
        "Birgit",
        "Lena",
        "Stefan",
        "Julia",
        "Dirk",
        "Nina",
        "Malte",
        "Jan",
        "Katrin",
        "Thomas",
        "Sabine",
        "Lars",
        "Hauke",
        "Frauke",
        "Jens",
        "Kerstin",
        "Sönke",
        "Wiebke",
        "Matthias",
        "Sandra",
        "Torben",
        "Imke",
        "Christian",
        "Anke",
        "Björn",
        "Silke",
        "Andreas",
        "Claudia",
        "Frank",
        "Heike",
        "Jörg",
        "Kathrin",
        "Uwe",
        "Susanne",
        "Markus",
        "Petra",
        "Holger",
        "Tanja",
        "Sven",
        "Nicole",
        "Ingo",
        "Meike",
        "Jürgen",
        "Ulrike",
        "Bernd",
        "Gesche",
        "Timo",
        "Britta",
        "Ole",
        "Jana",
        "Kai",
        "Maren",
        "Günter",
        "Ute",
    ),
    DK: (
        "Anders",
        "Mette",
        "Jens",
        "Sofie",
        "Lars",
        "Camilla",
        "Henrik",
        "Louise",
        "Søren",
        "Anne",
        "Mads",
        "Line",
        "Ole",
        "Dorthe",
        "Niels",
        "Hanne",
        "Claus",
        "Pia",
        "Jesper",
        "Kirsten",
        "Rasmus",
        "Ida",
        "Morten",
        "Maja",
        "Thomas",
        "Signe",
        "Peter",
        "Birgitte",
        "Jørgen",
        "Lene",
        "Bo",
        "Tina",
        "Kasper",
        "Susanne",
        "Martin",
        "Helle",
        "Poul",
        "Lone",
        "Kim",
        "Bente",
        "Frederik",
        "Trine",
        "Esben",
        "Karen",
        "Mikkel",
        "Rikke",
        "Christian",
        "Marianne",
        "Jacob",
        "Charlotte",
        "Steen",
        "Jytte",
        "Bjarne",
        "Malene",
        "Søs",
        "Åse",
    ),
}
ORG_FORMS: dict[tuple[str, str], tuple[str, str]] = {
    # (country, kind): (prefix, suffix) around the made-up name
    (DE, "company"): ("", " GmbH"),
    (DE, "university"): ("Institut ", ""),
    (DE, "public_body"): ("Wirtschaftsförderung ", ""),
    (DE, "association"): ("", " e.V."),
    (DK, "company"): ("", " ApS"),
    (DK, "university"): ("Videnscenter ", ""),
    (DK, "public_body"): ("Erhvervsservice ", ""),
    (DK, "association"): ("Foreningen ", ""),
}
ORG_KINDS = {"company": 0.72, "university": 0.05, "public_body": 0.09, "association": 0.14}
CLUSTER_PLACES = {
    DE: ("Nord", "Süd", "West", "Ost", "Förde", "Küste", "Grenzland", "Marsch"),
    DK: ("Nord", "Syd", "Vest", "Øst", "Fjord", "Kyst", "Grænseland", "Marsk"),
}

ROLES = {
    "company": (
        "CEO",
        "Managing Director",
        "Project Manager",
        "Engineer",
        "Sales Manager",
        "Business Developer",
        "Consultant",
        "Head of R&D",
        "Export Manager",
    ),
    "university": ("Professor", "Researcher", "Innovation Officer", "Head of Department"),
    "public_body": ("Business Advisor", "Case Officer", "Head of Unit", "Mayor's Advisor"),
    "association": ("Chair", "Coordinator", "Secretary General", "Board Member"),
}
BRIDGING_ROLES = (
    "Cross-border Coordinator",
    "Interreg Project Manager",
    "Business Developer (DK-DE)",
)
CLUSTER_ROLES = ("cluster manager", "network coordinator", "innovation consultant")

INTERACTION_KINDS = {"meeting": 0.30, "call": 0.25, "email": 0.35, "introduction": 0.10}
INTERACTION_NOTES = (
    "Follow-up after the network meeting",
    "Asked for a partner on the other side of the border",
    "Introduced to a cluster manager",
    "Discussed a joint funding application",
    "Exchanged contacts for a pilot",
    "Talked about recruiting skilled staff",
)
CONSENT_BASES = {"legitimate_interests": 0.55, "consent": 0.35, "contract": 0.10}

_ASCII = str.maketrans(
    {
        "æ": "ae",
        "ø": "oe",
        "å": "aa",
        "ä": "ae",
        "ö": "oe",
        "ü": "ue",
        "ß": "ss",
        "Æ": "Ae",
        "Ø": "Oe",
        "Å": "Aa",
        "Ä": "Ae",
        "Ö": "Oe",
        "Ü": "Ue",
    }
)


@cache
def ascii_slug(text: str) -> str:
    """``Musterwerk Energie Flensburg GmbH`` -> ``musterwerk-energie-flensburg-gmbh``."""
    plain = text.translate(_ASCII).lower()
    words = "".join(char if char.isascii() and char.isalnum() else " " for char in plain).split()
    return "-".join(words)


HOST_LABEL_MAX = 63
"""The longest label of a domain name (RFC 1035)."""


@cache
def host_label(name: str) -> str:
    """A name's slug as one label of a domain name: whole words, at most 63 characters."""
    label = ascii_slug(name)
    while len(label) > HOST_LABEL_MAX:
        label = label.rsplit("-", 1)[0]
    return label
