"""How news copy reports speech, as data: reporting verbs, role and organisation words, words
that are never names, and the patterns built from them. Extraction (bot/quotes/extract.py)
decides with these; keeping them apart keeps its rules readable."""

import re

VERBS = (
    r"said|says|say|told|tells|added|adds|wrote|writes|warned|warns|insisted|insists|stressed|stresses|"
    r"explained|explains|claimed|claims|argued|argues|noted|notes|announced|announces|declared|"
    r"tweeted|posted|replied|urged|urges|described|describes|dismissed|called|calls|acknowledges|"
    r"acknowledged|continued|continues|went on|admitted|admits|conceded|concedes|suggested|suggests|"
    r"predicted|promised|pledged|vowed|asked|asks|accused|accuses|saying|adding|writing|warning|"
    r"likens|likened|urged|told MPs|replies|responds|responded|refers to|referred to|"
    r"was cited as saying|is quoted as saying"
)

VERB = re.compile(rf"\b(?:{VERBS})\b")

PRONOUNS = {"he": "person", "she": "person", "it": "org", "they": "any"}

ROLE_WORDS = {
    "president", "prime", "minister", "secretary", "chancellor", "spokesman", "spokeswoman",
    "spokesperson", "mayor", "governor", "ambassador", "chief", "general", "commander", "leader",
    "senator", "dr", "prof", "professor", "mr", "mrs", "ms", "mp", "msp", "mla",
    "foreign", "defence", "defense", "deputy", "head", "chairman", "chair", "director", "envoy",
    "pope", "king", "queen", "prince", "official", "officer", "representative", "editor",
    "correspondent", "analyst", "economist", "chairwoman", "counsellor", "councillor", "emergencies",
    "infrastructure", "health", "interior", "army", "press", "state", "first", "home", "justice",
    "culture", "education", "transport", "business", "policy", "labour", "conservative", "tory",
    "snp", "sdlp", "dup", "green", "liberal", "democrat", "democrats", "ukip", "secretary-general",
    "regional", "former", "opposition", "shadow", "party", "executive", "senior", "top", "vice",
    "speaker", "crossbencher", "am", "mep", "td", "peer", "actor", "actress", "singer", "author",
    "manager", "coach", "player", "captain", "doctor", "nurse", "teacher", "farmer", "owner", "founder",
    "campaigner", "presenter", "comedian", "musician", "lawyer", "scientist", "researcher",
}

# Forms of address: neither part of the name nor a role.
HONORIFICS = {"sir", "dame", "dr", "mr", "mrs", "ms", "miss", "prof", "professor"}

NUMBER_WORDS = {
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "twenty", "thirty", "hundred", "hundreds", "thousand", "thousands", "some", "many", "several",
}

ORG_WORDS = {
    "economics", "police", "council", "ministry", "agency", "bank", "group", "ltd", "plc", "university",
    "institute", "association", "union", "party", "company", "airlines", "airways", "service", "trust",
    "foundation", "commission", "authority", "board", "office", "department", "committee", "kremlin",
    "nato", "ofcom", "rspca", "court", "government", "army", "navy", "forces", "federation", "club",
    "network", "society", "centre", "center", "house", "palace", "embassy", "fund", "charity",
    "charities", "together", "school", "hospital", "college", "airport", "railway", "rail", "news",
}

NOT_NAMES = {
    "the", "but", "and", "in", "on", "at", "a", "an", "he", "she", "it", "they", "we", "i", "this",
    "that", "these", "those", "there", "here", "as", "if", "when", "while", "after", "before", "for",
    "of", "to", "with", "by", "from", "so", "yet", "meanwhile", "however", "speaking", "asked",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "bbc", "mr",
    "mrs", "ms", "dr", "sir", "our", "my", "his", "her", "their", "its", "sadly",
    "authorities", "officials", "police", "critics", "residents", "people", "experts", "analysts",
} | NUMBER_WORDS

# Capitalised words that name places, peoples or institutions rather than people.
NOT_PEOPLE = {
    "ukraine", "ukrainian", "ukrainians", "russia", "russian", "russians", "kyiv", "moscow", "kremlin",
    "white", "house", "nato", "eu", "un", "us", "uk", "usa", "britain", "british", "european", "union",
    "america", "american", "americans", "france", "french", "germany", "german", "china", "chinese",
    "belarus", "belarusian", "poland", "polish", "donbas", "donetsk", "luhansk", "lugansk", "crimea",
    "mariupol", "kharkiv", "washington", "london", "brussels", "paris", "berlin", "beijing", "geneva",
    "scotland", "scottish", "wales", "welsh", "england", "english", "ireland", "irish", "northern",
    "commons", "parliament", "downing", "street", "government", "council", "security", "ministry",
    "office", "department", "committee", "assembly", "senate", "congress", "pentagon", "whitehall",
    "holyrood", "stormont", "senedd", "conservatives", "labour", "tories", "party", "news", "agency",
    "organisation", "organization", "international", "national", "republic", "people", "federation",
    "west", "western", "east", "eastern", "south", "southern", "north", "today", "programme", "radio",
    "tv", "times", "post", "telegraph", "guardian", "reuters", "afp", "ap", "cnn", "fox", "nhs",
    "god", "christmas", "easter", "war", "world", "unionist", "ulster", "kingdom", "united",
    "covid", "coronavirus", "omicron",
}

CAPITALISED_FUNCTION_WORDS = frozenset(word.capitalize() for word in NOT_NAMES)

CAPITAL_WORD = r"(?:[A-Z][\w'’-]*|[A-Z]\.)"

CAPITALISED_RUN = re.compile(rf"{CAPITAL_WORD}(?:\s+(?:{CAPITAL_WORD}|(?:de|van|von|der|bin|al|da|di|le|la|ibn)\b))*")

