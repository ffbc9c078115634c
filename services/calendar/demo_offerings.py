"""What the houses of Treffpunkt Generationen Jena offer in the demo (make run): one row per
offering, turned into an iCalendar event by demo.py. Dates are relative to the day the demo is
loaded: series began about a year before it (the figures count that year), one-off events and
most changed dates lie in the weeks after it, so the Online-Kalender always has something coming
up; a few dates before it were cancelled.

The facets are the words of domain/vocabulary.py; `easy` is a summary in Leichte Sprache (short
sentences, one statement each, common words, long words split with a hyphen)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    name: str
    address: str  # street, PLZ Jena
    geo: tuple[float, float]  # latitude, longitude
    district: str


@dataclass(frozen=True)
class When:
    """A rule (WEEKLY or MONTHLY) from `from_week` weeks around the loading day on, or ONCE in
    the first week that begins at least `in_days` after the loading day."""

    rule: str
    days: str  # weekly "MO" or "TU,TH"; monthly "1WE" (first Wednesday), "-1SA" (last Saturday); once "SA"
    start: str  # "HH:MM" in Europe/Berlin
    minutes: int
    every: int = 1
    count: int = 0  # 0: no COUNT
    until_week: int | None = None  # the series ends with this week after the loading day's
    from_week: int = -52
    in_days: int = 0


def weekly(days: str, start: str, minutes: int, count: int = 0, from_week: int = -52) -> When:
    return When("WEEKLY", days, start, minutes, count=count, from_week=from_week)


def weekly_until(days: str, start: str, minutes: int, until_week: int) -> When:
    return When("WEEKLY", days, start, minutes, until_week=until_week)


def fortnightly(days: str, start: str, minutes: int) -> When:
    return When("WEEKLY", days, start, minutes, every=2)


def monthly(day: str, start: str, minutes: int) -> When:
    return When("MONTHLY", day, start, minutes)


def once(in_days: int, day: str, start: str, minutes: int) -> When:
    return When("ONCE", day, start, minutes, in_days=in_days)


# The week of the "Woche der Generationen": the first that begins at least this many days on
WEEK_OF_GENERATIONS = 26


@dataclass(frozen=True)
class Skip:
    """The `nth` coming date is left out of the series (EXDATE)."""

    nth: int


@dataclass(frozen=True)
class Cancel:
    """The `nth` coming date stays in the calendar, cancelled, with a reason for the public; a
    negative `nth` counts back from the loading day (-1: the last date before it)."""

    nth: int
    reason: str


@dataclass(frozen=True)
class Move:
    """The `nth` coming date takes place at another time or in another room."""

    nth: int
    note: str
    start: str = ""
    room: str = ""


@dataclass(frozen=True)
class Offering:
    title: str
    categories: tuple[str, ...]
    audiences: tuple[str, ...]
    when: When
    description: str
    access: tuple[str, ...] = ()
    cost: str = "kostenlos"
    easy: str = ""
    place: Place | None = None  # None: in the partner's own house
    changes: tuple[Skip | Cancel | Move, ...] = ()
    private: bool = False


def team_meeting(title: str, when: When, description: str) -> Offering:
    """A partner's internal meeting: private, so the public sees nothing of it."""
    return Offering(title, (), (), when, description, cost="", private=True)


# Where the partners' houses are (approximately; their addresses are in shared/identity/demo.py)
HOUSE_GEO = {
    "mgh-lobeda": (50.8979, 11.6016),
    "stadtteilbuero-lobeda": (50.8952, 11.6098),
    "stadtteilbuero-winzerla": (50.8960, 11.5648),
    "familienzentrum-winzerla": (50.8938, 11.5676),
    "awo-nord": (50.9436, 11.5912),
    "volkssolidaritaet-nord": (50.9468, 11.5871),
    "drk-west": (50.9262, 11.5741),
    "caritas-ost": (50.9309, 11.6063),
    "diakonie-zentrum": (50.9282, 11.5888),
    "koordination": (50.9266, 11.5903),
}

LIBRARY_LOBEDA = Place("Stadtteilbibliothek Lobeda", "Karl-Marx-Allee 22, 07747 Jena", (50.8986, 11.6009), "Lobeda")
GARDEN_LOBEDA = Place(
    "Generationengarten am Mehrgenerationenhaus Lobeda", "Karl-Marx-Allee 28, 07747 Jena", (50.8982, 11.6024), "Lobeda"
)
MEADOW_LOBEDA = Place(
    "Wiese hinter dem Stadtteilbüro Lobeda", "Erlanger Allee 101, 07747 Jena", (50.8947, 11.6107), "Lobeda"
)
GARDEN_WINZERLA = Place(
    "Gemeinschaftsgarten hinter dem Stadtteilbüro Winzerla",
    "Anna-Siemsen-Straße 1, 07745 Jena",
    (50.8964, 11.5655),
    "Winzerla",
)
SQUARE_WINZERLA = Place(
    "Platz vor dem Stadtteilbüro Winzerla", "Anna-Siemsen-Straße 1, 07745 Jena", (50.8958, 11.5644), "Winzerla"
)
STOP_ZWAETZEN = Place("Straßenbahnhaltestelle Zwätzen", "Naumburger Straße, 07743 Jena", (50.9561, 11.5853), "Nord")
VOLKSHAUS = Place("Volkshaus Jena", "Carl-Zeiß-Platz 15, 07743 Jena", (50.9264, 11.5827), "Zentrum")
MARKET_SQUARE = Place("Marktplatz Jena", "Markt, 07743 Jena", (50.9278, 11.5895), "Zentrum")
TOWN_CHURCH = Place("Stadtkirche St. Michael", "Kirchplatz 1, 07743 Jena", (50.9291, 11.5877), "Zentrum")
LIBRARY_CENTRE = Place("Ernst-Abbe-Bücherei", "Engelplatz 2, 07743 Jena", (50.9259, 11.5861), "Zentrum")
PARADIESPARK = Place(
    "Paradiespark, Wiese am Eingang Paradiesbahnhof", "Paradiespark, 07743 Jena", (50.9221, 11.5846), "Zentrum"
)

STEP_FREE = ("stufenlos",)
HEARING_LOOP = ("stufenlos", "hoerschleife")

