"""Write synthetic live-page coverage in the exact text format of the saved BBC live pages.

Why: retrieval speed and accuracy have to be measured on far more entries than the few real
pages we have, and the measurement is only meaningful if the text behaves like news text:
thousands of distinct words, names and places that recur with Zipf-like frequencies, quotes
attributed to speakers with roles, GMT/BST stamps that follow the UK clock change.  Everything
is drawn from one seeded ``random.Random`` so a benchmark can be rerun on identical data.

Usage: python bench/generate.py --entries 10000 --out DIR [--seed 1] [--per-page 20]
"""

from __future__ import annotations

import argparse
import random
import string
import sys
import time
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Generic, TypeVar

# ---------------------------------------------------------------------------------------------
# Word lists.  Combined combinatorially (root x suffix, modifier x head, role x place) they give
# several thousand distinct words without shipping a dictionary.
# ---------------------------------------------------------------------------------------------

FIRST_NAMES_FEMALE = """
Anna Maria Olena Sofia Elena Katarzyna Ingrid Amara Priya Fatima Aisha Laura Julia Marta Irina
Natalia Yulia Sarah Emma Hannah Claire Rachel Louise Charlotte Amelia Grace Chloe Lucy Megan
Zara Leila Nadia Samira Yasmin Mariam Noor Ayesha Mei Hui Yuki Keiko Sakura Ji-woo Min-ji
Ana Lucia Carmen Isabel Beatriz Ines Chiara Giulia Francesca Valentina Camille Manon Juliette
Helga Astrid Sigrid Freya Annika Liesel Greta Petra Zuzana Lenka Agnieszka Magdalena Ewa
Oksana Tetiana Svitlana Daria Vera Ludmila Tamara Nino Ani Aylin Elif Zeynep Adaeze Chioma
Ngozi Wanjiru Amina Thandiwe Nomvula Rosa Gabriela Paula Andrea Silvia Teresa Joanna Kirsty
""".split()

FIRST_NAMES_MALE = """
Adam Piotr Tomasz Andriy Oleksandr Dmytro Serhiy Mykola Ivan Sergei Dmitri Mikhail Alexei Yuri
Boris Viktor Pavel Jan Lukas Jonas Matthias Stefan Klaus Jurgen Henrik Lars Erik Nils Olaf
Pierre Jean Luc Antoine Nicolas Mathieu Marco Luca Giovanni Paolo Alessandro Carlos Javier
Miguel Pablo Diego Joao Rui Tiago James John David Michael Robert William Thomas Daniel Oliver
Harry George Jack Samuel Benjamin Richard Simon Mark Peter Paul Ahmed Mohammed Omar Yusuf Hassan
Ali Karim Tariq Imran Rajesh Arjun Vikram Rahul Wei Jun Hiroshi Kenji Takeshi Min-ho Seo-jun
Kwame Kofi Chinedu Emeka Tunde Musa Sipho Thabo Mehmet Emre Burak Giorgi Levan Aram Tigran
Nikos Dimitris Andreas Milos Dragan Marko Goran Istvan Laszlo Gabor Ondrej Radek Florin Mihai
""".split()

SURNAMES = """
Smith Jones Taylor Brown Williams Wilson Johnson Davies Evans Thomas Roberts Walker Wright
Robinson Thompson White Hughes Edwards Green Hall Wood Harris Lewis Martin Jackson Clarke
Clark Turner Hill Scott Cooper Morris Ward Moore King Watson Baker Harrison Morgan Patel
Young Allen Mitchell James Anderson Phillips Lee Bell Parker Davis Campbell Kelly Murphy
Stewart Macdonald Fraser Reid Murray Ross Paterson Henderson Grant Mckenzie Sutherland Muller
Schmidt Schneider Fischer Weber Meyer Wagner Becker Hoffmann Schulz Koch Richter Klein Wolf
Dubois Lefebvre Moreau Laurent Simon Michel Garnier Rousseau Fontaine Rossi Russo Ferrari
Esposito Bianchi Romano Colombo Ricci Marino Greco Garcia Fernandez Lopez Martinez Sanchez
Perez Gomez Rodriguez Hernandez Silva Santos Pereira Costa Oliveira Ferreira Almeida Nowak
Wisniewski Wojcik Kaminski Lewandowski Zielinski Szymanski Dabrowski Kozlowski Mazur Krawczyk
Novak Svoboda Dvorak Horvath Nagy Toth Szabo Popescu Ionescu Popa Georgiou Papadopoulos
Yilmaz Kaya Demir Sahin Celik Khan Ahmed Hussain Hassan Rahman Chaudhry Sharma Singh Gupta
Kumar Reddy Nair Mehta Chen Wang Li Zhang Liu Yang Huang Zhao Wu Zhou Tanaka Suzuki Sato
Watanabe Takahashi Kim Park Choi Jung Nguyen Tran Pham Okafor Okonkwo Adeyemi Mensah Owusu
Boateng Kamau Otieno Mwangi Dlamini Nkosi Mokoena Haddad Khoury Mansour Nasser Abbas Karimi
Hosseini Rezaei Cohen Levi Mizrahi Friedman Andersson Johansson Karlsson Nilsson Eriksson
Larsen Hansen Nielsen Jensen Virtanen Korhonen Tamm Kask Berzins Kazlauskas Shevchenko Bondarenko
Kovalenko Tkachenko Kravchenko Melnyk Boyko Ivanov Petrov Sidorov Smirnov Kuznetsov Popov Sokolov
Lebedev Volkov Morozov Orlov Kuleba Vasquez Castillo Morales Ortiz Ramos Herrera Medina Aguilar
""".split()

