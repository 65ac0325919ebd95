"""Disability as functioning: the Washington Group / UNICEF question sets.

Three instruments, held as data:

* ``CFM_2_4`` – the UNICEF/Washington Group Child Functioning Module for children
  age 2–4, with the question codes of the MICS6 Questionnaire for Children Under
  Five (module UCF);
* ``CFM_5_17`` – the same module for children age 5–17, with the codes of the MICS6
  Questionnaire for Children Age 5–17 (module FCF);
* ``WG_SS`` – the Washington Group Short Set on Functioning for adults, with the
  variable names of the Washington Group's analytic syntax (``VIS_SS`` …).

Answers are stored per question, keyed by question code, as the stable codes of
:class:`Answer`. Every question may also be answered "unknown" or "declined": a
worker is never forced to guess, and a non-answer never counts as "no difficulty".

A domain's result is computed by the module's own cut-off (see
``docs/functioning.md``): "a lot of difficulty" or "cannot do at all"; "daily" for
anxiety and depression; "a lot more" for the 2–4 kicking, biting or hitting
question. When no answer reaches the cut-off and some deciding answer is missing,
unknown or declined, the result is ``None``: not determinable, not "no".

This module holds no models; callers keep the answers (e.g. in a JSONField).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ura.people.equity import DECLINED, UNKNOWN

# A label that is either plain text or a lazily translated one.
Text = str | Promise


class Answer(models.TextChoices):
    """Every answer code any question can take; each scale allows a subset."""

    # Difficulty scale.
    NO_DIFFICULTY = "no_difficulty", _("No difficulty")
    SOME_DIFFICULTY = "some_difficulty", _("Some difficulty")
    A_LOT_OF_DIFFICULTY = "a_lot_of_difficulty", _("A lot of difficulty")
    CANNOT_DO_AT_ALL = "cannot_do_at_all", _("Cannot do at all")
    # Frequency scale (anxiety and depression, 5–17).
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    A_FEW_TIMES_A_YEAR = "a_few_times_a_year", _("A few times a year")
    NEVER = "never", _("Never")
    # Comparison scale (kicking, biting or hitting, 2–4).
    NOT_AT_ALL = "not_at_all", _("Not at all")
    LESS = "less", _("Less")
    THE_SAME = "the_same", _("The same")
    MORE = "more", _("More")
    A_LOT_MORE = "a_lot_more", _("A lot more")
    # Filter questions (glasses, hearing aid, walking equipment).
    YES = "yes", _("Yes")
    NO = "no", _("No")
    # The two non-answers, allowed on every question.
    UNKNOWN = UNKNOWN, _("Unknown")
    DECLINED = DECLINED, _("Declined to say")


A = Answer
NON_ANSWERS: frozenset[str] = frozenset({A.UNKNOWN, A.DECLINED})


@dataclass(frozen=True)
class Scale:
    """The answers a question offers, and which of them reach the cut-off."""

    code: str
    answers: tuple[Answer, ...]
    cut_off: frozenset[Answer] = frozenset()

    @property
    def allowed(self) -> frozenset[str]:
        """Every value a stored answer may hold: the scale plus the non-answers."""
        return frozenset(self.answers) | NON_ANSWERS

    @property
    def below_cut_off(self) -> frozenset[str]:
        """Real answers that do not reach the cut-off."""
        return frozenset(self.answers) - self.cut_off

    @property
    def choices(self) -> list[tuple[str, Text]]:
        """(value, label) pairs for a form, the non-answers last."""
        return [(a.value, a.label) for a in (*self.answers, A.UNKNOWN, A.DECLINED)]


DIFFICULTY = Scale(
    "difficulty",
    (A.NO_DIFFICULTY, A.SOME_DIFFICULTY, A.A_LOT_OF_DIFFICULTY, A.CANNOT_DO_AT_ALL),
    frozenset({A.A_LOT_OF_DIFFICULTY, A.CANNOT_DO_AT_ALL}),
)
# The "without equipment or assistance" walking questions offer no "no difficulty":
# a child who walks unaided without difficulty would not be using the equipment.
DIFFICULTY_WITHOUT_EQUIPMENT = Scale(
    "difficulty_without_equipment",
    (A.SOME_DIFFICULTY, A.A_LOT_OF_DIFFICULTY, A.CANNOT_DO_AT_ALL),
    DIFFICULTY.cut_off,
)
FREQUENCY = Scale(
    "frequency",
    (A.DAILY, A.WEEKLY, A.MONTHLY, A.A_FEW_TIMES_A_YEAR, A.NEVER),
    frozenset({A.DAILY}),
)
COMPARISON = Scale(
    "comparison",
    (A.NOT_AT_ALL, A.LESS, A.THE_SAME, A.MORE, A.A_LOT_MORE),
    frozenset({A.A_LOT_MORE}),
)
YES_NO = Scale("yes_no", (A.YES, A.NO))


class Domain(models.TextChoices):
    SEEING = "seeing", _("Seeing")
    HEARING = "hearing", _("Hearing")
    WALKING = "walking", _("Walking")
    FINE_MOTOR = "fine_motor", _("Fine motor")
    SELF_CARE = "self_care", _("Self-care")
    COMMUNICATION = "communication", _("Communication")
    LEARNING = "learning", _("Learning")
    REMEMBERING = "remembering", _("Remembering")
    CONCENTRATING = "concentrating", _("Concentrating")
    ACCEPTING_CHANGE = "accepting_change", _("Accepting change")
    PLAYING = "playing", _("Playing")
    CONTROLLING_BEHAVIOUR = "controlling_behaviour", _("Controlling behaviour")
    MAKING_FRIENDS = "making_friends", _("Making friends")
    ANXIETY = "anxiety", _("Anxiety")
    DEPRESSION = "depression", _("Depression")
    # WG-SS asks about remembering and concentrating in one question.
    COGNITION = "cognition", _("Remembering or concentrating")


@dataclass(frozen=True)
class Condition:
    """Skip logic: the question is asked only when ``question`` has one of
    ``answers``. A blank earlier answer satisfies no condition."""

    question: str
    answers: frozenset[str]

    def holds(self, answers: Mapping[str, object]) -> bool:
        return _answer(answers, self.question) in self.answers


@dataclass(frozen=True)
class Question:
    code: str
    domain: Domain
    text: Text
    scale: Scale = DIFFICULTY
    # All must hold for the question to be asked (see Instrument.applies).
    applies_if: tuple[Condition, ...] = ()
    # False for filter questions and for walking *with* equipment: recorded, but
    # the module's rule does not use them to decide the domain.
    decides: bool = True
    # The questionnaire's "A" wording, read when the aid filter was answered yes
    # ("When wearing his/her glasses, does (name) have difficulty seeing?").
    aid_filter: str | None = None
    aided_text: Text | None = None

    def text_for(self, answers: Mapping[str, object]) -> Text:
        """The wording to read, given the filter answers so far."""
        aided = self.aid_filter is not None and _answer(answers, self.aid_filter)
        if self.aided_text is not None and aided == A.YES:
            return self.aided_text
        return self.text


@dataclass(frozen=True)
class Instrument:
    code: str
    title: Text
    min_age: int
    max_age: int | None  # None: no upper limit
    questions: tuple[Question, ...]
    _by_code: dict[str, Question] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_code = {q.code: q for q in self.questions}
        if len(by_code) != len(self.questions):
            raise ValueError(f"{self.code}: duplicate question codes")
        for position, question in enumerate(self.questions):
            for condition in question.applies_if:
                # Skip logic may look back only, so answers fill in one pass.
                earlier = {q.code for q in self.questions[:position]}
                if condition.question not in earlier:
                    raise ValueError(
                        f"{self.code}: {question.code} depends on a later or "
                        f"unknown question {condition.question}"
                    )
        object.__setattr__(self, "_by_code", by_code)

    def __str__(self) -> str:
        return str(self.title)

    def question(self, code: str) -> Question:
        return self._by_code[code]

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    @property
    def domains(self) -> tuple[Domain, ...]:
        """The instrument's domains, in questionnaire order."""
        return tuple(dict.fromkeys(q.domain for q in self.questions if q.decides))

    def applies(self, code: str, answers: Mapping[str, object]) -> bool:
        """Whether skip logic asks this question, given the answers so far.

        A condition on a question that was itself skipped never holds, so a stale
        answer left behind in a skipped branch cannot open a later question.
        """
        question = self._by_code[code]
        return all(
            condition.holds(answers) and self.applies(condition.question, answers)
            for condition in question.applies_if
        )

    def applicable_questions(self, answers: Mapping[str, object]) -> list[Question]:
        """The questions to show, in order, for the answers given so far."""
        return [q for q in self.questions if self.applies(q.code, answers)]