MGH_LOBEDA = (
    Offering(
        "Seniorencafé",
        ("Begegnung", "Essen"),
        ("Senioren",),
        weekly("WE", "14:30", 120),
        "Jeden Mittwoch decken wir im Erdgeschoss die Kaffeetafel: selbst gebackener Kuchen, Kaffee, Tee "
        "und viel Zeit zum Erzählen. Das Café ist für alle Älteren aus Lobeda und Umgebung, neue Gesichter "
        "sind herzlich willkommen. Sie brauchen sich nicht anzumelden; der Eingang ist ebenerdig, im Raum "
        "gibt es eine Hörschleife.",
        access=HEARING_LOOP,
        cost="2 € für Kaffee und Kuchen",
        easy="Im Senioren-Café treffen sich ältere Menschen. Sie trinken Kaffee. Sie essen Kuchen. "
        "Sie reden miteinander. Das Café ist jeden Mittwoch. Kaffee und Kuchen kosten 2 Euro. "
        "Sie müssen sich nicht anmelden. Das Haus hat keine Stufen.",
        changes=(Cancel(-12, "Fällt aus: Nach einem Wasserschaden bleibt das Café geschlossen."),),
    ),
    Offering(
        "Handysprechstunde „Jung hilft Alt“",
        ("Bildung",),
        ("Senioren",),
        weekly("TH", "15:00", 90),
        "Schülerinnen und Schüler aus Lobeda erklären Ihnen in Ruhe Ihr Handy oder Tablet: Fotos verschicken, "
        "Videoanrufe mit den Enkeln, Fahrpläne finden. Bringen Sie Ihr Gerät aufgeladen mit und, wenn Sie sie "
        "haben, Ihre Zugangsdaten. Eine Anmeldung ist nicht nötig; wer zuerst kommt, ist zuerst dran.",
        access=STEP_FREE,
    ),
    Offering(
        "Eltern-Baby-Treff",
        ("Begegnung",),
        ("Familien",),
        weekly("TU", "09:30", 90),
        "Für Mütter und Väter mit Babys im ersten Lebensjahr: Wir singen, spielen auf der Krabbeldecke und "
        "reden über schlaflose Nächte und den ersten Brei. Einmal im Monat ist eine Hebamme mit Zeit für Ihre "
        "Fragen dabei. Bitte eine Decke und etwas zu trinken mitbringen; anmelden müssen Sie sich nicht.",
        access=STEP_FREE,
    ),
    Offering(
        "Familienkino",
        ("Kultur",),
        ("Familien", "Kinder"),
        fortnightly("FR", "16:00", 120),
        "Alle zwei Wochen wird unser Gemeinschaftsraum zum Kino: Wir zeigen Kinderfilme mit Untertiteln, die "
        "auch Eltern und Großeltern Spaß machen. Welcher Film läuft, steht ab Montag am Eingang. Kommen Sie "
        "einfach vorbei; Kinder unter sechs Jahren bitte mit einer erwachsenen Begleitung.",
        access=HEARING_LOOP,
        cost="1 € pro Person, Popcorn inklusive",
        easy="Im Mehr-Generationen-Haus gibt es Kino für Familien. Das Kino ist alle 2 Wochen am Freitag. "
        "Die Filme sind für Kinder. Die Filme haben Unter-Titel. Ein Platz kostet 1 Euro. Popcorn gibt es dazu.",
        changes=(Move(1, "Ausnahmsweise im Saal im Erdgeschoss.", room="Saal im Erdgeschoss"),),
    ),
    Offering(
        "Erzählcafé „Lobeda erzählt“",
        ("Begegnung", "Kultur"),
        ("Senioren", "Alle"),
        monthly("2MO", "15:00", 120),
        "Wie war das, als die ersten Neubauten in Lobeda bezogen wurden? Im Erzählcafé berichten Ältere von "
        "früher, Jüngere fragen nach, und jedes Mal steht ein anderes Thema im Mittelpunkt. Alte Fotos dürfen "
        "Sie gern mitbringen. Eine Anmeldung ist nicht nötig.",
        access=HEARING_LOOP,
    ),
    Offering(
        "Generationengarten: gemeinsam gärtnern",
        ("Begegnung",),
        ("Alle",),
        weekly_until("SA", "10:00", 120, until_week=6),
        "Im Garten hinter dem Haus wachsen Tomaten, Kräuter und Kürbisse, und es gibt immer etwas zu tun: "
        "säen, gießen, ernten. Ob Sie viel Erfahrung haben oder zum ersten Mal eine Gießkanne halten, Sie sind "
        "willkommen, Kinder ebenso. Bitte feste Schuhe und Kleidung tragen, die schmutzig werden darf; "
        "Handschuhe und Werkzeug sind da.",
        place=GARDEN_LOBEDA,
    ),
    Offering(
        "Lesepaten in der Stadtteilbibliothek",
        ("Bildung", "Kultur"),
        ("Kinder", "Senioren"),
        weekly("MO", "15:30", 60),
        "Ehrenamtliche Lesepatinnen und Lesepaten lesen Kindern ab vier Jahren vor und hören zu, wenn die "
        "Größeren selbst lesen üben. Jede Woche gibt es neue Bücher aus der Bibliothek zu entdecken. Kinder "
        "bis sechs Jahre kommen bitte mit Begleitung; wer selbst Lesepatin oder Lesepate werden möchte, "
        "meldet sich bei uns.",
        access=STEP_FREE,
        place=LIBRARY_LOBEDA,
    ),
    Offering(
        "Woche der Generationen: Generationenfest im Hof",
        ("Begegnung", "Kultur"),
        ("Alle",),
        once(WEEK_OF_GENERATIONS, "SA", "14:00", 240),
        "Zum Abschluss der Woche der Generationen feiern wir im Hof des Hauses: mit Kuchenbuffet, Livemusik, "
        "Kinderschminken und einer Tauschbörse für Spiele und Bücher. Alle Nachbarinnen und Nachbarn sind "
        "eingeladen, ob jung oder alt. Wer einen Kuchen beisteuern möchte, sagt uns bitte bis Donnerstag "
        "Bescheid.",
        access=STEP_FREE,
    ),
    team_meeting(
        "Teambesprechung",
        weekly("MO", "08:30", 60),
        "Wochenplanung des Teams: Dienstplan, Raumbelegung, Rückblick auf die Angebote.",
    ),
)

