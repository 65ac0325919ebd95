from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ura.people import functioning


class FunctioningForm(forms.Form):
    """The questions of one instrument that skip logic asks, given the answers so
    far; every question may be left blank or answered unknown or declined."""

    assessed_on = forms.DateField(
        label=_("Assessed on"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(
        self, *args: object, instrument: functioning.Instrument, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.fields["assessed_on"].initial = timezone.localdate()
        answers = self.answers_so_far()
        for question in instrument.applicable_questions(answers):
            self.fields[question.code] = forms.ChoiceField(
                label=question.text_for(answers),
                choices=[("", "—")] + question.scale.choices,
                required=False,
                help_text=question.domain.label,
            )

    def answers_so_far(self) -> dict[str, str]:
        if not self.is_bound:
            return {}
        return {
            q.code: self.data.get(q.code, "")
            for q in self.instrument.questions
            if self.data.get(q.code)
        }

    def answers(self) -> dict[str, str]:
        return {
            code: value
            for code, value in self.cleaned_data.items()
            if code != "assessed_on" and value
        }
