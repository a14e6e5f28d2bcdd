"""The benchmarks' check that the API and the hand-written Cypher give the same answer."""

from benchmarks.queries import difference


def test_equal_answers_have_no_difference() -> None:
    answer = {"people": {"totalCount": 2, "nodes": [{"recordId": "a", "score": 0.5}]}}

    assert (
        difference(
            answer, {"people": {"totalCount": 2, "nodes": [{"recordId": "a", "score": 0.5}]}}
        )
        is None
    )


def test_numbers_compare_by_value_to_nine_digits() -> None:
    assert difference({"eur": 1000}, {"eur": 1000.0}) is None
    assert difference({"score": 0.1 + 0.2}, {"score": 0.3}) is None
    assert difference({"score": 0.3}, {"score": 0.30001}) is not None


def test_the_first_difference_is_named_by_its_path() -> None:
    expected = {"people": {"nodes": [{"recordId": "a"}, {"recordId": "b"}]}}
    got = {"people": {"nodes": [{"recordId": "a"}, {"recordId": "c"}]}}

    assert difference(expected, got) == (
        "data.people.nodes[1].recordId: expected 'b', the API gave 'c'"
    )


def test_missing_items_fields_and_types_are_differences() -> None:
    assert difference({"nodes": [1, 2]}, {"nodes": [1]}) is not None
    assert difference({"a": 1}, {"a": 1, "b": 2}) is not None
    assert difference({"flag": True}, {"flag": 1}) is not None
    assert difference({"text": "1"}, {"text": 1}) is not None