# Combinatorial surnames and towns: roots that read naturally with each group of endings.
SURNAME_PARTS: list[tuple[str, str]] = [
    ("Kowal Nowic Zawad Jabl Wierz Sobol Ostrow Mal Krzy Gorn Bial Rud", "ski czyk ewicz ak"),
    ("Petr Sav Bilo Moroz Hrytz Yarem Dan Lys Zinch Ostap Marchuk Prokop", "enko uk ych ovych"),
    ("Lind Berg Sand Holm Ek Dahl Lund Norr Strand Fors Sjo Wall", "berg strom qvist gren"),
    ("Marin Dragom Constant Vasil Stef Radul Barb Cost Anton Grig Tudor Nicol", "escu eanu ache"),
    ("Alvar Benit Domingu Gonz Ibarr Jimen Menend Rodr Valdiv Zamor Quint Echev", "ez ado ero"),
    ("Abdul Ben Al Ibn Abu Bin", "rahim hamid aziz karim nasser"),
    ("Papad Georg Konst Nikol Dimitr Christ Vasil Anton Stavr Michal", "opoulos idis akis"),
    ("Beridze Kapan Gelash Tsiskar Lom Javakh Bakur Mchedl Dvali Chkheid", "adze shvili ia"),
    ("Petros Hovhann Grigor Sargs Harutyun Avet Mkrt Vardan Khachatr Ghazar", "yan ian"),
]
PLACE_PARTS: list[tuple[str, str]] = [
    ("Novo Stara Kras Bel Zel Vysh Pol Yas Dobr Mir Svet Chern Zlat Lug", "grad pol sk ovo ivka ets"),
    ("Ash Brad Cal Dun Elm Fair Glen Hart Kings Marl Nor Red Stan Wick", "ford bury mouth ton field"),
    ("Alt Ober Neu Hohen Ros Lich Grun Wald Hoch Stein", "stadt burg heim dorf"),
    ("San Villa Monte Porto Castel Terra Bella Rio", "nova mar verde alto"),
    ("Ska Tro Hav Sol Ny Os Lang Bjor Grim Vest Nord Ost", "vik by holm fjord stad"),
    ("Ust Bor Vol Tor Dol Sel Gor Kam Les Ozer", "ino evo nik ovka yany"),
]

PLACES = """
Ukraine Russia Poland Germany France Italy Spain Portugal Belgium Netherlands Austria Hungary
Romania Bulgaria Greece Turkey Georgia Armenia Moldova Belarus Lithuania Latvia Estonia Finland
Sweden Norway Denmark Ireland Scotland Wales England Iceland Serbia Croatia Bosnia Slovakia
Slovenia Albania Kosovo Montenegro Cyprus Malta Israel Gaza Lebanon Syria Jordan Iraq Iran Egypt
Libya Tunisia Algeria Morocco Sudan Ethiopia Kenya Somalia Nigeria Ghana Senegal Mali Niger
Chad Congo Rwanda Uganda Tanzania Zambia Zimbabwe Mozambique Angola Namibia Botswana Pakistan
India Bangladesh Nepal Afghanistan Kazakhstan Uzbekistan China Japan Taiwan Korea Vietnam
Thailand Myanmar Indonesia Malaysia Philippines Australia Canada Mexico Brazil Argentina Chile
Peru Colombia Venezuela Cuba Haiti Kyiv Kharkiv Odesa Lviv Dnipro Mariupol Kherson Zaporizhzhia
Mykolaiv Donetsk Luhansk Bakhmut Moscow Belgorod Kursk Warsaw Krakow Berlin Munich Hamburg Paris
Lyon Marseille Rome Milan Naples Madrid Barcelona Lisbon Brussels Antwerp Amsterdam Rotterdam
Vienna Budapest Bucharest Sofia Athens Istanbul Ankara Tbilisi Yerevan Chisinau Minsk Vilnius
Riga Tallinn Helsinki Stockholm Oslo Copenhagen Dublin Belfast Edinburgh Glasgow Cardiff London
Manchester Birmingham Liverpool Leeds Bristol Newcastle Sheffield Nottingham Geneva Zurich
Prague Bratislava Belgrade Zagreb Sarajevo Tirana Jerusalem Beirut Damascus Baghdad Tehran
Cairo Tripoli Khartoum Nairobi Lagos Accra Dakar Kinshasa Johannesburg Islamabad Delhi Mumbai
Dhaka Kabul Beijing Shanghai Tokyo Seoul Taipei Hanoi Bangkok Jakarta Manila Sydney Ottawa
Toronto Washington Chicago Brasilia Buenos_Aires Santiago Lima Bogota Caracas Havana
New_York Los_Angeles Hong_Kong Cape_Town Abu_Dhabi
""".split()