STADTTEILBUERO_LOBEDA = (
    Offering(
        "Sitztanz",
        ("Sport",),
        ("Senioren",),
        weekly("MO", "10:00", 60),
        "Tanzen geht auch im Sitzen: Zu Schlagern, Walzern und Volksliedern bewegen wir Arme, Beine und Kopf "
        "und halten uns so beweglich. Sitztanz eignet sich auch für Menschen mit Rollator oder im Rollstuhl. "
        "Bequeme Kleidung und etwas zu trinken genügen; eine Anmeldung brauchen Sie nicht.",
        access=HEARING_LOOP,
        changes=(Cancel(2, "Fällt wegen Krankheit aus."),),
    ),
    Offering(
        "Deutsch-Treff",
        ("Bildung", "Begegnung"),
        ("Erwachsene",),
        weekly("TU", "17:00", 90),
        "Beim Deutsch-Treff üben Sie Deutsch im Gespräch: über den Alltag, den Einkauf, Briefe von Ämtern. "
        "Ehrenamtliche aus Lobeda sprechen langsam und in einfachen Worten mit Ihnen, jedes Sprachniveau ist "
        "willkommen. Ihre Kinder spielen währenddessen nebenan, betreut von zwei Erzieherinnen. Kommen Sie "
        "einfach vorbei.",
        access=("stufenlos", "leichte-sprache", "kinderbetreuung"),
        easy="Beim Deutsch-Treff sprechen Sie Deutsch. Sie üben mit anderen Menschen. Die Helfer sprechen "
        "langsam. Sie benutzen einfache Wörter. Ihre Kinder können mitkommen. Jemand passt auf die Kinder auf. "
        "Der Treff kostet nichts.",
    ),
    Offering(
        "Sozialberatung in Gebärdensprache",
        ("Beratung",),
        ("Erwachsene", "Senioren"),
        monthly("1TH", "14:00", 120),
        "Einmal im Monat ist bei unserer Sozialberatung eine Gebärdensprachdolmetscherin dabei. Wir helfen bei "
        "Anträgen, bei Fragen zu Wohngeld, Rente oder Bürgergeld und bei Briefen von Behörden; bringen Sie die "
        "Unterlagen mit, um die es geht. Damit genug Zeit ist, melden Sie sich bitte per E-Mail an "
        "stadtteilbuero-lobeda@example.org an.",
        access=("stufenlos", "gebaerdensprache"),
        easy="Sie haben Fragen zu einem Antrag? Oder zu einem Brief vom Amt? Wir helfen Ihnen. Eine "
        "Dolmetscherin für Gebärden-Sprache ist dabei. Die Beratung ist 1 Mal im Monat. Bitte bringen Sie "
        "Ihre Briefe mit. Bitte melden Sie sich vorher an. Die Beratung kostet nichts.",
    ),
    Offering(
        "Repair-Café Lobeda",
        ("Begegnung", "Bildung"),
        ("Alle",),
        monthly("-1SA", "10:00", 180),
        "Toaster kaputt, Hosennaht offen, Fahrradlicht dunkel? Im Repair-Café reparieren Sie gemeinsam mit "
        "ehrenamtlichen Tüftlerinnen und Tüftlern, was zu schade zum Wegwerfen ist. Bringen Sie das kaputte "
        "Stück und, falls vorhanden, Ersatzteile mit. Anmelden müssen Sie sich nicht; bei einem Kaffee vergeht "
        "die Wartezeit schnell.",
        access=STEP_FREE,
        cost="Spende erwünscht",
    ),
    Offering(
        "Spieletreff für Jung und Alt",
        ("Begegnung",),
        ("Alle",),
        fortnightly("FR", "15:00", 150),
        "Brettspiele, Kartenspiele, Würfelspiele: Beim Spieletreff sitzen Kinder, Eltern und Großeltern an "
        "einem Tisch. Über hundert Spiele stehen im Schrank, Ihr Lieblingsspiel dürfen Sie gern mitbringen. "
        "Kinder unter acht Jahren bitte mit Begleitung; eine Anmeldung ist nicht nötig.",
    ),
    Offering(
        "Nachbarschaftsfrühstück",
        ("Essen", "Begegnung"),
        ("Alle",),
        fortnightly("WE", "09:00", 120),
        "Beim Nachbarschaftsfrühstück lernen Sie die Menschen aus Ihrem Haus und Ihrer Straße kennen. Brötchen "
        "und Kaffee stellen wir, für das Buffet bringt jede und jeder eine Kleinigkeit mit: Marmelade, Obst, "
        "Käse oder was Sie gern essen. Anmelden müssen Sie sich nicht.",
    ),
    Offering(
        "Bewerbungshilfe",
        ("Beratung",),
        ("Jugendliche", "Erwachsene"),
        weekly("WE", "14:00", 120),
        "Wir helfen beim Lebenslauf, beim Anschreiben und bei Bewerbungen im Internet und üben mit Ihnen für "
        "das Vorstellungsgespräch. Bringen Sie, wenn möglich, Ihre Zeugnisse und einen USB-Stick mit. Bitte "
        "vereinbaren Sie vorher einen Termin per E-Mail an stadtteilbuero-lobeda@example.org.",
    ),
    Offering(
        "Stadtteilspaziergang: Lobeda früher und heute",
        ("Kultur", "Begegnung"),
        ("Erwachsene", "Senioren"),
        once(8, "TH", "16:00", 90),
        "Ein Stadtteilhistoriker führt durch Lobeda-Ost und erzählt, wie aus Dorf und Feldern ein großer "
        "Stadtteil wurde und was die Menschen hier heute bewegt. Die Wege sind teils steil; bitte tragen Sie "
        "gute Schuhe. Treffpunkt ist vor dem Stadtteilbüro, eine Anmeldung ist nicht nötig.",
    ),
    Offering(
        "Lichterfest",
        ("Kultur", "Begegnung"),
        ("Familien", "Alle"),
        once(40, "FR", "17:00", 150),
        "Wenn es dunkel wird, zieht der Laternenumzug vom Stadtteilbüro über die Erlanger Allee und zurück zur "
        "Wiese, wo Feuerschalen, Kinderpunsch und Stockbrot warten. Bringen Sie Ihre Laterne mit; wer keine "
        "hat, kann ab 16 Uhr im Stadtteilbüro eine basteln. Der Weg ist für Kinderwagen und Rollstühle "
        "geeignet.",
        access=STEP_FREE,
        easy="Wir feiern ein Licht-Fest. Wir gehen mit Laternen durch Lobeda. Danach gibt es Feuer, Punsch "
        "und Stock-Brot. Bitte bringen Sie eine Laterne mit. Sie können auch eine Laterne basteln. "
        "Das Fest kostet nichts.",
        place=MEADOW_LOBEDA,
    ),
)

STADTTEILBUERO_WINZERLA = (
    Offering(
        "Mittagstisch",
        ("Essen", "Begegnung"),
        ("Alle", "Senioren"),
        weekly("TU,TH", "12:00", 60),
        "Dienstags und donnerstags kochen Ehrenamtliche ein warmes Mittagessen, immer auch mit einer "
        "vegetarischen Wahl. Gemeinsam schmeckt es besser: Hier finden Sie Gesellschaft für die Mittagspause. "
        "Bitte bestellen Sie Ihr Essen bis zum Vortag um 12 Uhr im Stadtteilbüro oder per E-Mail an "
        "stadtteilbuero-winzerla@example.org.",
        access=STEP_FREE,
        cost="3,80 € pro Essen",
    ),
    Offering(
        "Hausaufgabenhilfe",
        ("Bildung",),
        ("Kinder", "Jugendliche"),
        weekly("MO,WE", "14:00", 120),
        "Nach der Schule helfen Studierende und Lehrerinnen im Ruhestand bei den Hausaufgaben, in Deutsch, "
        "Mathe und Englisch, von der ersten bis zur zehnten Klasse. Bitte Hausaufgabenheft, Bücher und "
        "Federtasche mitbringen. Die Eltern melden ihr Kind einmal im Stadtteilbüro an.",
        changes=(Skip(3),),
    ),
    Offering(
        "Chor „Winzerlaer Stimmen“",
        ("Kultur",),
        ("Erwachsene", "Senioren"),
        weekly("TH", "18:00", 90),
        "Der Chor singt Volkslieder, Pop und Kanons, mehrstimmig und mit viel Freude. Noten lesen müssen Sie "
        "nicht können, nur gern singen; die ersten zwei Proben sind zum Schnuppern kostenlos. Melden Sie sich "
        "vor dem ersten Besuch kurz bei der Chorleiterin über stadtteilbuero-winzerla@example.org.",
        cost="5 € im Monat",
        changes=(Cancel(-20, "Fällt wegen Krankheit der Chorleiterin aus."),),
    ),
    Offering(
        "Computerkurs für Einsteiger",
        ("Bildung",),
        ("Senioren",),
        weekly("TU", "10:00", 90, count=10, from_week=-4),
        "In zehn Terminen lernen Sie in kleiner Gruppe die Grundlagen: Maus und Tastatur, E-Mails schreiben, "
        "sicher im Internet suchen und Fotos speichern. Wir üben an den Laptops des Stadtteilbüros, Sie können "
        "aber auch Ihr eigenes Gerät mitbringen. Dieser Kurs ist voll; für den nächsten nehmen wir gern "
        "Anmeldungen im Stadtteilbüro entgegen.",
        cost="20 € für alle 10 Termine",
    ),
    Offering(
        "Nähcafé",
        ("Begegnung", "Kultur"),
        ("Jugendliche", "Erwachsene", "Senioren"),
        fortnightly("WE", "16:00", 120),
        "Nähmaschinen, Stoffreste und erfahrene Hände sind da: Im Nähcafé flicken Sie Kleidung, kürzen Hosen "
        "oder nähen zum ersten Mal eine Tasche. Wer schon lange näht, gibt Tipps an die Jüngeren weiter. "
        "Bringen Sie Ihr Nähprojekt mit; Garn und Nadeln stellen wir.",
    ),
    Offering(
        "Mieterberatung",
        ("Beratung",),
        ("Erwachsene", "Senioren"),
        monthly("2TU", "16:00", 120),
        "Nebenkostenabrechnung unklar, Schimmel im Bad, Ärger mit dem Vermieter? Eine Beraterin des "
        "Mietervereins beantwortet einmal im Monat Ihre Fragen. Bringen Sie Mietvertrag und die Schreiben mit, "
        "um die es geht. Eine Anmeldung ist nicht nötig; manchmal gibt es kurze Wartezeiten.",
        access=STEP_FREE,
    ),
    Offering(
        "Flohmarkt für Kinderkleidung und Spielzeug",
        ("Begegnung",),
        ("Familien",),
        once(17, "SA", "10:00", 180),
        "Zu klein gewordene Jacken, Kinderwagen, Bücher und Spielzeug suchen neue Besitzer. Wer verkaufen "
        "möchte, meldet bis eine Woche vorher einen Stand im Stadtteilbüro an und bringt einen eigenen Tisch "
        "mit. Zum Stöbern kommen Sie einfach vorbei; bei Regen ziehen wir in den Saal des Stadtteilbüros um.",
        access=STEP_FREE,
        cost="Besuch kostenlos, Stand 3 €",
        place=SQUARE_WINZERLA,
    ),
    Offering(
        "Gemeinschaftsgarten Winzerla",
        ("Begegnung",),
        ("Alle", "Kinder"),
        weekly_until("FR", "15:00", 120, until_week=8),
        "Im Gemeinschaftsgarten hinter dem Stadtteilbüro legen Nachbarinnen und Nachbarn Beete an, ernten "
        "Beeren und tauschen Ableger. Kinder dürfen mit eigenen Gießkannen helfen. Bis zum Ende der "
        "Gartensaison treffen wir uns jeden Freitag, bei Regen im Stadtteilbüro.",
        place=GARDEN_WINZERLA,
    ),
)

