"""How words of a question and of the coverage are made comparable."""

from bot.retrieval.text import terms


def test_ordinals_are_written_as_news_copy_writes_them() -> None:
    # First to ninth are spelt out, later ones are figures ("21 February").
    assert terms("your 2nd jab") == terms("your second jab")
    assert terms("on the 21st") == terms("on the 21")
