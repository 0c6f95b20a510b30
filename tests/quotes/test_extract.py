"""Who said what, one reporting pattern at a time."""

from bot.quotes.extract import extract_quotes
from bot.quotes.said import QuotedSpeaker


def said(paragraphs, known=None, title=""):
    return [(q.speaker.name, q.text, q.direct) for q in extract_quotes(paragraphs, known, title)]


def test_quote_split_by_its_reporting_clause_gives_both_parts_to_the_speaker():
    quotes = said(['"No one can resolve our issue without us," Oleksiy Danilov told a briefing. '
                   '"Everything should happen with our participation."'])
    assert quotes == [
        ("Oleksiy Danilov", "No one can resolve our issue without us", True),
        ("Oleksiy Danilov", "Everything should happen with our participation.", True),
    ]


def test_speaker_with_title_before_the_quote_and_role_kept():
    [quote] = extract_quotes(
        ['But Kremlin spokesman Dmitry Peskov told reporters it was "premature to talk about any specific plans".']
    )
    assert quote.speaker.name == "Dmitry Peskov"
    assert quote.speaker.role == "Kremlin spokesman"
    assert quote.text == "premature to talk about any specific plans"


def test_surname_and_pronoun_resolve_to_the_full_name_met_earlier():
    quotes = said([
        "In further comments from the Kremlin, spokesman Dmitry Peskov has dismissed the reports.",
        '"There is an understanding that dialogue should be continued," Peskov said.',
        '"If necessary, of course, the presidents can decide to hold a telephone call," he added.',
    ])
    assert [name for name, _text, _direct in quotes] == ["Dmitry Peskov", "Dmitry Peskov"]


def test_pronoun_means_the_subject_not_a_name_mentioned_in_passing():
    quotes = said([
        "The UK is stepping up its preparations, Foreign Secretary Liz Truss says.",
        "Truss made the comments in a tweet following talks with Nato Secretary General Jens Stoltenberg.",
        "“Diplomacy must be pursued but an invasion looks highly likely,” she wrote.",
    ])
    assert quotes[-1][0] == "Liz Truss"


def test_quote_continued_in_the_next_paragraph():
    quotes = said([
        'Child minder Tara Chandler said: "It is the key workers who are allowing life to go on.',
        '"I got in touch with the council and delivered the eggs over three days."',
    ])
    assert [name for name, _t, _d in quotes] == ["Tara Chandler", "Tara Chandler"]


def test_organisation_as_speaker():
    quotes = said([
        "Air France also announced on Monday that it was suspending flights, but noted that it will be "
        '"regularly re-evaluating the situation".'
    ])
    assert quotes == [("Air France", "regularly re-evaluating the situation", True)]


def test_reported_speech_with_a_clear_cue_is_stored_as_indirect():
    quotes = said(["Alexander Chupriyan said that some 61,000 people have now crossed the border into Russia."])
    assert quotes == [("Alexander Chupriyan", "some 61,000 people have now crossed the border into Russia.", False)]


def test_scare_quotes_without_a_speaker_are_not_quotes():
    assert said(["The plans appear to stem from a request for help with “military education.”",
                 "Ukraine’s foreign minister has told reporters that the EU will provide some “advisory” training."]) == []


def test_speaker_known_from_the_coverage_resolves_a_surname():
    known = {"kuleba": QuotedSpeaker("Dmytro Kuleba", "person", "Foreign Minister")}
    assert said(['"We believe every effort is worth trying," Kuleba said.'], known)[0][0] == "Dmytro Kuleba"


def test_older_pages_quote_message_lines():
    quotes = said(["They're going to squirrel away £22m of taxpayer's money on some grandiose scheme.\" from James Airey"])
    assert quotes[0][0] == "James Airey"


def test_a_body_of_people_speaks_as_that_body_not_as_its_country():
    quotes = said([
        "The Belarusian military now says their withdrawal will depend on the Western defence alliance.",
        "Local media said a school and a community centre were hit.",
    ])
    assert [speaker for speaker, _text, _direct in quotes] == ["Belarusian military", "Local media"]


def test_a_leader_named_by_party_is_the_person_named_before():
    quotes = said([
        "A bit more reaction from Sir Keir Starmer now and his calls for an immediate general election.",
        'The Labour leader says: "The Conservative Party has shown it no longer has a mandate to govern."',
    ])
    assert quotes[0][0] == "Keir Starmer"