FAMILIENZENTRUM_WINZERLA = (
    Offering(
        "Krabbelgruppe „Winzlinge“",
        ("Begegnung",),
        ("Familien",),
        weekly("WE", "09:30", 90),
        "Für Kinder von sechs Monaten bis drei Jahren und ihre Eltern: Wir singen Begrüßungslieder, spielen "
        "mit Bällen und Bausteinen und trinken danach zusammen Tee. Hier finden Eltern schnell Anschluss, "
        "gerade wenn sie neu in Winzerla sind. Bitte Hausschuhe oder Stoppersocken mitbringen.",
        access=STEP_FREE,
    ),
    Offering(
        "Eltern-Kind-Turnen",
        ("Sport",),
        ("Familien", "Kinder"),
        weekly("MO", "16:00", 60),
        "Klettern, balancieren, rollen: Im Bewegungsraum bauen wir jede Woche einen neuen Parcours für Kinder "
        "von zwei bis fünf Jahren auf, Eltern oder Großeltern turnen mit. Bitte Sportsachen und etwas zu "
        "trinken mitbringen; eine Anmeldung ist nicht nötig.",
        access=STEP_FREE,
        cost="2 € pro Familie",
        changes=(Cancel(-3, "Fällt aus: Die Turnhalle wird gereinigt."),),
    ),
    Offering(
        "Puppentheater am Samstag",
        ("Kultur",),
        ("Kinder", "Familien"),
        monthly("1SA", "10:30", 60),
        "Am ersten Samstag im Monat spielt die Puppenbühne „Kleiner Mond“ für Kinder ab drei Jahren: mal den "
        "Kasper, mal ein Märchen, mal eine ganz neue Geschichte. Nach der Vorstellung dürfen die Kinder die "
        "Puppen aus der Nähe ansehen. Karten gibt es an der Tür.",
        access=HEARING_LOOP,
        cost="2 € pro Kind, Erwachsene frei",
    ),
    Offering(
        "Familienfrühstück",
        ("Essen", "Begegnung"),
        ("Familien",),
        fortnightly("SU", "10:00", 120),
        "Alle zwei Wochen frühstücken Familien aus Winzerla zusammen: Wir stellen Brötchen, Kaffee und Saft, "
        "jede Familie bringt eine Kleinigkeit fürs Buffet mit. Während die Eltern in Ruhe essen, spielen die "
        "Kinder betreut im Spielzimmer. Bitte melden Sie sich bis Freitag an, damit genug Brötchen da sind.",
        access=("stufenlos", "kinderbetreuung"),
    ),
    Offering(
        "Elternberatung",
        ("Beratung",),
        ("Familien",),
        weekly("TH", "09:00", 120),
        "Schlafen, Trotzen, Kita-Suche, Streit ums Handy: Eine Sozialpädagogin nimmt sich Zeit für Ihre Fragen "
        "zu Erziehung und Familienalltag. Die Beratung ist vertraulich, Ihre Kinder spielen derweil betreut "
        "nebenan. Kommen Sie in die offene Sprechstunde oder vereinbaren Sie einen Termin unter "
        "familienzentrum-winzerla@example.org.",
        access=("stufenlos", "kinderbetreuung"),
    ),
    Offering(
        "Kochen mit Kindern",
        ("Essen", "Bildung"),
        ("Kinder",),
        fortnightly("TU", "15:30", 90),
        "Kinder von sechs bis zwölf Jahren kochen einfache Gerichte selbst: Gemüsesuppe, Pizzaschnecken, "
        "Obstsalat. Dabei lernen sie schneiden, abwiegen und abschmecken, und am Ende essen alle zusammen. "
        "Bitte eine Schürze mitbringen und Allergien bei der Anmeldung angeben; es gibt zehn Plätze.",
        cost="2 € für Zutaten",
    ),
    Offering(
        "Babymassage",
        ("Bildung",),
        ("Familien",),
        weekly("FR", "10:00", 60, count=6, from_week=-2),
        "In sechs Terminen lernen Mütter und Väter, ihr Baby sanft zu massieren: Das beruhigt, hilft bei "
        "Bauchweh und ist eine schöne gemeinsame Zeit. Der Kurs ist für Babys von sechs Wochen bis sechs "
        "Monaten. Bitte ein großes Handtuch mitbringen; anmelden können Sie sich im Familienzentrum.",
        cost="30 € für 6 Termine",
    ),
    Offering(
        "Vortrag: Wenn Kinder trotzen",
        ("Bildung", "Beratung"),
        ("Familien", "Erwachsene"),
        once(12, "TU", "19:00", 90),
        "Ein Abend für Eltern von Kindern zwischen zwei und sechs Jahren: Eine Familienberaterin erklärt, was "
        "in der Trotzphase im Kind vorgeht, und gibt Ideen für schwierige Momente im Alltag. Danach ist Zeit "
        "für Ihre Fragen. Die Kinderbetreuung ist kostenlos; bitte melden Sie sich und Ihre Kinder bis zwei "
        "Tage vorher an.",
        access=("stufenlos", "kinderbetreuung"),
    ),
    team_meeting(
        "Teamsitzung",
        weekly("TH", "13:00", 60),
        "Teamsitzung des Familienzentrums: Fallbesprechungen und Planung der nächsten Woche.",
    ),
)