def _is_blank(value: object) -> bool:
    return value is None or value == ""


def _answer(answers: Mapping[str, object], code: str) -> str | None:
    """The stored answer code, or None for blanks and for anything that is not a
    string (stored JSON is not trusted to be well formed)."""
    value = answers.get(code)
    return value if isinstance(value, str) and value else None


# Conditions shared by both CFM instruments.
def _is_yes(code: str) -> Condition:
    return Condition(code, frozenset({A.YES}))


def _is_not_yes(code: str) -> Condition:
    # Unknown or declined equipment use takes the "no equipment" branch, as the
    # Washington Group's own implementations do: the compared-with-peers question
    # still tells something, and the child is not assumed to use equipment.
    return Condition(code, frozenset({A.NO}) | NON_ANSWERS)


def _below_cut_off(code: str, scale: Scale) -> Condition:
    # The 500-metre question is skipped once 100 metres is "a lot of difficulty"
    # or "cannot do at all": the longer distance can only be as hard.
    return Condition(code, scale.below_cut_off | NON_ANSWERS)


# --- Children age 2–4 (MICS6 UCF) ----------------------------------------------

D = Domain
_UCF_EQUIPMENT = "UCF4"

CFM_2_4 = Instrument(
    code="cfm_2_4",
    title=_("Child Functioning Module, children age 2–4"),
    min_age=2,
    max_age=4,
    questions=(
        Question(
            "UCF2",
            D.SEEING,
            _("Does (name) wear glasses?"),
            YES_NO,
            decides=False,
        ),
        Question(
            "UCF3",
            D.HEARING,
            _("Does (name) use a hearing aid?"),
            YES_NO,
            decides=False,
        ),
        Question(
            _UCF_EQUIPMENT,
            D.WALKING,
            _("Does (name) use any equipment or receive assistance for walking?"),
            YES_NO,
            decides=False,
        ),
        Question(
            "UCF7",
            D.SEEING,
            _("Does (name) have difficulty seeing?"),
            aid_filter="UCF2",
            aided_text=_(
                "When wearing his/her glasses, does (name) have difficulty seeing?"
            ),
        ),
        Question(
            "UCF9",
            D.HEARING,
            _(
                "Does (name) have difficulty hearing sounds like people’s voices "
                "or music?"
            ),
            aid_filter="UCF3",
            aided_text=_(
                "When using his/her hearing aid, does (name) have difficulty "
                "hearing sounds like people’s voices or music?"
            ),
        ),
        Question(
            "UCF11",
            D.WALKING,
            _(
                "Without his/her equipment or assistance, does (name) have "
                "difficulty walking?"
            ),
            DIFFICULTY_WITHOUT_EQUIPMENT,
            applies_if=(_is_yes(_UCF_EQUIPMENT),),
        ),
        Question(
            "UCF12",
            D.WALKING,
            _(
                "With his/her equipment or assistance, does (name) have difficulty "
                "walking?"
            ),
            applies_if=(_is_yes(_UCF_EQUIPMENT),),
            decides=False,
        ),
        Question(
            "UCF13",
            D.WALKING,
            _(
                "Compared with children of the same age, does (name) have "
                "difficulty walking?"
            ),
            applies_if=(_is_not_yes(_UCF_EQUIPMENT),),
        ),
        Question(
            "UCF14",
            D.FINE_MOTOR,
            _(
                "Compared with children of the same age, does (name) have "
                "difficulty picking up small objects with his/her hand?"
            ),
        ),
        Question(
            "UCF15",
            D.COMMUNICATION,
            _("Does (name) have difficulty understanding you?"),
        ),
        Question(
            "UCF16",
            D.COMMUNICATION,
            _("When (name) speaks, do you have difficulty understanding him/her?"),
        ),
        Question(
            "UCF17",
            D.LEARNING,
            _(
                "Compared with children of the same age, does (name) have "
                "difficulty learning things?"
            ),
        ),
        Question(
            "UCF18",
            D.PLAYING,
            _(
                "Compared with children of the same age, does (name) have "
                "difficulty playing?"
            ),
        ),
        Question(
            "UCF19",
            D.CONTROLLING_BEHAVIOUR,
            _(
                "Compared with children of the same age, how much does (name) kick, "
                "bite or hit other children or adults?"
            ),
            COMPARISON,
        ),
    ),
)