def test_an_ordinary_word_opening_the_title_is_not_taken_for_a_speaker():
    quotes = said(
        ['He says, "It is an extraordinary sequence of events where a local authority approves its own plan."'],
        title="Failure to adopt a local development plan",
    )
    assert quotes == []
    quotes = said(['"Tear down this wall," he said.'], title="Zelensky gives German MPs a history lesson")
    assert quotes[0][0] == "Zelensky"


def test_when_something_was_said_is_not_part_of_the_quote():
    quotes = said([
        "The White House said earlier that any proposed summit was contingent on Russia refraining from invading.",
        "Russia has insisted all along it has no plans to invade.",
    ])
    assert [text for _speaker, text, _direct in quotes] == [
        "any proposed summit was contingent on Russia refraining from invading.",
        "it has no plans to invade.",
    ]


def test_he_means_the_person_an_organisation_title_introduces():
    quotes = said([
        "It comes after Ukrainian President Volodymyr Zelensky said he was considering a request from his ministry.",
        "Kremlin spokesman Dmitry Peskov also tells reporters he is unable to say if Russian forces have entered.",
        "He says a decision to send in forces would depend on how the situation developed.",
    ])
    assert quotes[-2:] == [
        ("Dmitry Peskov", "he is unable to say if Russian forces have entered.", False),
        ("Dmitry Peskov", "a decision to send in forces would depend on how the situation developed.", False),
    ]


def test_a_law_is_not_a_person():
    quotes = said([
        "The government's Retained EU Law Bill will see thousands of laws expire.",
        'The first minister says the Bill "poses really significant risks to the Welsh Government".',
    ])
    # Nobody on the page names the first minister: the speaker stays as the copy describes them.
    assert [speaker for speaker, _text, _direct in quotes] == ["the first minister"]


def test_an_unnamed_spokesperson_is_not_the_last_person_named():
    quotes = said([
        "MPs have ordered Vote Leave director Dominic Cummings to appear before a committee.",
        "A Commons spokesperson said: “The House approved a motion ordering Mr Dominic Cummings to give an undertaking.”",
    ])
    assert [speaker for speaker, _text, _direct in quotes] == ["Commons spokesperson"]


def test_an_article_before_a_name_is_not_a_title():
    [quote] = extract_quotes(['The Ulster Unionist Leslie Cree says "now is the time to review the whole process".'])
    assert (quote.speaker.name, quote.speaker.role) == ("Leslie Cree", "Ulster Unionist")


# --- how news copy goes on reporting speech -------------------------------------------------------


def speakers_of(paragraphs: list[str]) -> list[tuple[str, str]]:
    return [(q.text, q.speaker.name) for q in extract_quotes(paragraphs)]


def test_a_reporting_clause_that_goes_on_to_say_when_and_where() -> None:
    paragraphs = ['"We will not send our sailors to fight for them," said Marcos in a radio address on Friday.']
    assert speakers_of(paragraphs) == [("We will not send our sailors to fight for them", "Marcos")]


def test_a_sentence_whose_verbs_have_no_subject_of_their_own_quotes_its_subject() -> None:
    paragraphs = [
        "Finance Minister Anna Keller addressed the chamber for twenty minutes.",
        'She listed the closures since spring and said "a fair deal for towns" had never come.',
    ]
    assert speakers_of(paragraphs) == [("a fair deal for towns", "Anna Keller")]


def test_a_quote_standing_alone_after_a_sentence_naming_one_person() -> None:
    paragraphs = [
        'Farmer Joe Brannigan said the water came up overnight: "We lost the lot," he said.',
        'By dawn, Brannigan and his daughter had moved the herd uphill. "We carried lambs through the flood"'
        " - while the lane itself had vanished.",
    ]
    assert speakers_of(paragraphs)[-1] == ("We carried lambs through the flood", "Joe Brannigan")


def test_a_fragment_in_the_next_paragraph_goes_on_with_the_same_source() -> None:
    paragraphs = [
        '"The dam held through the night," the Northern Water Authority said in a statement.',
        'Inspecting the lower sluices was not yet possible "because of the strength of the current".',
    ]
    assert speakers_of(paragraphs)[-1] == ("because of the strength of the current", "Northern Water Authority")