AWO_NORD = (
    Offering(
        "Mittagstisch",
        ("Essen",),
        ("Senioren", "Alle"),
        weekly("MO,TU,WE,TH,FR", "11:30", 90),
        "Von Montag bis Freitag gibt es in der Begegnungsstätte ein warmes Mittagessen mit Suppe, Hauptgericht "
        "und Nachtisch. Viele Gäste kommen seit Jahren, neue setzen sich einfach dazu. Den Speiseplan der Woche "
        "finden Sie am Eingang; bitte bestellen Sie bis 9 Uhr am selben Tag.",
        access=STEP_FREE,
        cost="4,20 € pro Essen",
        easy="Hier gibt es Mittag-Essen. Das Essen ist warm. Es gibt das Essen von Montag bis Freitag. "
        "Ein Essen kostet 4 Euro 20. Sie essen mit anderen Menschen zusammen. Bitte bestellen Sie das Essen "
        "am Morgen. Sie haben bis 9 Uhr Zeit.",
        changes=(Skip(4),),
    ),
    Offering(
        "Gedächtnistraining",
        ("Bildung",),
        ("Senioren",),
        weekly("TU", "10:00", 60),
        "Mit Wortspielen, Rätseln, Liedern und kleinen Bewegungsübungen halten wir den Kopf fit. Niemand wird "
        "abgefragt, es geht ums Mitmachen und ums Lachen; alle Übungen erklären wir in einfacher Sprache. Eine "
        "Lesebrille, falls Sie eine brauchen, genügt; anmelden müssen Sie sich nicht.",
        access=("stufenlos", "leichte-sprache"),
        easy="Beim Gedächtnis-Training üben Sie mit Ihrem Kopf. Es gibt Rätsel und Spiele. Wir singen auch "
        "Lieder. Alle machen mit. Das Training ist jeden Dienstag. Es kostet nichts.",
    ),
    Offering(
        "Skat- und Rommérunde",
        ("Begegnung",),
        ("Senioren", "Erwachsene"),
        weekly("TH", "14:00", 150),
        "Jeden Donnerstag werden die Karten gemischt: an einem Tisch Skat, am anderen Rommé und Canasta. Wer "
        "die Regeln noch nicht kennt, lernt sie schnell von den alten Hasen. Kaffee gibt es für 50 Cent an der "
        "Theke; eine Anmeldung ist nicht nötig.",
    ),
    Offering(
        "Internationaler Frauentreff",
        ("Begegnung",),
        ("Erwachsene",),
        fortnightly("WE", "10:00", 120),
        "Frauen aus Jena-Nord und aus aller Welt treffen sich zum Reden, Kochen und Ausflügeplanen. Wir "
        "sprechen einfaches Deutsch und helfen uns gegenseitig beim Übersetzen. Kleine Kinder werden "
        "währenddessen im Nebenraum betreut. Kommen Sie einfach vorbei, gern auch mit einer Freundin.",
        access=("stufenlos", "leichte-sprache", "kinderbetreuung"),
        easy="Hier treffen sich Frauen. Die Frauen kommen aus vielen Ländern. Sie reden miteinander. Sie kochen "
        "zusammen. Alle sprechen einfaches Deutsch. Ihre kleinen Kinder können mitkommen. Jemand passt auf "
        "die Kinder auf.",
    ),
    Offering(
        "Besuchsdienst: Treffen der Ehrenamtlichen",
        ("Begegnung",),
        ("Erwachsene", "Senioren"),
        monthly("1MO", "17:00", 90),
        "Im Besuchsdienst besuchen Ehrenamtliche ältere Menschen in Jena-Nord, die allein leben und kaum noch "
        "aus dem Haus kommen: zum Vorlesen, Spazierengehen oder einfach zum Reden. Einmal im Monat tauschen "
        "sich die Besuchenden aus und bekommen Rat von unserer Sozialarbeiterin. Wer mitmachen möchte, ist zum "
        "Kennenlernen eingeladen; bitte vorher kurz an awo-nord@example.org schreiben.",
    ),
    Offering(
        "Rentenberatung",
        ("Beratung",),
        ("Senioren", "Erwachsene"),
        monthly("3WE", "09:00", 180),
        "Ein ehrenamtlicher Versichertenberater hilft beim Rentenantrag, erklärt den Rentenbescheid und prüft "
        "mit Ihnen, ob Ihr Versicherungsverlauf vollständig ist. Bringen Sie Personalausweis, Rentenbescheid "
        "und Ihre Unterlagen mit. Bitte vereinbaren Sie einen Termin in der Begegnungsstätte oder unter "
        "awo-nord@example.org.",
    ),
    Offering(
        "Yoga auf dem Stuhl",
        ("Sport",),
        ("Senioren",),
        weekly("FR", "10:00", 60),
        "Sanfte Dehn- und Atemübungen im Sitzen, mit dem Stuhl als Stütze: gut für Rücken und Gelenke und für "
        "die innere Ruhe. Sie brauchen keine Vorkenntnisse und keine Matte, nur bequeme Kleidung. Eine "
        "Anmeldung ist nicht nötig.",
        cost="3 € pro Stunde",
    ),
    Offering(
        "Woche der Generationen: Großeltern-Enkel-Nachmittag",
        ("Begegnung", "Kultur"),
        ("Kinder", "Senioren", "Familien"),
        once(WEEK_OF_GENERATIONS, "WE", "15:00", 120),
        "Großeltern und Enkel, ob leibliche oder Wahlgroßeltern, basteln zusammen, backen Waffeln und spielen "
        "alte Hofspiele wie Gummitwist und Murmeln. Zum Schluss gibt es ein gemeinsames Foto für zu Hause. "
        "Bitte melden Sie sich bis Montag derselben Woche an, damit genug Teig da ist.",
        access=STEP_FREE,
    ),
)

