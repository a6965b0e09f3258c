"""The page's progress: the learning curve (redrawn after a restart) and
the advice to stop once a criterion fires."""

from web_helpers import answer_some

from skactive.stopping import LabelBudget, StabilizingPredictions
from skactive.web._labeler import Labeler


def test_stopping_advice_appears_once_the_criterion_fires(make_labeler):
    labeler = make_labeler(stopping=LabelBudget(13), batch=1)
    assert answer_some(labeler, 2)["progress"]["stopping"] is None
    advice = answer_some(labeler, 1)["progress"]["stopping"]
    assert (
        advice["advice"] == "You have the number of labels you asked for: you can stop."
    )
    curve = answer_some(labeler, 1)["progress"]["curve"]
    assert [n for n, _ in curve] == [10, 11, 12, 13, 14]


def test_stable_predictions_say_answers_stopped_changing_the_model(make_labeler):
    stopping = StabilizingPredictions(threshold=-1e9, window=1, random_state=0)
    labeler = make_labeler(stopping=stopping, batch=1)
    advice = answer_some(labeler, 2)["progress"]["stopping"]
    assert advice["advice"] == "Answers have stopped changing the model: you can stop."


def test_a_restarted_server_redraws_the_curve_of_earlier_answers(make_labeler):
    labeler = make_labeler()
    answer_some(labeler, 6)
    labeler.session.close()
    session = labeler.session.__class__(
        labeler.session.learner, labeler.session.X_pool, labeler.session.path
    )
    try:
        again = Labeler(session, target="price")
        assert [n for n, _ in again.progress()["curve"]][-1] == 16
        again._backfill.join(timeout=60)
        curve = again.progress()["curve"]
        assert [n for n, _ in curve][0] == 10 and [n for n, _ in curve][-1] == 16
        assert len(curve) >= 5
    finally:
        session.close()