def test_a_fragment_after_a_paragraph_naming_someone_new_is_not_given_to_the_last_source() -> None:
    paragraphs = [
        '"The dam held through the night," the Northern Water Authority said in a statement.',
        'Local councillor Maria Ortiz called the response "slow and confused from the start".',
    ]
    assert ("slow and confused from the start", "Northern Water Authority") not in speakers_of(paragraphs)


def test_a_quote_without_a_clause_of_its_own_shares_the_next_quotes_speaker() -> None:
    paragraphs = [
        "Mayor Linda Okafor spoke at the reopening of the bridge.",
        'The town had waited years for a crossing "worthy of the river itself". "Walk it, enjoy it," she said.',
    ]
    assert speakers_of(paragraphs) == [("worthy of the river itself", "Linda Okafor"), ("Walk it, enjoy it", "Linda Okafor")]


def test_a_quote_whose_own_clause_names_someone_else_is_not_shared() -> None:
    paragraphs = ['Critics called the plan "a betrayal of every worker". "We will fight on," the union leader said.']
    assert ("a betrayal of every worker", "union leader") not in speakers_of(paragraphs)


def test_a_headline_quote_is_the_speaker_the_body_quotes():
    quotes = said([
        "Here's more from European Commission chief Ursula von der Leyen.",
        '"We will weaken Russia\'s economic base," she says.',
    ], title="EU preparing 'massive package of sanctions'")
    assert quotes[0] == ("Ursula von der Leyen", "massive package of sanctions", True)


def test_a_headline_quote_the_body_repeats_is_one_quote():
    quotes = said(['Tory MP Daniel McCrossan says there are "too many still seeking truth and justice".'],
                  title="'Too many still seeking truth and justice'")
    assert [text for _speaker, text, _direct in quotes] == ["too many still seeking truth and justice"]


def test_a_thing_named_between_speaker_and_pronoun_is_not_who_he_is():
    quotes = said([
        "Labour leader Keir Starmer welcomed the decision.",
        "Halting Nord Stream 2 was right. \"We must go further and faster on sanctions,\" he said.",
    ])
    assert quotes == [("Keir Starmer", "We must go further and faster on sanctions", True)]


def test_someone_only_described_stays_unnamed():
    quotes = said([
        "Liberal Democrat Jane Dodds asks about children's services.",
        'The first minister refers to "the new guidelines we have drawn up to help people in front-line services".',
    ])
    assert quotes[-1][0] == "the first minister"


def test_a_misspelt_name_in_one_coverage_is_the_same_speaker(engine, tmp_path):
    from bot.loader.run import load_paths
    from bot.quotes.query import read_quotes

    page = tmp_path / "page.txt"
    page.write_text(
        "URL: https://feeds.bbci.co.uk/news/live/world-europe-1\n\n"
        "  1. Zelensky speaks to the nationpublished at 09:15 Greenwich Mean Time 3 March 2022\n\n"
        '    President Volodymyr Zelensky said: "We will defend our country to the end."\n\n'
        "  2. A second addresspublished at 10:15 Greenwich Mean Time 3 March 2022\n\n"
        '    President Volodymyr Zelenksy said: "Nobody will break us, we are strong."\n\n'
        "  3. A third addresspublished at 11:15 Greenwich Mean Time 3 March 2022\n\n"
        '    "Our army is holding the line in every region," Zelensky said.\n'
    )
    load_paths(engine, [page])
    assert {quote.speaker for quote in read_quotes(engine)} == {"Volodymyr Zelensky"}


def test_an_unnamed_speaker_keeps_the_given_name_the_copy_offers():
    quotes = said(['"I cannot believe this is happening," another Moscovite, Alla, told the BBC.'])
    assert quotes == [("Alla", "I cannot believe this is happening", True)]


def test_a_headline_gives_whose_words_after_a_dash():
    quotes = extract_quotes(["Former Scottish Labour leader Kezia Dugdale spoke to the BBC."],
                            title="Appetite for a second referendum will never have been higher - Dugdale")
    assert [(q.speaker.name, q.direct) for q in quotes] == [("Kezia Dugdale", False)]


def test_a_headline_label_before_a_colon_is_nobody():
    assert extract_quotes(["Waiting times in the NHS have grown for a decade."],
                          title="Background: NHS wait times in focus") == []
