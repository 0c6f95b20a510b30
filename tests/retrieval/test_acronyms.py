"""Abbreviations learnt from how the coverage writes them out."""

from bot.retrieval.acronyms import Acronyms


def test_an_abbreviation_the_coverage_also_spells_out_stands_for_those_words() -> None:
    acronyms = Acronyms(
        [
            "The Organisation for Security and Co-operation in Europe (OSCE) met today.",
            "OSCE monitors were withdrawn.",
            "Prime Minister Boris Johnson spoke. The PM said more later.",
            "Earlier, Prime Minister Boris Johnson told MPs the sanctions would follow.",
        ]
    )
    assert acronyms.expansion("osce") == ("organis", "secur", "co", "oper", "europ")
    assert acronyms.expansion("pm") == ("prime", "minist")
    assert acronyms.abbreviation(("prime", "minist")) == "pm"


def test_initials_by_coincidence_are_not_an_abbreviation() -> None:
    acronyms = Acronyms(["Minister Peter Smith spoke to Mr Putin.", "The MP left. Mr Putin replied."])
    # "Minister Peter" is no opening a full name follows, and "Mr" is a form of address.
    assert acronyms.expansion("mp") == ()
    # Seen once, not in brackets, is not enough.
    assert Acronyms(["The Manchester Street Poem was read. MSP"]).expansion("msp") == ()