VOLKSSOLIDARITAET_NORD = (
    Offering(
        "Kaffeeklatsch im Seniorentreff",
        ("Begegnung", "Essen"),
        ("Senioren",),
        weekly("WE", "14:00", 120),
        "Mittwochs duftet es im Seniorentreff nach frischem Kuchen. Bei Kaffee und Gespräch treffen sich "
        "Mitglieder und Gäste aus Nord und Zwätzen, manchmal mit Musik oder einem kleinen Vortrag. Kommen Sie "
        "vorbei; wer nicht gut zu Fuß ist, fragt nach unserem Fahrdienst.",
        access=HEARING_LOOP,
        cost="2,50 € für Kaffee und Kuchen",
        easy="Jeden Mittwoch gibt es Kaffee und Kuchen. Ältere Menschen treffen sich. Sie reden miteinander. "
        "Manchmal gibt es Musik. Kaffee und Kuchen kosten 2 Euro 50. Das Haus hat keine Stufen.",
    ),
    Offering(
        "Wandergruppe „Saaletaler“",
        ("Sport", "Begegnung"),
        ("Senioren", "Erwachsene"),
        fortnightly("TH", "09:00", 240),
        "Alle zwei Wochen wandern wir zehn bis zwölf Kilometer über die Hänge rund um Jena, mit Einkehr zum "
        "Mittagessen. Das Ziel steht jeweils am Aushang im Seniorentreff. Bitte feste Schuhe, Regenjacke und "
        "einen Fahrschein für Bus und Bahn mitbringen; Gäste sind willkommen.",
        place=STOP_ZWAETZEN,
        changes=(Cancel(-8, "Fällt wegen einer Unwetterwarnung aus."),),
    ),
    Offering(
        "Singekreis",
        ("Kultur",),
        ("Senioren",),
        weekly("MO", "15:00", 90),
        "Im Singekreis singen wir Volkslieder, Schlager und Lieder aus der Jugendzeit, am Klavier begleitet. "
        "Liedtexte in großer Schrift liegen bereit. Vorsingen muss niemand; kommen Sie einfach zur nächsten "
        "Probe.",
        access=HEARING_LOOP,
        changes=(Cancel(1, "Fällt wegen Krankheit der Chorleiterin aus."),),
    ),
    Offering(
        "Trauercafé",
        ("Beratung", "Begegnung"),
        ("Erwachsene", "Senioren"),
        monthly("2SU", "15:00", 120),
        "Das Trauercafé ist ein geschützter Ort für Menschen, die einen nahestehenden Menschen verloren haben, "
        "ob vor kurzem oder vor Jahren. Bei Kaffee und Kuchen können Sie erzählen oder einfach zuhören; zwei "
        "ausgebildete Trauerbegleiterinnen sind dabei. Was hier gesagt wird, bleibt im Raum; eine Anmeldung "
        "ist nicht nötig.",
        access=STEP_FREE,
    ),
    Offering(
        "Handy- und Tablet-Hilfe",
        ("Bildung",),
        ("Senioren",),
        fortnightly("TU", "14:00", 90),
        "Ehrenamtliche beantworten Ihre Fragen zu Smartphone und Tablet: Messenger einrichten, die Schrift "
        "vergrößern, einen Arzttermin im Internet buchen. Bringen Sie Ihr Gerät aufgeladen und Ihre Passwörter "
        "mit. Bitte tragen Sie sich in die Liste am Empfang ein, damit wir die Zeit gut einteilen können.",
    ),
    Offering(
        "Seniorengymnastik",
        ("Sport",),
        ("Senioren",),
        weekly("TU", "09:30", 60),
        "Eine Übungsleiterin bringt mit Übungen für Kraft, Gleichgewicht und Beweglichkeit den Kreislauf in "
        "Schwung. Alles geht im Stehen oder im Sitzen, jede und jeder so, wie es geht. Bitte bequeme Kleidung, "
        "feste Hausschuhe und etwas zu trinken mitbringen.",
        access=STEP_FREE,
        cost="2 € pro Stunde",
    ),
    Offering(
        "Vortrag: Vorsorgevollmacht und Patientenverfügung",
        ("Beratung", "Bildung"),
        ("Senioren", "Erwachsene"),
        once(24, "TH", "15:00", 90),
        "Wer entscheidet für mich, wenn ich es selbst nicht mehr kann? Eine Fachanwältin erklärt verständlich, "
        "was Vorsorgevollmacht, Betreuungsverfügung und Patientenverfügung regeln, und bringt Vordrucke mit. "
        "Der Vortrag wird in Gebärdensprache übersetzt. Bitte melden Sie sich bis eine Woche vorher an, per "
        "E-Mail an volkssolidaritaet-nord@example.org.",
        access=("stufenlos", "hoerschleife", "gebaerdensprache"),
        easy="Vielleicht werden Sie einmal sehr krank. Dann können Sie vielleicht nicht mehr selbst "
        "entscheiden. Wer entscheidet dann für Sie? Das können Sie vorher aufschreiben. Eine Anwältin erklärt, "
        "wie das geht. Eine Dolmetscherin übersetzt in Gebärden-Sprache. Der Vortrag kostet nichts.",
        place=VOLKSHAUS,
    ),
    Offering(
        "Literaturkreis",
        ("Kultur",),
        ("Senioren", "Erwachsene"),
        monthly("4TU", "15:00", 90),
        "Einmal im Monat sprechen wir über ein Buch, das alle vorher gelesen haben, von Fontane bis zu neuen "
        "Romanen aus Thüringen. Das nächste Buch suchen wir gemeinsam aus. Neue Leserinnen und Leser sind "
        "willkommen; im Seniorentreff erfahren Sie, welches Buch gerade dran ist.",
    ),
    Offering(
        "Bingo-Nachmittag",
        ("Begegnung",),
        ("Senioren",),
        monthly("-1FR", "14:30", 120),
        "Am letzten Freitag im Monat wird Bingo gespielt: Wir rufen die Zahlen laut und deutlich aus und "
        "schreiben sie zusätzlich groß an die Tafel. Es gibt kleine Preise und viel zu lachen. Eine Anmeldung "
        "ist nicht nötig.",
        access=HEARING_LOOP,
        cost="1 € pro Karte",
    ),
)

DRK_WEST = (
    Offering(
        "Sprachcafé International",
        ("Bildung", "Begegnung"),
        ("Erwachsene", "Jugendliche"),
        weekly("WE", "17:00", 90),
        "Im Sprachcafé treffen sich Menschen, die Deutsch lernen, mit Menschen, die schon lange in Jena leben. "
        "Bei Tee und Keksen reden wir über alles Mögliche, in einfachem Deutsch und zur Not mit Händen und "
        "Füßen. Jedes Sprachniveau ist willkommen; eine Anmeldung ist nicht nötig.",
        access=("leichte-sprache",),
        easy="Im Sprach-Café sprechen Sie Deutsch. Sie treffen Menschen aus Jena. Sie trinken Tee. Sie reden "
        "über viele Dinge. Alle sprechen einfaches Deutsch. Sie können jeden Mittwoch kommen. Das Café kostet "
        "nichts.",
        changes=(Move(2, "Ausnahmsweise eine Stunde später.", start="18:00"),),
    ),
    Offering(
        "Gesundheitssprechstunde",
        ("Beratung",),
        ("Senioren",),
        fortnightly("MO", "10:00", 90),
        "Eine Krankenschwester misst Blutdruck und Blutzucker und beantwortet Fragen zu Medikamenten, Ernährung "
        "und Hilfsmitteln. Bringen Sie Ihren Medikamentenplan mit, wenn Sie einen haben. Die Sprechstunde "
        "ersetzt keinen Arztbesuch; eine Anmeldung ist nicht nötig.",
        access=STEP_FREE,
    ),
    Offering(
        "Tischtennis für Jung und Alt",
        ("Sport",),
        ("Alle",),
        weekly("TH", "16:30", 90),
        "Zwei Platten, viele Schläger und ein Ball, der immer wieder unter den Schrank rollt: Hier spielen "
        "Schulkinder gegen Rentner und umgekehrt. Schläger und Bälle sind da, Sie brauchen nur Turnschuhe mit "
        "heller Sohle. Kommen Sie einfach vorbei.",
        changes=(Skip(2),),
    ),
    Offering(
        "Lernwerkstatt",
        ("Bildung",),
        ("Kinder", "Jugendliche"),
        weekly("TU,TH", "14:30", 90),
        "In der Lernwerkstatt machen Kinder und Jugendliche in Ruhe ihre Hausaufgaben und bekommen Hilfe, wenn "
        "sie nicht weiterkommen, vor allem in Mathe und Deutsch. Ehrenamtliche erklären geduldig, auch ein "
        "drittes Mal. Die Eltern melden ihr Kind bitte einmal persönlich im Generationentreff an.",
    ),
    Offering(
        "Kleiderladen",
        ("Begegnung",),
        ("Alle",),
        weekly("WE", "10:00", 180),
        "Im Kleiderladen finden Sie gut erhaltene Kleidung für Erwachsene und Kinder, Schuhe und Bettwäsche zu "
        "kleinen Preisen. Saubere Spenden nehmen wir während der Öffnungszeit gern entgegen. Einkaufen darf "
        "hier jede und jeder, einen Nachweis brauchen Sie nicht.",
        cost="Kleidung ab 50 Cent",
    ),
    Offering(
        "Männer am Herd",
        ("Essen", "Bildung"),
        ("Erwachsene", "Senioren"),
        fortnightly("TH", "18:00", 150),
        "Ein Kochabend für Männer jeden Alters, die mehr können wollen als Spiegelei: Wir kochen ein Menü mit "
        "drei Gängen und essen es anschließend gemeinsam. Die Rezepte gibt es zum Mitnehmen. Es gibt acht "
        "Plätze; bitte melden Sie sich bis Montag unter drk-west@example.org an.",
        cost="5 € für Zutaten",
    ),
    Offering(
        "Erste Hilfe für Großeltern",
        ("Bildung",),
        ("Senioren", "Erwachsene"),
        once(30, "SA", "09:00", 240),
        "Was tun, wenn sich das Enkelkind verschluckt, stürzt oder hohes Fieber bekommt? In diesem Kurs frischen "
        "Großeltern ihr Wissen auf und üben die Handgriffe an Puppen in Kindergröße, angeleitet von einer "
        "Ausbilderin des DRK. Bitte melden Sie sich bis eine Woche vorher an; es gibt zwölf Plätze.",
        cost="15 € pro Person",
    ),
    Offering(
        "Woche der Generationen: Spieleolympiade",
        ("Sport", "Begegnung"),
        ("Alle", "Kinder", "Senioren"),
        once(WEEK_OF_GENERATIONS, "FR", "15:00", 150),
        "Sackhüpfen, Dosenwerfen, Boccia und ein Wissensquiz: In gemischten Teams aus Jung und Alt treten Sie "
        "an zehn Stationen im Hof an. Jedes Team braucht mindestens ein Kind und eine Person über sechzig, beim "
        "Zusammenfinden helfen wir. Für Getränke und Kuchen ist gesorgt; anmelden müssen Sie sich nicht.",
        access=STEP_FREE,
    ),
)

