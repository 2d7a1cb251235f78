"""'Question n of m' counts only the questions this person is asked."""

from __future__ import annotations

from actions.form_validation import ValidateGuideForm
from bot.journey import QUESTIONS, question_progress
from tests.action_fixtures import make_tracker, run

EMPTY = {name: None for name in QUESTIONS}


def test_everyone_starts_at_question_one_of_five_without_a_budget_question():
    plan, text = question_progress(None, EMPTY)
    assert text == "Question 1 of 5: " and "sds_step" not in plan


def test_a_role_given_before_the_questions_is_not_counted():
    slots = EMPTY | {"person_role": "self"}
    plan, text = question_progress(None, slots)
    assert text == "Question 1 of 4: "
    _, text = question_progress(plan, slots | {"what_matters": "cooking", "network": "some"})
    assert text == "Question 3 of 4: "  # the budget question


def test_the_step_question_is_counted_only_with_a_personal_budget():
    slots = EMPTY | {"person_role": "self", "what_matters": "x", "network": "some"}
    plan, _ = question_progress(None, slots)
    _, with_budget = question_progress(plan, slots | {"has_budget": "yes"})
    assert with_budget == "Question 2 of 3: "  # the step question, then the last one
    _, without = question_progress(plan, slots | {"has_budget": "no", "sds_step": 1})
    assert without == "Question 2 of 2: "


def test_going_back_to_a_question_answered_before_counts_it_again():
    slots = EMPTY | {"person_role": "carer", "what_matters": "x"}
    plan, _ = question_progress(None, slots)
    _, text = question_progress(plan, slots | {"person_role": None})
    assert text == "Question 1 of 4: "


def test_nothing_open_means_no_count():
    done = {"person_role": "self", "what_matters": "x", "network": "some", "has_budget": "no",
            "sds_step": 1, "risk_check": False}
    assert question_progress(None, done)[1] == ""


def test_the_form_validation_sets_the_count_for_the_next_question(sqlite_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    tracker = make_tracker({"person_role": "self", "what_matters": "I can't cook",
                            "need_areas": ["nutrition"],  # what_matters counts once a need is read
                            "requested_slot": "network",
                            "question_plan": ["what_matters", "network", "has_budget",
                                              "sds_step", "risk_check"]},
                           text="I can't cook", active_loop="guide_form")
    tracker.events.append({"event": "action", "name": "guide_form"})  # as Rasa sends it
    tracker.events.append({"event": "slot", "name": "what_matters", "value": "I can't cook"})
    _, events = run(ValidateGuideForm(), tracker)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["question_progress"] == "Question 2 of 4: "


def test_nothing_answered_leaves_the_form_free_to_hand_over(sqlite_url, monkeypatch):
    """A question about a word mid-form extracts no answer: no progress slot may be set, or Rasa
    would think something was answered and never let the FAQ, stop or crisis rules run."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    tracker = make_tracker({"person_role": "self", "requested_slot": "what_matters"},
                           text="what is a direct payment", intent="faq",
                           active_loop="guide_form")
    tracker.events.append({"event": "action", "name": "guide_form"})  # as Rasa sends it
    _, events = run(ValidateGuideForm(), tracker)
    assert not [e for e in events if e.get("event") == "slot"
                and e["name"] in ("question_progress", "question_plan")]
