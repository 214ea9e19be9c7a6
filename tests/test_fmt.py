from tthc_lib.core import fmt


def test_numbers_use_dots_between_thousands():
    assert fmt.number(177681) == "177.681"
    assert fmt.number(1967) == "1.967"
    assert fmt.number(12045678) == "12.045.678"
    assert fmt.number(0) == "0"
    assert fmt.number(-1200) == "-1.200"


def test_small_numbers_padded_like_administrative_documents():
    assert fmt.number(6, pad=True) == "06"
    assert fmt.number(0, pad=True) == "0"
    assert fmt.number(22, pad=True) == "22"


def test_percent_uses_decimal_comma():
    assert fmt.percent(99.4197) == "99,4%"
    assert fmt.percent(99.27) == "99,3%"
    assert fmt.percent(100.0) == "100,0%"
    assert fmt.percent(None) == "–"
    assert fmt.decimal(1234.5) == "1.234,5"
