"""The shared handling of a refused workflow step (pac.workflow.attempt)."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from pac.workflow import TransitionError, attempt, hash_token, new_token


class _Form(forms.Form):
    note = forms.CharField(required=False)


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_a_step_that_goes_through_is_ok_and_says_nothing():
    request = _request()
    with attempt(request) as step:
        done = "yes"
    assert step.ok and step.error is None and done == "yes"
    assert list(get_messages(request)) == []


def test_a_refused_step_is_flashed_with_the_services_words():
    request = _request()
    with attempt(request) as step:
        raise TransitionError("The window closed on 1 March.")
    assert not step.ok
    assert [str(m) for m in get_messages(request)] == ["The window closed on 1 March."]


def test_a_refused_step_with_a_form_goes_on_the_form_and_keeps_what_was_typed():
    form = _Form(data={"note": "kept"})
    assert form.is_valid()
    with attempt(form=form) as step:
        raise TransitionError("Already approved.")
    assert not step.ok
    assert form.non_field_errors() == ["Already approved."]
    assert form["note"].value() == "kept"


def test_a_refusal_that_names_a_field_goes_on_that_field():
    form = _Form(data={"note": "x"})
    assert form.is_valid()
    with attempt(form=form) as step:
        raise TransitionError({"note": "Type the whole note."})
    assert step.error == "Type the whole note."
    assert form.errors == {"note": ["Type the whole note."]}


def test_other_errors_are_not_swallowed():
    with pytest.raises(KeyError), attempt(_request()):
        raise KeyError("a bug stays a bug")


def test_attempt_needs_somewhere_to_say_a_refusal():
    with pytest.raises(TypeError):
        attempt()


def test_a_link_token_is_stored_only_as_its_hash():
    token, digest = new_token()
    assert digest == hash_token(token) and token not in digest and len(digest) == 64
