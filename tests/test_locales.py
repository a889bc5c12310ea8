from wagtail.models import Locale


def test_a_fresh_database_has_english_and_arabic(db):
    assert set(Locale.objects.values_list("language_code", flat=True)) == {"en", "ar"}


def test_english_is_the_default_and_arabic_is_right_to_left(en, ar):
    assert Locale.get_default() == en
    assert not en.is_bidi
    assert ar.is_bidi