# --- Children age 5–17 (MICS6 FCF) ---------------------------------------------

_FCF_EQUIPMENT = "FCF3"

CFM_5_17 = Instrument(
    code="cfm_5_17",
    title=_("Child Functioning Module, children age 5–17"),
    min_age=5,
    max_age=17,
    questions=(
        Question(
            "FCF1",
            D.SEEING,
            _("Does (name) wear glasses or contact lenses?"),
            YES_NO,
            decides=False,
        ),
        Question(
            "FCF2",
            D.HEARING,
            _("Does (name) use a hearing aid?"),
            YES_NO,
            decides=False,
        ),
        Question(
            _FCF_EQUIPMENT,
            D.WALKING,
            _("Does (name) use any equipment or receive assistance for walking?"),
            YES_NO,
            decides=False,
        ),
        Question(
            "FCF6",
            D.SEEING,
            _("Does (name) have difficulty seeing?"),
            aid_filter="FCF1",
            aided_text=_(
                "When wearing his/her glasses or contact lenses, does (name) have "
                "difficulty seeing?"
            ),
        ),
        Question(
            "FCF8",
            D.HEARING,
            _(
                "Does (name) have difficulty hearing sounds like people’s voices "
                "or music?"
            ),
            aid_filter="FCF2",
            aided_text=_(
                "When using his/her hearing aid, does (name) have difficulty "
                "hearing sounds like people’s voices or music?"
            ),
        ),
        Question(
            "FCF10",
            D.WALKING,
            _(
                "Without his/her equipment or assistance, does (name) have "
                "difficulty walking 100 meters on level ground? That would be about "
                "the length of 1 football field."
            ),
            DIFFICULTY_WITHOUT_EQUIPMENT,
            applies_if=(_is_yes(_FCF_EQUIPMENT),),
        ),
        Question(
            "FCF11",
            D.WALKING,
            _(
                "Without his/her equipment or assistance, does (name) have "
                "difficulty walking 500 meters on level ground? That would be about "
                "the length of 5 football fields."
            ),
            DIFFICULTY_WITHOUT_EQUIPMENT,
            applies_if=(
                _is_yes(_FCF_EQUIPMENT),
                _below_cut_off("FCF10", DIFFICULTY_WITHOUT_EQUIPMENT),
            ),
        ),
        Question(
            "FCF12",
            D.WALKING,
            _(
                "With his/her equipment or assistance, does (name) have difficulty "
                "walking 100 meters on level ground? That would be about the length "
                "of 1 football field."
            ),
            applies_if=(_is_yes(_FCF_EQUIPMENT),),
            decides=False,
        ),
        Question(
            "FCF13",
            D.WALKING,
            _(
                "With his/her equipment or assistance, does (name) have difficulty "
                "walking 500 meters on level ground? That would be about the length "
                "of 5 football fields."
            ),
            applies_if=(_is_yes(_FCF_EQUIPMENT), _below_cut_off("FCF12", DIFFICULTY)),
            decides=False,
        ),
        Question(
            "FCF14",
            D.WALKING,
            _(
                "Compared with children of the same age, does (name) have "
                "difficulty walking 100 meters on level ground? That would be about "
                "the length of 1 football field."
            ),
            applies_if=(_is_not_yes(_FCF_EQUIPMENT),),
        ),
        Question(
            "FCF15",
            D.WALKING,
            _(
                "Compared with children of the same age, does (name) have "
                "difficulty walking 500 meters on level ground? That would be about "
                "the length of 5 football fields."
            ),
            applies_if=(
                _is_not_yes(_FCF_EQUIPMENT),
                _below_cut_off("FCF14", DIFFICULTY),
            ),
        ),
        Question(
            "FCF16",
            D.SELF_CARE,
            _(
                "Does (name) have difficulty with self-care such as feeding or "
                "dressing him/herself?"
            ),
        ),
        Question(
            "FCF17",
            D.COMMUNICATION,
            _(
                "When (name) speaks, does he/she have difficulty being understood "
                "by people inside of this household?"
            ),
        ),
        Question(
            "FCF18",
            D.COMMUNICATION,
            _(
                "When (name) speaks, does he/she have difficulty being understood "
                "by people outside of this household?"
            ),
        ),
        Question(
            "FCF19",
            D.LEARNING,
            _(
                "Compared with children of the same age, does (name) have "
                "difficulty learning things?"
            ),
        ),
        Question(
            "FCF20",
            D.REMEMBERING,
            _(
                "Compared with children of the same age, does (name) have "
                "difficulty remembering things?"
            ),
        ),
        Question(
            "FCF21",
            D.CONCENTRATING,
            _(
                "Does (name) have difficulty concentrating on an activity that "
                "he/she enjoys doing?"
            ),
        ),
        Question(
            "FCF22",
            D.ACCEPTING_CHANGE,
            _("Does (name) have difficulty accepting changes in his/her routine?"),
        ),
        Question(
            "FCF23",
            D.CONTROLLING_BEHAVIOUR,
            _(
                "Compared with children of the same age, does (name) have "
                "difficulty controlling his/her behaviour?"
            ),
        ),
        Question(
            "FCF24",
            D.MAKING_FRIENDS,
            _("Does (name) have difficulty making friends?"),
        ),
        Question(
            "FCF25",
            D.ANXIETY,
            _("How often does (name) seem very anxious, nervous or worried?"),
            FREQUENCY,
        ),
        Question(
            "FCF26",
            D.DEPRESSION,
            _("How often does (name) seem very sad or depressed?"),
            FREQUENCY,
        ),
    ),
)


