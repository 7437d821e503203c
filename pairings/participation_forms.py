"""The confidentiality acknowledgement's signature."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms

from applications.signatures import signature_matches


class AcknowledgementForm(forms.Form):
    """The Mentee or MA types their own name as shown (the service checks it again)."""

    signature_name = forms.CharField(label="Type your full name to sign", max_length=200)
    confirm = forms.BooleanField(label="I have read this acknowledgement and agree to keep its terms.")
    # the version of the text the page showed: signing is refused if staff published another since
    shown_text = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**62)

    def __init__(self, *args, signer_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.signer_name = signer_name
        self.fields["signature_name"].label = f"Type your full name to sign, as shown: {signer_name}"
        self.fields["signature_name"].help_text = "Capital letters, accents and hyphens do not need to match."
        self.fields["signature_name"].widget.attrs["autocomplete"] = "name"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_signature_name(self):
        typed = " ".join(self.cleaned_data["signature_name"].split())
        if not signature_matches(typed, self.signer_name):
            raise forms.ValidationError(
                f"“{typed}” is not your name as PAC has it ({self.signer_name}). Type it as shown to sign; if PAC "
                "has your name wrong, correct it on your profile (Account) first."
            )
        return typed