# Opening and closing marks are matched loosely: pages mix “curly” and "straight" ones.
QUOTE_SPAN = re.compile(r"[“\"]([^“”\"]+)[”\"]")

SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’]?\s+(?=[\"“A-Z])")

ACCORDING_TO = re.compile(rf"according to ((?:the )?{CAPITALISED_RUN.pattern})")

MIN_QUOTE_WORDS = 3
# A non-restrictive relative clause: ", who chairs the committee," / ", which runs the port,".
RELATIVE_CLAUSE = re.compile(r",\s*(?:who|which)\b[^,;:]*,")
AGE_DESCRIPTION = re.compile(r"^the \d{1,3}-year-old\b")
# Where a reporting clause goes on to say when or where: "said Duterte in a speech on Thursday".
CIRCUMSTANCE = re.compile(
    r"\s+(?:in|on|at|during|after|before|while|when)\s+"
    r"(?=[a-z]|(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b)"
)
# A sentence opening with its subject: a pronoun, or a capitalised run.
SENTENCE_SUBJECT = re.compile(r"\s*(He|She|They|[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,3})\s+[a-z]")
_ROLES = rf"(?:{'|'.join(sorted(ROLE_WORDS))})\b"
# A sentence opening with a description ending in a role: "The first minister defends ...".
TITLE_SUBJECT = re.compile(
    rf"\s*((?:The|A|An)\s+(?:[\w'’-]+\s+){{0,3}}?{_ROLES}(?:\s+{_ROLES})*)\s+(?!of\b|for\b|and\b)[a-z]"
)

# Headlines quote in single marks: "EU preparing 'massive package of sanctions'". An apostrophe
# inside a word ("EU's") opens nothing.
HEADLINE_QUOTE = re.compile(r"(?:^|(?<=[\s:(]))[‘'“\"]([^‘’'“”\"]+?(?:['’][a-z][^‘’'“”\"]*?)*)[’'”\"](?=$|[\s,.:;!?)-])")
HEADLINE_SPEAKER = re.compile(r"^([^:'‘’\"“”]{2,60}):\s")
# A headline giving someone's words without marks: "... will never have been higher - Dugdale".
HEADLINE_ATTRIBUTED = re.compile(r"^(?P<said>.{12,}?)\s+[-–—]\s+(?P<who>[^-–—:]{2,40})$")
HEADLINE_SPEAKER_FIRST = re.compile(r"^(?P<who>[^:]{2,40}):\s+(?P<said>.{12,})$")

OPENING_MARK = re.compile(r"[“\"]")

ANY_MARK = re.compile(r"[“”\"]")

CLOSING_MARK = re.compile(r"[”\"]")

REPORTED_VERBS = (
    r"said|says|told reporters|told the BBC|told MPs|tells reporters|tells the BBC|tells MPs|warned|warns|"
    r"insisted|insists|added|adds|argued|"
    r"argues|claimed|claims|announced|announces"
)

FROM_LINE = re.compile(r"^(?P<quote>[^\"“”]{10,}?)[\"”]\s+from\s+(?P<name>[A-Z][\w'’. -]{2,60})$")

REPORTED_VERB = re.compile(rf"\b(?:{REPORTED_VERBS})\b")

# When it was said is not part of what was said: "said earlier that", "has insisted all along".
WHEN_SAID = r"(?:(?:earlier|today|yesterday|previously|recently|repeatedly|again|all along|last night|on \w+day)\s+)?"

SUBJECT_FIRST = re.compile(
    rf"^(?P<subject>[^,;:]{{2,80}}?)\s+(?P<verb>{REPORTED_VERBS})\s+{WHEN_SAID}(?:that\s+)?(?P<clause>\w.{{15,}})$"
)

# "The pipeline cannot go ahead, German Chancellor Olaf Scholz says."
SUBJECT_LAST = re.compile(rf"^(?P<clause>.{{15,}}?),\s+(?P<subject>[^,;:\"“”]{{2,80}}?)\s+(?P<verb>{REPORTED_VERBS})\.$")

SUBJECT_FILLER = re.compile(
    r"^(?:(?:with|as|and|but|while|also|then|meanwhile|earlier|later|now|today)\s+)+|"
    r"(?:\s+(?:has|had|have|also|then|later|earlier|today|previously|herself|himself|itself|"
    r"on \w+day|this \w+|last \w+))+$",
    re.IGNORECASE,
)

CLAUSE_WORDS = {
    "is", "are", "was", "were", "be", "been", "has", "have", "had", "that", "which", "who", "in", "on",
    "at", "into", "from", "to", "with", "after", "before", "because", "if", "when", "while", "not",
}

# Words that end the name of a law or a document, never a person's.
DOCUMENT_WORDS = {"bill", "act", "law", "treaty", "agreement", "accord", "convention", "report", "review", "strategy"}

# A people or place followed by a body of people speaks as that body: "the Belarusian military",
# "US officials", "Local media", "the Russian defence ministry".
GROUP_NOUN = (
    r"(?:\s+(?:defence|defense|foreign|interior|health|state|armed|security|emergency|intelligence))?"
    r"\s+(?:military|officials|authorities|media|government|army|navy|forces|troops|police|ministry|"
    r"diplomats|intelligence|services|embassy|prosecutors|investigators|separatists|rebels)\b"
)

GROUP_AFTER = re.compile(GROUP_NOUN)

ROLE_AFTER = re.compile(rf"\s+(?:{'|'.join(sorted(ROLE_WORDS))})\b")

ORGANISATION = re.compile(
    rf"\b(?:[Tt]he\s+)?((?:[A-Z][\w&'’-]*)(?:\s+(?:[A-Z][\w&'’-]*|of|for|and))*(?:{GROUP_NOUN})?)"
)