# --- Adults (Washington Group Short Set) ---------------------------------------

WG_SS = Instrument(
    code="wg_ss",
    title=_("Washington Group Short Set on Functioning"),
    min_age=18,
    max_age=None,
    questions=(
        Question(
            "VIS_SS",
            D.SEEING,
            _("Do you have difficulty seeing, even if wearing glasses?"),
        ),
        Question(
            "HEAR_SS",
            D.HEARING,
            _("Do you have difficulty hearing, even if using a hearing aid?"),
        ),
        Question(
            "MOB_SS",
            D.WALKING,
            _("Do you have difficulty walking or climbing steps?"),
        ),
        Question(
            "COG_SS",
            D.COGNITION,
            _("Do you have difficulty remembering or concentrating?"),
        ),
        Question(
            "SC_SS",
            D.SELF_CARE,
            _(
                "Do you have difficulty with self-care, such as washing all over or "
                "dressing?"
            ),
        ),
        Question(
            "COM_SS",
            D.COMMUNICATION,
            _(
                "Using your usual language, do you have difficulty communicating, "
                "for example understanding or being understood?"
            ),
        ),
    ),
)

INSTRUMENTS: tuple[Instrument, ...] = (CFM_2_4, CFM_5_17, WG_SS)


def instrument_for_age(age_in_years: int | None) -> Instrument | None:
    """The instrument for a person's age in whole years; none under 2 or unknown."""
    if age_in_years is None:
        return None
    for instrument in INSTRUMENTS:
        upper = instrument.max_age
        if instrument.min_age <= age_in_years and (
            upper is None or age_in_years <= upper
        ):
            return instrument
    return None