ORGANISATIONS = [
    "the UN", "Nato", "the EU", "the European Commission", "the European Parliament", "the IMF",
    "the World Bank", "the Red Cross", "the World Health Organization", "the OSCE", "the Kremlin",
    "the White House", "the Pentagon", "Downing Street", "the Foreign Office", "the Home Office",
    "the Treasury", "the Ministry of Defence", "the Bank of England", "the Met Office",
    "the Electoral Commission", "Ofcom", "the NHS", "Amnesty International", "Human Rights Watch",
    "Medecins Sans Frontieres", "Unicef", "the UN refugee agency", "the World Food Programme",
    "the International Criminal Court", "the Security Council", "the G7", "the G20",
    "the African Union", "the Arab League", "Interpol", "Europol", "the Council of Europe",
    "the International Atomic Energy Agency", "the Supreme Court", "the High Court",
    "the Competition and Markets Authority", "the Office for National Statistics",
    "the Bundestag", "the Commons", "the Lords", "the Senate", "Congress", "Gazprom", "Shell",
    "BP", "Rolls-Royce", "Airbus", "Boeing", "Ryanair", "Network Rail", "the RMT union",
    "the Unite union", "the Royal College of Nursing", "the British Medical Association",
    "the Federal Reserve", "the European Central Bank", "Save the Children", "Oxfam",
]
# "the {adjective} {body}" organisations, e.g. "the National Grain Council".
ORG_ADJECTIVES = "National Federal Regional Central Joint Independent Royal Civil Emergency Coastal"
ORG_BODIES = "Council Authority Commission Agency Board Assembly Tribunal Committee Service Institute"

# Roles as a headline writes them ("- foreign minister"); before a name they are title-cased.
ROLES = """
foreign_minister defence_minister prime_minister president deputy_prime_minister interior_minister
health_secretary home_secretary chancellor energy_minister finance_minister justice_minister
opposition_leader army_chief police_chief regional_governor senator union_leader party_chairman
transport_secretary education_secretary environment_minister trade_minister culture_secretary
foreign_secretary defence_secretary economy_minister agriculture_minister Labour_leader
Green_Party_co-leader chief_prosecutor central_bank_governor UN_envoy Nato_commander
presidential_adviser government_spokesperson military_spokesperson
""".split()
PLACE_ROLES = "mayor governor police_chief MP council_leader".split()  # "Kharkiv mayor"

BBC_BEATS = """
political diplomatic economics security defence health environment business transport
education legal Europe Africa Asia Middle_East Russia technology
""".split()
BBC_TITLES = "correspondent editor reporter analyst".split()

AGENCIES = [
    "Reuters", "AFP", "EPA", "Getty Images", "PA Media", "AP", "Shutterstock", "EPA-EFE",
    "Anadolu", "BBC", "Handout", "Telegram", "ParliamentLive.TV", "State Emergency Service",
]

# Verbs as "base 3rd-person past" triples separated by "|".  The past doubles as the passive
# participle, so only transitive verbs whose participle equals their past are listed.
TRANSITIVE_VERBS = """
announce announces announced|approve approves approved|reject rejects rejected|
suspend suspends suspended|delay delays delayed|back backs backed|condemn condemns condemned|
extend extends extended|criticise criticises criticised|defend defends defended|
review reviews reviewed|demand demands demanded|block blocks blocked|restore restores restored|
expand expands expanded|cut cuts cut|halt halts halted|postpone postpones postponed|
sign signs signed|scrap scraps scrapped|target targets targeted|investigate investigates investigated|
welcome welcomes welcomed|question questions questioned|challenge challenges challenged|
support supports supported|oppose opposes opposed|endorse endorses endorsed|unveil unveils unveiled|
launch launches launched|hold holds held|seek seeks sought|lead leads led|win wins won|
lose loses lost|bring brings brought|keep keeps kept|set sets set|fund funds funded|
finance finances financed|secure secures secured|protect protects protected|monitor monitors monitored|
ban bans banned|lift lifts lifted|tighten tightens tightened|ease eases eased|revise revises revised|
confirm confirms confirmed|deny denies denied|dismiss dismisses dismissed|probe probes probed|
push pushes pushed|pause pauses paused|
renew renews renewed|cancel cancels cancelled|reverse reverses reversed|accelerate accelerates accelerated|
prioritise prioritises prioritised|agree agrees agreed|negotiate negotiates negotiated|
complete completes completed|abandon abandons abandoned|resume resumes resumed|boost boosts boosted|
weaken weakens weakened|strengthen strengthens strengthened|undermine undermines undermined|
replace replaces replaced|finalise finalises finalised|publish publishes published|leak leaks leaked|
overturn overturns overturned|uphold upholds upheld|appeal appeals appealed|sanction sanctions sanctioned|
discuss discusses discussed|raise raises raised|lower lowers lowered|cap caps capped|tax taxes taxed|
subsidise subsidises subsidised|regulate regulates regulated|inspect inspects inspected|
restrict restricts restricted|reopen reopens reopened|close closes closed|evacuate evacuates evacuated
"""

INTRANSITIVE_VERBS = """
collapse collapses collapsed|stall stalls stalled|rise rises rose|fall falls fell|surge surges surged|
slow slows slowed|continue continues continued|escalate escalates escalated|spread spreads spread|
end ends ended|begin begins began|grow grows grew|recover recovers recovered|slump slumps slumped|
soar soars soared|falter falters faltered|intensify intensifies intensified|stabilise stabilises stabilised|
worsen worsens worsened|improve improves improved|drag drags dragged|emerge emerges emerged|
unravel unravels unravelled|resurface resurfaces resurfaced|persist persists persisted
"""

PASSIVE_EVENTS = """
killed injured evacuated arrested displaced rescued detained stranded wounded affected
relocated questioned hospitalised released charged sheltered treated
""".split()

