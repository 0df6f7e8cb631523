"""Query-parameter reading rules (API.md 1.3, 3.2b)."""

from __future__ import annotations

from moviesx.http.params import arg_bool, arg_digits, arg_id, arg_list, arg_str


def test_arrays_accept_both_spellings_in_order(app):
    with app.test_request_context("/?x[]=b&x=a&x[]=&x=b&y=z&x=c"):
        assert arg_list("x") == ["b", "a", "c"]


def test_arrays_keep_50_values_cut_to_200_characters(app):
    query = "&".join(f"x[]=v{i}" for i in range(80)) + "&x=" + "w" * 500
    with app.test_request_context("/?" + query):
        values = arg_list("x")
    assert len(values) == 50 and values[0] == "v0"
    with app.test_request_context("/?x=" + "w" * 500):
        assert arg_list("x") == ["w" * 200]
        assert arg_str("x") == "w" * 200


def test_booleans_are_true_only_for_true(app):
    for query, expected in (("?b=true", True), ("?b=TRUE", True), ("?b=1", False), ("?b=yes", False), ("", False)):
        with app.test_request_context("/" + query):
            assert arg_bool("b") is expected


def test_digit_parameters_of_any_length(app, client):
    with app.test_request_context("/?page=" + "7" * 5000 + "&last_id=" + "9" * 300):
        assert arg_digits("page") == int("7" * 200)
        assert arg_id("last_id") is None
    assert client.get("/api/reviews/" + "1" * 5000 + "/").get_json()["error"] == "You need to be authenticated"


def test_path_ids_of_any_length_name_no_object(app, client, headers_for):
    from tests.factories import UserFactory

    segment = "1" * 5000
    response = client.get(f"/api/reviews/{segment}/", headers=headers_for(UserFactory()))
    assert response.status_code == 404
    assert response.get_json() == {
        "error": "Not Found",
        "message": "The requested resource was not found.",
        "model": "Review",
        "lookup_value": segment,
    }