# --- Results --------------------------------------------------------------------


@dataclass(frozen=True)
class DomainResult:
    domain: Domain
    # True: functional difficulty; False: none; None: not determinable.
    difficulty: bool | None
    # The question codes whose answers decided it: those at the cut-off when True,
    # every deciding question asked when False, none when None.
    decided_by: tuple[str, ...] = ()
    # Deciding questions (or the filter that opens them) left blank, unknown or
    # declined; they are why a result is None.
    undetermined: tuple[str, ...] = ()

    @property
    def label(self) -> Text:
        return self.domain.label


def _domain_result(
    instrument: Instrument, domain: Domain, answers: Mapping[str, object]
) -> DomainResult:
    in_domain = [q for q in instrument.questions if q.domain == domain]
    asked = [q for q in in_domain if q.decides and instrument.applies(q.code, answers)]
    at_cut_off = tuple(
        q.code for q in asked if _answer(answers, q.code) in q.scale.cut_off
    )
    if at_cut_off:
        return DomainResult(domain, True, decided_by=at_cut_off)
    # Out-of-scale values count as undetermined too: validate_answers reports them.
    undetermined = [
        q.code for q in asked if _answer(answers, q.code) not in q.scale.below_cut_off
    ]
    if not asked:
        # A blank filter leaves every branch closed: the filter is what is missing.
        gates = {c.question for q in in_domain if q.decides for c in q.applies_if}
        undetermined = [
            q.code
            for q in instrument.questions
            if q.code in gates
            and not q.decides
            and _answer(answers, q.code) not in q.scale.allowed
        ]
    if undetermined or not asked:
        return DomainResult(domain, None, undetermined=tuple(undetermined))
    return DomainResult(domain, False, decided_by=tuple(q.code for q in asked))