ADJECTIVES = """
fresh major new urgent serious fragile tense heavy fierce bitter sharp sudden dramatic
significant key crucial critical vital controversial contested disputed emergency temporary
permanent partial full formal informal historic unprecedented limited sweeping tough strict
modest bold cautious careful difficult complex delicate sensitive costly expensive cheap
rising falling growing mounting widespread local regional national international global
military civilian humanitarian economic political diplomatic legal financial environmental
social public private official unofficial secret rival joint separate broader wider narrow
long-term short-term immediate overnight early late recent latest final initial further
renewed repeated continued ongoing stalled failed successful surprise planned proposed
promised delayed unexpected worrying alarming encouraging positive negative hopeful grim
chaotic calm peaceful violent deadly devastating catastrophic severe mild slight huge vast
small large massive minor direct indirect clear unclear uncertain confident angry furious
frustrated anxious nervous relieved cautious determined defiant firm weak strong stable
unstable volatile steady rapid slow gradual substantial meaningful symbolic practical
strategic tactical technical logistical medical nuclear maritime coastal rural urban
northern southern eastern western central frontline remote crowded isolated besieged
""".split()

# Topics are "modifier head" pairs ("grain exports", "ceasefire talks").
TOPIC_MODIFIERS = """
grain energy gas oil border refugee ceasefire peace trade arms weapons sanctions budget tax
pension housing rail bus airport port fuel food water power electricity nuclear climate
flood drought wildfire storm heat vaccine hospital nurse doctor teacher school university
student police prison court asylum migration visa passport election voting referendum
coalition leadership party pay wage strike union benefit welfare childcare broadband mobile
data privacy cyber drone missile tank artillery troop aid loan debt inflation interest
mortgage rent bank stock currency bond shipping steel car battery solar wind coal fishing
farming fertiliser water-supply sewage plastic recycling football cricket olympic festival
museum heritage broadcasting media press tobacco alcohol gambling drug knife gun terror
security surveillance intelligence espionage embassy diplomatic consular hostage prisoner
evacuation rescue reconstruction demining bridge motorway tunnel canal pipeline reactor
satellite space census planning licence tariff export import customs quota subsidy
""".split()

TOPIC_HEADS = """
talks deal exports imports prices plan bill law reforms cuts rules scheme strategy crisis
shortages supplies deliveries programme package agreement negotiations dispute row
investigation inquiry report review ban restrictions limits targets costs funding spending
payments levels figures rates deadline strikes protests shipments corridor convoy route
network system sector industry market standards controls checks measures guidelines policy
proposals commitments guarantees assurances warnings claims allegations charges sentences
appeals hearings vote ballot results count campaign summit meeting visit mission operation
offensive exercises drills patrols attacks repairs works upgrade shutdown
""".split()

GENERIC_PLURALS = """
people residents civilians officials soldiers troops families children pupils students
workers farmers drivers passengers patients nurses doctors teachers refugees migrants
volunteers firefighters police_officers engineers miners voters protesters demonstrators
shoppers commuters pensioners tenants landlords businesses shops hospitals schools
villages towns households investors traders diplomats journalists observers monitors
inspectors lawyers judges MPs councillors ministers delegates activists campaigners
""".split()

# How people feel ("residents are anxious about ..."), how a situation stands ("remains tense")
# and what speakers call a policy ("the grain deal is reckless").
MOODS = """
anxious worried angry furious frustrated nervous relieved hopeful sceptical divided
confused concerned optimistic pessimistic upset fearful defiant exhausted cautious
""".split()
STATES = """
tense fragile uncertain calm volatile unclear stable critical difficult grim chaotic
precarious unresolved deadlocked confused delicate
""".split()
JUDGEMENTS = """
wrong reckless essential vital unacceptable irresponsible overdue premature unworkable
necessary dangerous unfair shameful welcome inevitable pointless misguided urgent
""".split()
CONCERNS = [
    "security guarantees", "a lasting ceasefire", "real accountability", "proper funding",
    "the rule of law", "clear answers", "independent monitoring", "safe passage",
    "fair compensation", "public trust", "a credible plan", "international support",
    "a full investigation", "transparency", "basic supplies", "the right equipment",
]
WHEN = [
    "next week", "on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday",
    "this weekend", "by Friday", "within days", "before winter", "next month", "tonight",
]
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
EVENT_NOUNS = "summit vote talks elections deadline winter hearing budget referendum inquiry".split()
OCCUPATIONS = "teacher nurse farmer engineer shopkeeper student pensioner driver volunteer doctor".split()
MONTHS = (
    "January February March April May June July August September October November December"
).split()

# ---------------------------------------------------------------------------------------------
# Templates.  {slot} names are filled by the samplers in ``Writer.slots``; every title, lede and
# topical quote names the entry's {topic}, so a question about it has something to find.
# ---------------------------------------------------------------------------------------------

TITLE_TEMPLATES = [
    "{surname} {vt3} {topic} in {place}",
    "{org} {vt3} {adj} {topic}",
    "{place} {topic} {vip} after {adj} {event}",
    "'{short_quote}' - {role_headline}",
    "What we know about the {topic} in {place}",
    "{num} {plural} {passive} in {place} amid {adj} {topic}",
    "{role} {surname} to {vtb} {topic} {when}",
    "{org} {vt3} {topic} despite {adj} {plural}",
    "Watch: {surname} on the {adj} {topic}",
    "Analysis: what the {topic} could mean for {place}",
    "{place} {vt3} {adj} {topic} ahead of {event}",
    "Why the {topic} row in {place} is {state}",
    "{surname} says {place} will {vtb} {topic}",
    "{org} warns over {adj} {topic} in {place}",
    "{topic_cap} {vip} as {org} {vt3} {adj} {event}",
    "{place} and {place} {vtb} {adj} {topic}",
]

