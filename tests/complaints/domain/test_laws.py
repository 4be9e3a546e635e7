from complaints.domain.laws import (
    Law,
    counter_notice_offered,
    law_or_other,
    restore_calendar_country,
)


def test_only_a_us_notice_offers_a_counter_notice_and_counts_on_the_us_calendar():
    assert [law for law in Law if counter_notice_offered(law)] == [Law.US_DMCA]
    assert {law: restore_calendar_country(law) for law in Law} == {
        Law.US_DMCA: "US", Law.EU_DSA: None, Law.JAPAN: None, Law.OTHER: None}


def test_a_case_filed_before_the_law_was_asked_counts_as_other():
    assert law_or_other("") == Law.OTHER
    assert law_or_other("us_dmca") == Law.US_DMCA