def domain_results(
    instrument: Instrument, answers: Mapping[str, object]
) -> dict[str, DomainResult]:
    """The functioning-difficulty result of every domain, keyed by domain code."""
    return {
        domain.value: _domain_result(instrument, domain, answers)
        for domain in instrument.domains
    }


def has_functional_difficulty(
    instrument: Instrument, answers: Mapping[str, object]
) -> bool | None:
    """True with difficulty in any domain (for WG-SS this is the Washington Group's
    recommended identifier, "DISABILITY3"); False only when every domain is
    determined and none has difficulty; None otherwise."""
    results = [r.difficulty for r in domain_results(instrument, answers).values()]
    if any(result is True for result in results):
        return True
    if all(result is False for result in results):
        return False
    return None


def validate_answers(
    instrument: Instrument, answers: Mapping[str, object]
) -> dict[str, str]:
    """Field errors, question code → message; empty when the answers are valid.

    Answers may be incomplete (nothing is forced), but each given answer must be on
    its question's scale, and questions that skip logic passes over must be blank.
    """
    errors: dict[str, str] = {}
    for code, value in answers.items():
        if _is_blank(value):
            continue
        if code not in instrument:
            errors[code] = str(_("This question is not part of this questionnaire."))
            continue
        question = instrument.question(code)
        if _answer(answers, code) not in question.scale.allowed:
            errors[code] = str(_("Choose one of the answers offered."))
        elif not instrument.applies(code, answers):
            errors[code] = str(
                _("Leave this blank: the earlier answers skip this question.")
            )
    return errors