LEDE_TEMPLATES = [
    "{org} has {vtp} the {topic}, saying the situation in {place} remains {state}.",
    "{speaker} has {vtp} the {topic} after {adj} {event} in {place}.",
    "The {topic} in {place} {vip} overnight, according to {agency}.",
    "We're getting reports that {org} is preparing to {vtb} the {topic}.",
    "Officials in {place} say the {topic} will be {vtp} {when}.",
    "There are {adj} developments on the {topic}, with {org} expected to respond shortly.",
]

BODY_TEMPLATES = [
    "{org_cap} {vtp} the {topic} on {weekday}, according to {agency}.",
    "Officials in {place} say at least {num} {plural} have been {passive} so far.",
    "It comes after {org} {vtp} {adj} {topic2} earlier this week.",
    "The {topic} {has} been {vtp} by {org}, which says it is {mood} about {concern}.",
    "Our correspondent in {place} says {plural} there are {mood} about the {topic}.",
    "We'll bring you more on the {topic} as we get it.",
    "{person}, who {vtp} the {topic2} last year, has not commented.",
    "Earlier, {org} said it would {vtb} the {topic} \"as soon as possible\".",
    "In {place}, {plural} were {passive} on {weekday} as the {topic2} {vip}.",
    "Figures published by {org} suggest {topic2} {vip} by {pct}% in {month}.",
    "The move is likely to {vtb} {adj} {topic2} across {place}.",
    "Critics in {place} argue the {topic} will {vtb} {plural} already struggling with {topic2}.",
    "{speaker} is expected to discuss the {topic} with {person} in {place} on {weekday}.",
    "There has been no independent confirmation of the reports from {place}.",
    "Talks on the {topic} are due to resume in {place} {when}.",
    "{plural_cap} in {place} told the BBC they were {mood} about what the {topic} would mean for them.",
    "According to {agency}, {num} {plural} were {passive} near {place} overnight.",
    "{person}, a {occupation} from {place}, said the {topic2} had already {vtp} their plans.",
    "Markets in {place} {vip} after the announcement, with {topic2} {vip} sharply.",
    "A spokesperson for {org} said the situation remained \"{state}\".",
    "{place} has long {vtp} the {topic}, which {org} says {is} {judgement}.",
    "The {topic} {was} first {vtp} by {org} in {year}.",
    "Here's a reminder of what we know so far about the {topic}.",
    "The {adj} {topic} {has} already {vtp} {org}, officials admit.",
    "Some {num} {plural} gathered outside the offices of {org} in {place} on {weekday}.",
]

# First-person quotes; the topical ones carry the entry's {topic}.
TOPICAL_QUOTES = [
    "We will not {vtb} the {topic} while {plural} in {place} are at risk",
    "This is a {adj} moment for {place} and for the {topic}",
    "There can be no {topic} without {concern}",
    "I have told {person} that we are ready to {vtb} the {topic}",
    "Our {plural} deserve {concern} on the {topic}",
    "The {topic} {is} {judgement}, and everyone in {place} knows it",
    "We are doing everything we can to {vtb} the {topic}",
    "We expect {org} to {vtb} the {topic} within days",
    "It is simply {judgement} to {vtb} the {topic} now",
]
OTHER_QUOTES = [
    "Nobody in {place} wanted this",
    "We have been waiting for {concern} for far too long",
    "Our {plural} are tired, but they are not giving up",
    "I spoke to {person} this morning and the message was clear",
    "Every day without {concern} costs lives in {place}",
    "We will judge {org} by what it does, not by what it says",
]
SHORT_QUOTES = [
    "We will not {vtb} the {topic}",
    "The {topic} {is} {judgement}",
    "No {topic} without {concern}",
    "{place} needs the {topic} now",
]

CAPTION_TEMPLATES = [
    "{person} speaks to reporters in {place}",
    "{plural_cap} queue for supplies in {place}",
    "{person}",
    "A {adj} scene in {place} on {weekday}",
    "{person} and {person} in {place}",
    "Damage to a building in {place}",
]

SUMMARY_TEMPLATES = [
    "{speaker} says {place} will {vtb} the {topic}",
    "At least {num} {plural} have been {passive} in {place}, officials say",
    "{org_cap} {vt3} {adj} {topic} amid calls for {concern}",
    "The {topic} in {place} {vip}, according to {agency}",
    "{speaker} is due to meet {person} in {place} to discuss the {topic}",
    "{org_cap} says it will {vtb} the {topic} {when}",
    "Thousands of {plural} have left {place} as the {topic2} {vip}",
]



def compile_template(text: str) -> tuple[tuple[str, str | None], ...]:
    """Split a template once into (literal, slot) pairs so rendering is a cheap join."""
    return tuple((literal, field) for literal, field, _, _ in string.Formatter().parse(text))


Template = tuple[tuple[str, str | None], ...]
TITLES = [compile_template(t) for t in TITLE_TEMPLATES]
LEDES = [compile_template(t) for t in LEDE_TEMPLATES]
BODIES = [compile_template(t) for t in BODY_TEMPLATES]
TOPICAL = [compile_template(t) for t in TOPICAL_QUOTES]
OTHER = [compile_template(t) for t in OTHER_QUOTES]
SHORT = [compile_template(t) for t in SHORT_QUOTES]
CAPTIONS = [compile_template(t) for t in CAPTION_TEMPLATES]
SUMMARIES = [compile_template(t) for t in SUMMARY_TEMPLATES]
# Heads that take "have"/"are": "the grain exports have", but "the energy crisis has".
PLURAL_HEADS = frozenset(h for h in TOPIC_HEADS if h.endswith("s") and h != "crisis")