CARITAS_OST = (
    Offering(
        "Eltern-Kind-Café",
        ("Begegnung",),
        ("Familien",),
        weekly("TH", "09:30", 120),
        "Im Eltern-Kind-Café sind Mütter, Väter und Großeltern mit Kindern bis drei Jahren willkommen. Während "
        "die Kleinen in der Spielecke krabbeln, gibt es Kaffee, Gespräche und Tipps zu Angeboten im Stadtteil. "
        "Kommen Sie einfach vorbei.",
        changes=(Cancel(2, "Fällt aus: Unser Team ist an diesem Tag auf Fortbildung."),),
    ),
    Offering(
        "Familienberatung",
        ("Beratung",),
        ("Familien", "Erwachsene"),
        weekly("TU", "13:00", 180),
        "Unsere Beraterinnen unterstützen Sie bei Fragen zu Schwangerschaft, Elterngeld, Trennung oder "
        "Geldsorgen, vertraulich und kostenfrei. Auf Wunsch bestellen wir eine Gebärdensprachdolmetscherin "
        "dazu. Bitte vereinbaren Sie einen Termin unter caritas-ost@example.org; in dringenden Fällen kommen "
        "Sie einfach vorbei.",
        access=("stufenlos", "gebaerdensprache"),
    ),
    Offering(
        "Vorlesestunde mit Leihgroßeltern",
        ("Kultur", "Bildung"),
        ("Kinder", "Senioren"),
        weekly("MO", "15:00", 60),
        "Jeden Montag lesen ehrenamtliche Leihomas und Leihopas Kindern von drei bis acht Jahren Geschichten "
        "vor, mit Bilderbuchkino und Liedern zwischendurch. Danach dürfen die Kinder Bücher für zu Hause "
        "ausleihen. Kinder bitte mit Begleitung; eine Anmeldung ist nicht nötig.",
    ),
    Offering(
        "Sonntagsspiele für Familien",
        ("Begegnung",),
        ("Familien",),
        fortnightly("SU", "15:00", 150),
        "Sonntags, wenn vieles geschlossen hat, ist bei uns alle zwei Wochen Spielzeit: Brettspiele, Bauecke, "
        "Tischkicker und etwas zum Basteln für die Kleinen. Kaffee und Saft gibt es gegen eine kleine Spende. "
        "Kommen Sie vorbei und bleiben Sie, solange Sie Lust haben.",
    ),
    Offering(
        "Schuldnerberatung",
        ("Beratung",),
        ("Erwachsene",),
        weekly("WE", "09:00", 180),
        "Die Rechnungen stapeln sich, das Konto ist im Minus, Mahnungen kommen? Unsere Schuldnerberaterin "
        "verschafft sich mit Ihnen einen Überblick und sucht Wege aus den Schulden, kostenlos und vertraulich. "
        "Bringen Sie die Briefe Ihrer Gläubiger und Ihre Kontoauszüge mit. Bitte vereinbaren Sie vorher einen "
        "Termin unter caritas-ost@example.org.",
    ),
    Offering(
        "Kreativwerkstatt für Kinder",
        ("Kultur",),
        ("Kinder",),
        weekly("FR", "15:00", 90),
        "Malen mit Fingerfarben, Drucken mit Kartoffeln, Figuren aus Ton: In der Kreativwerkstatt probieren "
        "Kinder von fünf bis zehn Jahren jede Woche eine neue Technik aus. Bitte Kleidung anziehen, die Farbe "
        "abbekommen darf. Eine Anmeldung ist nicht nötig.",
        cost="1 € Materialgeld",
    ),
    Offering(
        "Väter-Kind-Samstag",
        ("Begegnung", "Sport"),
        ("Familien", "Kinder"),
        monthly("2SA", "10:00", 180),
        "Einmal im Monat gehört der Samstagvormittag den Vätern und ihren Kindern: Wir bauen Vogelhäuser, "
        "gehen in den Wald oder kicken im Hof. Zum Abschluss wird gemeinsam gegrillt oder Suppe gekocht. Bitte "
        "wetterfeste Kleidung tragen und bis Donnerstag unter caritas-ost@example.org anmelden.",
    ),
    Offering(
        "Familientag im Paradiespark",
        ("Begegnung", "Sport"),
        ("Familien", "Kinder"),
        once(45, "SA", "14:00", 240),
        "Zum Familientag laden wir in den Paradiespark ein: mit Hüpfburg, Kinderschminken, Mitmachzirkus und "
        "Picknickdecken auf der Wiese. Unsere Beraterinnen sind mit einem Stand dabei und haben ein offenes "
        "Ohr. Bringen Sie gern Ihr Picknick mit; für Getränke ist gesorgt.",
        access=STEP_FREE,
        easy="Wir feiern ein Fest für Familien. Das Fest ist im Paradies-Park. Es gibt eine Hüpf-Burg. Kinder "
        "können sich schminken lassen. Sie können ein Picknick mitbringen. Das Fest kostet nichts.",
        place=PARADIESPARK,
    ),
)

