"""The server's labeling logic, without a browser: leases, conflicts,
validation, undo (progress and advice: test_progress.py)."""

import pytest

from skactive.web._labeler import Refused


def test_each_client_gets_its_own_row(make_labeler):
    labeler = make_labeler()
    rows = {labeler.next(f"client-{k:04d}")["row"]["position"] for k in range(4)}
    assert len(rows) == 4
    # Asking again (a reload) keeps the same row.
    first = labeler.next("client-0000")["row"]["position"]
    assert labeler.next("client-0000")["row"]["position"] == first


def test_no_answer_replaces_another(make_labeler):
    labeler = make_labeler()
    a = labeler.next("client-aaaa")["row"]["position"]
    labeler.next("client-bbbb")
    with pytest.raises(Refused) as refused:  # b answers a's row
        labeler.answer("client-bbbb", "Bea", a, "12000")
    assert refused.value.status == 409
    assert labeler.session.answers_.empty
    labeler.answer("client-aaaa", "Al", a, "12,000")
    with pytest.raises(Refused, match="already has an answer \\(from Al\\)"):
        labeler.answer("client-bbbb", "Bea", a, "13000")
    assert labeler.session.answers_.to_dict() == {a: 12000.0}


def test_a_row_whose_lease_ran_out_goes_to_another_client(make_labeler):
    now = [0.0]
    labeler = make_labeler(lease_timeout=30, clock=lambda: now[0])
    a = labeler.next("client-aaaa")["row"]["position"]
    now[0] = 31.0  # client a's tab went away
    assert labeler.next("client-bbbb")["row"]["position"] == a
    with pytest.raises(Refused, match="being labeled by another annotator") as refused:
        labeler.answer("client-aaaa", "Al", a, "12000")
    assert refused.value.status == 409 and labeler.session.answers_.empty
    labeler.answer("client-bbbb", "Bea", a, "13000")
    assert labeler.session.answers_.to_dict() == {a: 13000.0}
    assert labeler.session.annotators_.to_dict() == {a: "Bea"}


@pytest.mark.parametrize("text", ["1e308", "-inf", "nan", "1e39", "twelve"])
def test_values_that_cannot_be_taught_are_refused(make_labeler, text):
    labeler = make_labeler()
    position = labeler.next("client-aaaa")["row"]["position"]
    with pytest.raises(Refused) as refused:
        labeler.answer("client-aaaa", "Al", position, text)
    assert refused.value.status == 422
    assert labeler.session.answers_.empty


def test_an_implausible_value_needs_confirmation(make_labeler):
    labeler = make_labeler()
    position = labeler.next("client-aaaa")["row"]["position"]
    with pytest.raises(Refused) as refused:
        labeler.answer("client-aaaa", "Al", position, "9e9")
    assert refused.value.needs_confirm and labeler.session.answers_.empty
    labeler.answer("client-aaaa", "Al", position, "9e9", confirm=True)
    assert labeler.session.answers_.to_dict() == {position: 9e9}


def test_undo_brings_back_the_last_answer(make_labeler):
    labeler = make_labeler()
    first = labeler.next("client-aaaa")["row"]["position"]
    payload = labeler.answer("client-aaaa", "Al", first, "15000")
    assert payload["undo"] and payload["row"]["position"] != first
    payload = labeler.undo("client-aaaa")
    assert payload["row"]["position"] == first
    assert payload["row"]["previous"] == "15,000"
    labeler.answer("client-aaaa", "Al", first, "16000")
    assert labeler.session.answers_.to_dict() == {first: 16000.0}
    with pytest.raises(Refused, match="no answer to undo"):
        labeler.undo("client-bbbb")


def test_skip_and_progress(make_labeler):
    labeler = make_labeler()
    position = labeler.next("client-aaaa")["row"]["position"]
    payload = labeler.skip("client-aaaa", "Al", position)
    progress = payload["progress"]
    assert progress["n_skipped"] == 1 and progress["n_labels"] == 10
    assert progress["n_remaining"] == 69
    assert progress["error"]["text"] and "off by about" in progress["error"]["sentence"]
    assert position not in labeler.session.remaining()