TOPICAL_QUOTE_SHARE = 0.6  # entries with a quote from their speaker about their topic
SECOND_QUOTE_SHARE = 0.3
AUTHOR_SHARE = 0.33
PICTURE_SHARE = 0.3
BREAKING_SHARE = 0.05
ANALYSIS_SHARE = 0.04
CURLY_QUOTE_SHARE = 0.2  # the saved pages mix "straight" and “curly” quotes
OVERNIGHT_GAP_SHARE = 0.03


T = TypeVar("T")
Verb = tuple[str, str, str]  # base, third person, past (also the passive participle)


class Zipf(Generic[T]):
    """Draw items with probability proportional to 1/rank**s.

    Why: uniform sampling makes every name equally rare, which flatters keyword retrieval;
    in real coverage a handful of people and places dominate and a long tail stays rare.
    """

    __slots__ = ("items", "cum", "total", "rand")

    def __init__(self, items: Sequence[T], rng: random.Random, s: float = 1.05) -> None:
        self.items = list(items)
        rng.shuffle(self.items)  # the rank order differs per seed and per coverage
        self.cum: list[float] = []
        total = 0.0
        for rank in range(1, len(self.items) + 1):
            total += rank ** -s
            self.cum.append(total)
        self.total = total
        self.rand = rng.random

    def __call__(self) -> T:
        return self.items[bisect_right(self.cum, self.rand() * self.total)]


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def verb_forms(text: str) -> list[Verb]:
    """Parse a verb list: "base 3rd past" triples separated by "|"."""
    triples = [tuple(entry.split()) for entry in text.split("|")]
    malformed = [" ".join(t) for t in triples if len(t) != 3]
    if malformed:
        raise ValueError(f"verb entries need exactly three forms: {malformed}")
    return [(base, third, past) for base, third, past in triples]


def combine(parts: Sequence[tuple[str, str]]) -> list[str]:
    """Every root joined with every ending of its group ("Kowal" + "ski" -> "Kowalski")."""
    return [root + end for roots, ends in parts for root in roots.split() for end in ends.split()]


def unique(words: Sequence[str]) -> list[str]:
    """Drop repeats while keeping list order, so the vocabulary is the same on every run."""
    return list(dict.fromkeys(words))


@dataclass(frozen=True)
class Vocabulary:
    """The corpus-wide word pools, expanded combinatorially from the lists above."""

    first_female: list[str]
    first_male: list[str]
    surnames: list[str]
    places: list[str]
    organisations: list[str]
    roles: list[str]
    topics: list[str]
    verbs: list[Verb]  # transitive: "{org} suspends the grain exports"
    intransitive: list[Verb]  # "talks collapsed"

    @classmethod
    def build(cls) -> Vocabulary:
        places = unique([p.replace("_", " ") for p in PLACES] + combine(PLACE_PARTS))
        organisations = unique(
            ORGANISATIONS
            + [f"the {a} {b}" for a in ORG_ADJECTIVES.split() for b in ORG_BODIES.split()]
        )
        return cls(
            first_female=unique(FIRST_NAMES_FEMALE),
            first_male=unique(FIRST_NAMES_MALE),
            surnames=unique(SURNAMES + combine(SURNAME_PARTS)),
            places=places,
            organisations=organisations,
            roles=unique([r.replace("_", " ") for r in ROLES]),
            topics=[f"{m.replace('-', ' ')} {h}" for m in TOPIC_MODIFIERS for h in TOPIC_HEADS],
            verbs=verb_forms(TRANSITIVE_VERBS),
            intransitive=verb_forms(INTRANSITIVE_VERBS),
        )


@dataclass(frozen=True)
class Pools:
    """Samplers shared by all coverages: the same common names and words recur everywhere."""

    first_female: Zipf[str]
    first_male: Zipf[str]
    surname: Zipf[str]
    adjective: Zipf[str]
    plural: Zipf[str]
    verb: Zipf[Verb]
    intransitive: Zipf[Verb]
    passive: Zipf[str]

    @classmethod
    def draw(cls, vocab: Vocabulary, rng: random.Random) -> Pools:
        return cls(
            first_female=Zipf(vocab.first_female, rng),
            first_male=Zipf(vocab.first_male, rng),
            surname=Zipf(vocab.surnames, rng, s=0.9),
            adjective=Zipf(ADJECTIVES, rng),
            plural=Zipf([p.replace("_", " ") for p in GENERIC_PLURALS], rng),
            verb=Zipf(vocab.verbs, rng),
            intransitive=Zipf(vocab.intransitive, rng),
            passive=Zipf(PASSIVE_EVENTS, rng),
        )


@dataclass(frozen=True)
class Person:
    name: str
    surname: str
    role: str  # as a headline writes it: "foreign minister", "Kharkiv mayor", "UN envoy"
    female: bool

    @property
    def role_title(self) -> str:
        """The role as a title before the name: "Foreign Minister", "Kharkiv Mayor"."""
        return " ".join(capitalise(word) for word in self.role.split())

    @property
    def titled(self) -> str:
        return f"{self.role_title} {self.name}"


@cache
def bst_bounds(year: int) -> tuple[datetime, datetime]:
    """UTC start and end of British Summer Time: 01:00 UTC on the last Sundays of March and October."""

    def last_sunday(month: int) -> datetime:
        day = datetime(year, month, 31, 1, 0)
        return day - timedelta(days=(day.weekday() + 1) % 7)

    return last_sunday(3), last_sunday(10)