DIAKONIE_ZENTRUM = (
    Offering(
        "Mittagstisch am Markt",
        ("Essen", "Begegnung"),
        ("Alle",),
        weekly("TU,WE,TH", "12:00", 90),
        "Dienstags bis donnerstags kochen wir ein einfaches, warmes Mittagessen für alle, die nicht allein "
        "essen möchten oder wenig Geld haben. Wer einen Jena-Pass hat, zahlt nur einen Euro. Eine Anmeldung "
        "ist nicht nötig, solange der Topf reicht.",
        access=STEP_FREE,
        cost="3,50 €, mit Jena-Pass 1 €",
        easy="Hier gibt es Mittag-Essen. Das Essen ist warm. Es gibt das Essen am Dienstag, Mittwoch und "
        "Donnerstag. Ein Essen kostet 3 Euro 50. Mit dem Jena-Pass kostet es 1 Euro. Sie müssen sich nicht "
        "anmelden.",
    ),
    Offering(
        "Gesprächskreis für pflegende Angehörige",
        ("Beratung", "Begegnung"),
        ("Erwachsene", "Senioren"),
        monthly("1TU", "17:00", 90),
        "Wer einen Menschen zu Hause pflegt, kommt selbst oft zu kurz. Im Gesprächskreis tauschen Sie sich mit "
        "anderen Angehörigen aus, eine Pflegeberaterin gibt Hinweise zu Pflegegrad, Entlastung und "
        "Kurzzeitpflege. Brauchen Sie für diese Zeit eine Vertretung zu Hause, sprechen Sie uns an.",
        access=("hoerschleife",),
    ),
    Offering(
        "Vorlesenachmittag",
        ("Kultur",),
        ("Senioren",),
        weekly("FR", "15:00", 60),
        "Jeden Freitag liest eine Ehrenamtliche eine Stunde lang vor: Kurzgeschichten, heitere Gedichte, "
        "Kapitel aus Romanen. Sie dürfen die Augen schließen und einfach zuhören; Kaffee steht bereit. Für "
        "Menschen mit Hörgerät gibt es eine Hörschleife.",
        access=("hoerschleife",),
    ),
    Offering(
        "Orgelmusik zur Marktzeit",
        ("Kultur",),
        ("Alle",),
        monthly("1SA", "11:30", 30),
        "Am ersten Samstag im Monat spielt eine Organistin eine halbe Stunde in der Stadtkirche, gleich neben "
        "dem Markt: eine Pause vom Einkauf zum Zuhören und Durchatmen. Der Eingang an der Südseite ist "
        "stufenlos. Am Ausgang bitten wir um eine Spende für die Kirchenmusik.",
        access=STEP_FREE,
        cost="Eintritt frei",
        place=TOWN_CHURCH,
    ),
    Offering(
        "Briefe verstehen: Sprechstunde in Leichter Sprache",
        ("Beratung",),
        ("Erwachsene", "Senioren"),
        weekly("WE", "10:00", 120),
        "Post vom Amt, von der Krankenkasse oder vom Vermieter ist oft schwer zu verstehen. In dieser "
        "Sprechstunde lesen wir Ihre Briefe gemeinsam und erklären in einfachen Worten, was drinsteht und was "
        "Sie tun müssen; wenn nötig, helfen wir beim Antworten. Bringen Sie einfach den Brief mit.",
        access=("leichte-sprache",),
        easy="Sie haben einen Brief bekommen. Der Brief ist schwer zu verstehen. Dann kommen Sie zu uns. Wir "
        "lesen den Brief mit Ihnen. Wir erklären den Brief mit einfachen Wörtern. Wir helfen auch beim "
        "Antworten. Die Hilfe kostet nichts.",
    ),
    Offering(
        "Gemeinsam kochen, gemeinsam essen",
        ("Essen", "Begegnung"),
        ("Erwachsene", "Senioren"),
        fortnightly("MO", "16:30", 150),
        "Alle zwei Wochen kochen Alleinstehende, Junge und Alte zusammen ein Abendessen nach Rezepten aus "
        "Thüringen und anderswo. Jede und jeder hilft mit, so gut es geht, und am Ende sitzen alle an einem "
        "langen Tisch. Bitte melden Sie sich bis zum Freitag davor an; es gibt zwölf Plätze.",
        cost="3 € für Zutaten",
    ),
    Offering(
        "Gebärdensprach-Café",
        ("Begegnung", "Bildung"),
        ("Alle",),
        fortnightly("TH", "17:00", 120),
        "Gehörlose, Schwerhörige und Hörende treffen sich zum Austausch in Deutscher Gebärdensprache. Wer die "
        "Sprache lernt, übt hier im Gespräch, und wer sie schon kann, hilft gern weiter. Beim ersten Besuch ist "
        "eine Dolmetscherin für Sie da, wenn Sie uns vorher an diakonie-zentrum@example.org schreiben.",
        access=("gebaerdensprache",),
        easy="Hier treffen sich gehörlose und hörende Menschen. Alle sprechen mit Gebärden. Sie können hier "
        "Gebärden-Sprache lernen. Das Café ist alle 2 Wochen am Donnerstag. Es kostet nichts.",
    ),
    Offering(
        "Benefizkonzert „Junge Stimmen“",
        ("Kultur",),
        ("Alle",),
        once(35, "SU", "16:00", 90),
        "Schülerinnen und Schüler aus Jena singen und spielen für den Mittagstisch am Markt: Chormusik, Jazz "
        "und Lieder zum Mitsingen. Der Eintritt ist frei, die Spenden am Ausgang gehen ganz an den "
        "Mittagstisch. Einlass ist eine halbe Stunde vor Beginn.",
        access=STEP_FREE,
        cost="Eintritt frei",
        place=TOWN_CHURCH,
    ),
    team_meeting(
        "Dienstbesprechung",
        weekly("MO", "09:00", 60),
        "Dienstbesprechung im Treffpunkt am Markt: Wochenplan, Einsatz der Ehrenamtlichen, Einkauf für den "
        "Mittagstisch.",
    ),
)

KOORDINATION = (
    Offering(
        "Woche der Generationen: Eröffnung auf dem Marktplatz",
        ("Kultur", "Begegnung"),
        ("Alle",),
        once(WEEK_OF_GENERATIONS, "MO", "16:00", 120),
        "Mit Musik, Grußworten aus dem Rathaus und einem Mitmachtanz für alle Generationen eröffnen die "
        "Partner des Netzwerks die Woche der Generationen. An Ständen stellen sich die Häuser mit ihren "
        "Angeboten vor. Die Reden werden in Gebärdensprache übersetzt.",
        access=("stufenlos", "gebaerdensprache"),
        easy="Die Woche der Generationen beginnt. Wir feiern ein Fest auf dem Markt-Platz. Es gibt Musik. "
        "Alle können mittanzen. Die Häuser aus dem Netz-Werk zeigen ihre Angebote. Eine Dolmetscherin "
        "übersetzt in Gebärden-Sprache. Das Fest kostet nichts.",
        place=MARKET_SQUARE,
    ),
    Offering(
        "Vortrag: Einsamkeit im Alter – was hilft?",
        ("Bildung",),
        ("Erwachsene", "Senioren"),
        once(15, "WE", "18:00", 90),
        "Viele Menschen über 75 fühlen sich oft allein. Eine Altersforscherin berichtet, woran man Einsamkeit "
        "erkennt und was Nachbarschaft, Familie und Vereine dagegen tun können; danach stellen Partner des "
        "Netzwerks ihre Angebote vor. Der Saal hat eine Hörschleife. Der Eintritt ist frei, eine Anmeldung "
        "ist nicht nötig.",
        access=HEARING_LOOP,
        place=VOLKSHAUS,
    ),
    Offering(
        "Ehrenamtsbörse",
        ("Begegnung", "Beratung"),
        ("Jugendliche", "Erwachsene", "Senioren"),
        once(38, "SA", "10:00", 240),
        "Vorlesen, bei den Hausaufgaben helfen, im Repair-Café schrauben oder ältere Menschen besuchen: Auf der "
        "Ehrenamtsbörse zeigen die Häuser des Netzwerks, wo sie Unterstützung suchen. Sie kommen mit "
        "Ehrenamtlichen ins Gespräch und können sich unverbindlich eintragen. Schauen Sie vorbei, auch nur "
        "für eine halbe Stunde.",
        access=STEP_FREE,
        place=LIBRARY_CENTRE,
    ),
    Offering(
        "Sprechstunde: Ehrenamt finden",
        ("Beratung",),
        ("Jugendliche", "Erwachsene", "Senioren"),
        monthly("1WE", "16:00", 120),
        "Sie möchten sich in Ihrem Stadtteil engagieren und wissen nicht, wo? In der Sprechstunde der "
        "Koordinierungsstelle überlegen wir gemeinsam, welches Ehrenamt zu Ihrer Zeit und Ihren Interessen "
        "passt, und stellen den Kontakt zum passenden Haus her. Eine Anmeldung ist nicht nötig.",
    ),
)

# Each partner's offerings, numbered from 1 in this order (their UIDs and object names)
OFFERINGS: dict[str, tuple[Offering, ...]] = {
    "mgh-lobeda": MGH_LOBEDA,
    "stadtteilbuero-lobeda": STADTTEILBUERO_LOBEDA,
    "stadtteilbuero-winzerla": STADTTEILBUERO_WINZERLA,
    "familienzentrum-winzerla": FAMILIENZENTRUM_WINZERLA,
    "awo-nord": AWO_NORD,
    "volkssolidaritaet-nord": VOLKSSOLIDARITAET_NORD,
    "drk-west": DRK_WEST,
    "caritas-ost": CARITAS_OST,
    "diakonie-zentrum": DIAKONIE_ZENTRUM,
    "koordination": KOORDINATION,
}