def stamp(utc: datetime) -> str:
    """The page's "HH:MM <zone> D Month YYYY" in UK local time, as the live pages print it."""
    start, end = bst_bounds(utc.year)
    if start <= utc < end:
        local, zone = utc + timedelta(hours=1), "British Summer Time"
    else:
        local, zone = utc, "Greenwich Mean Time"
    return f"{local:%H:%M} {zone} {local.day} {MONTHS[local.month - 1]} {local.year}"


class Writer:
    """Writes the entries of one coverage: its own cast of speakers, favourite places and topics."""

    def __init__(self, vocab: Vocabulary, rng: random.Random, pools: Pools) -> None:
        self.rng = rng
        chance = rng.random
        self.chance = chance
        # Coverage-specific rank orders: each live page has its own dominant places and topics.
        place = Zipf(vocab.places, rng)
        self.topic_pick = topic = Zipf(vocab.topics, rng, s=0.9)
        org = Zipf(vocab.organisations, rng)
        first_f, first_m, surname = pools.first_female, pools.first_male, pools.surname

        def person(role: str) -> Person:
            female = chance() < 0.45
            last = surname()
            return Person(f"{(first_f if female else first_m)()} {last}", last, role, female)

        roles = Zipf(vocab.roles, rng)
        place_roles = Zipf([r.replace("_", " ") for r in PLACE_ROLES], rng)
        cast = [
            person(f"{place()} {place_roles()}" if chance() < 0.25 else roles())
            for _ in range(60)
        ]
        self.speaker_pick = Zipf(cast, rng)
        self.reporter_pick = Zipf(
            [(person("").name, self._reporter_role(place)) for _ in range(12)], rng
        )
        self.people = lambda: person("").name  # passers-by and officials named once in a while

        # Per-entry state the slots read; set by ``entry``.
        self.topic = ""
        self.plural = False
        self.speaker = cast[0]

        adj, plural, verb, intransitive = pools.adjective, pools.plural, pools.verb, pools.intransitive
        pick = rng.choice
        self.slots: dict[str, Callable[[], str]] = {
            "topic": lambda: self.topic,
            "topic_cap": lambda: capitalise(self.topic),
            "topic2": topic,
            "is": lambda: "are" if self.plural else "is",
            "has": lambda: "have" if self.plural else "has",
            "was": lambda: "were" if self.plural else "was",
            "speaker": lambda: self.speaker.titled,
            "surname": lambda: self.speaker.surname,
            "role": lambda: self.speaker.role_title,
            "role_headline": lambda: self.speaker.role,
            "person": self.people,
            "place": place,
            "org": org,
            "org_cap": lambda: capitalise(org()),
            "adj": adj,
            "plural": plural,
            "plural_cap": lambda: capitalise(plural()),
            "vtb": lambda: verb()[0],
            "vt3": lambda: verb()[1],
            "vtp": lambda: verb()[2],
            "vi3": lambda: intransitive()[1],
            "vip": lambda: intransitive()[2],
            "passive": pools.passive,
            "event": lambda: pick(EVENT_NOUNS),
            "mood": lambda: pick(MOODS),
            "state": lambda: pick(STATES),
            "judgement": lambda: pick(JUDGEMENTS),
            "concern": lambda: pick(CONCERNS),
            "when": lambda: pick(WHEN),
            "weekday": lambda: pick(WEEKDAYS),
            "month": lambda: pick(MONTHS),
            "occupation": lambda: pick(OCCUPATIONS),
            "agency": lambda: pick(AGENCIES),
            "num": self._number,
            "pct": lambda: str(rng.randint(2, 45)),
            "year": lambda: str(rng.randint(2005, 2021)),
            "short_quote": lambda: self.render(pick(SHORT)),
        }
        self.summary: list[str] = []  # one set of bullets repeated on every page, as live pages do
        for _ in range(rng.randint(4, 8)):
            self.set_subject(topic(), self.speaker_pick())
            self.summary.append(self.render(pick(SUMMARIES)))

    def _reporter_role(self, place: Zipf[str]) -> str:
        kind = self.rng.random()
        if kind < 0.4:
            return f"BBC {place()} correspondent"
        if kind < 0.8:
            beat = self.rng.choice(BBC_BEATS).replace("_", " ")
            return f"BBC {beat} {self.rng.choice(BBC_TITLES)}"
        if kind < 0.9:
            return f"Reporting from {place()}"
        return f"BBC News, {place()}"

    def _number(self) -> str:
        """Casualty-style counts: mostly small, sometimes in the thousands with a comma."""
        kind = self.rng.random()
        if kind < 0.6:
            return str(self.rng.randint(2, 99))
        if kind < 0.9:
            return str(self.rng.randint(1, 9) * 100 + self.rng.randint(0, 9) * 10)
        return f"{self.rng.randint(1, 40) * 1000 + self.rng.randint(0, 9) * 100:,}"

    def set_subject(self, topic: str, speaker: Person) -> None:
        """Fix the topic and speaker that {topic}, {speaker}, {is} ... refer to until the next call."""
        self.topic, self.speaker = topic, speaker
        self.plural = topic.rsplit(" ", 1)[-1] in PLURAL_HEADS

    def render(self, template: Template) -> str:
        slots = self.slots
        return capitalise("".join([lit + slots[f]() if f else lit for lit, f in template]))

    def _quote(self, template: Template, speaker: Person, first: bool) -> str:
        """A quote paragraph attributed the way BBC copy does it, by role and full name."""
        text = self.render(template)
        open_q, close_q = ("“", "”") if self.chance() < CURLY_QUOTE_SHARE else ('"', '"')
        if not first:
            return f"{open_q}{text},{close_q} {'she' if speaker.female else 'he'} added."
        if self.chance() < 0.7:
            return f"{open_q}{text},{close_q} {speaker.titled} said."
        return f"{speaker.titled} told reporters: {open_q}{text}.{close_q}"

    def _title(self) -> str:
        """A 5-12 word headline; redrawn when a long organisation or place overshoots."""
        while True:
            title = self.render(self.rng.choice(TITLES))
            if 5 <= len(title.split()) <= 12:
                return title

    def entry(self, number: int, utc: datetime) -> list[str]:
        """The lines of one numbered entry, header glued to its stamp as on the real pages."""
        rng, chance = self.rng, self.chance
        speaker = self.speaker_pick()
        self.set_subject(self.topic_pick(), speaker)
        lines = [f"  {number}. {self._title()}published at {stamp(utc)}"]
        label = chance()
        if label < BREAKING_SHARE:
            lines.append("    Breaking")
        elif label < BREAKING_SHARE + ANALYSIS_SHARE:
            lines.append("    Analysis")
        lines.append("")
        if chance() < AUTHOR_SHARE:
            name, role = self.reporter_pick()
            lines += [f"    {name}", f"    {role}", ""]
        if chance() < PICTURE_SHARE:
            caption = self.render(rng.choice(CAPTIONS))
            lines += [f"    {caption}Image source, {rng.choice(AGENCIES)}", ""]

        quoted: list[str] = []
        if chance() < TOPICAL_QUOTE_SHARE:
            quoted.append(self._quote(rng.choice(TOPICAL), speaker, first=True))
            if chance() < SECOND_QUOTE_SHARE:
                quoted.append(self._quote(rng.choice(OTHER), speaker, first=False))
        background = [
            " ".join(self.render(rng.choice(BODIES)) for _ in range(rng.randint(1, 3)))
            for _ in range(max(0, rng.randint(1, 5) - len(quoted)))
        ]
        # The lede comes first; the quotes stay together, in order, somewhere after it.
        at = rng.randint(0, len(background))
        paragraphs = [self.render(rng.choice(LEDES)), *background[:at], *quoted, *background[at:]]
        for paragraph in paragraphs:
            lines += [f"    {paragraph}", ""]
        return lines


def split_entries(total: int, parts: int, rng: random.Random) -> list[int]:
    """Uneven coverage sizes (live pages differ a lot in length) that sum exactly to ``total``."""
    weights = [rng.uniform(0.4, 1.6) for _ in range(parts)]
    scale = (total - parts) / sum(weights)  # every coverage gets one entry, then its share
    sizes = [1 + int(w * scale) for w in weights]
    sizes[0] += total - sum(sizes)
    return sizes


def entry_times(count: int, rng: random.Random) -> list[datetime]:
    """Strictly decreasing UTC minutes, newest first: a few minutes apart, with overnight lulls."""
    newest = datetime(2015, 1, 1) + timedelta(minutes=rng.randint(0, 10 * 365 * 24 * 60))
    times, now = [], newest
    for _ in range(count):
        times.append(now)
        if rng.random() < OVERNIGHT_GAP_SHARE:
            now -= timedelta(minutes=rng.randint(300, 720))
        else:
            now -= timedelta(minutes=rng.randint(1, 15))
    return times


def generate(entries: int, out: Path, seed: int = 1, per_page: int = 20) -> list[Path]:
    """Write ``entries`` synthetic entries as several coverages of pages into ``out``.

    Existing ``synthetic-*_page-*.txt`` files in ``out`` are removed first, because leftover
    pages from a larger run would silently join the corpus.  Returns the written paths.
    """
    if entries < 1 or per_page < 1:
        raise ValueError("entries and per_page must be positive")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("synthetic-*_page-*.txt"):
        stale.unlink()

    rng = random.Random(seed)
    vocab = Vocabulary.build()
    pools = Pools.draw(vocab, rng)
    # 5 to 10 live pages (one per 10,000 entries), fewer only when there is not a page each.
    coverages = min(max(5, entries // 10_000), 10, max(1, entries // per_page))
    ids = rng.sample(range(50_000_000, 70_000_000), coverages)
    written: list[Path] = []
    for live_id, size in zip(ids, split_entries(entries, coverages, rng), strict=True):
        writer = Writer(vocab, rng, pools)
        times = entry_times(size, rng)
        summary = ["Summary", ""] + [line for bullet in writer.summary for line in (f"  • {bullet}", "")]
        for page, start in enumerate(range(0, size, per_page), start=1):
            lines = [f"URL: https://feeds.bbci.co.uk/news/live/synthetic-{live_id}?page={page}", ""]
            lines += summary
            for number, utc in enumerate(times[start : start + per_page], start=1):
                lines += writer.entry(number, utc)
            path = out / f"synthetic-{live_id}_page-{page}.txt"
            path.write_text("\n".join(lines).rstrip("\n"), encoding="utf-8")
            written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, required=True, help="total entries to write")
    parser.add_argument("--out", type=Path, required=True, help="directory for the page files")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--per-page", type=int, default=20, help="entries on each page")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    paths = generate(args.entries, args.out, seed=args.seed, per_page=args.per_page)
    size = sum(p.stat().st_size for p in paths)
    print(
        f"wrote {len(paths)} pages, {args.entries} entries, {size / 1e6:.1f} MB to {args.out} "
        f"in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
