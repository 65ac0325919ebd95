"""The response deadlines a deployment starts with; administrators change them.

High risk: first contact within 24 hours, initial assessment within 3 days, the
comprehensive assessment and the plan within 15 days of the initial assessment,
reviews every 30 days. Medium and low risk allow longer (reviews every 60 and 90
days), as the issue's example and the Kosovo case management protocol suggest.
"""

from django.db import migrations

# Frozen here: a later change to the defaults must not rewrite history.
DAY = 24
DEFAULTS = {
    "high": {
        "first_contact": 24,
        "initial_assessment": 3 * DAY,
        "comprehensive_assessment": 15 * DAY,
        "case_plan": 15 * DAY,
        "review": 30 * DAY,
    },
    "medium": {
        "first_contact": 3 * DAY,
        "initial_assessment": 7 * DAY,
        "comprehensive_assessment": 30 * DAY,
        "case_plan": 30 * DAY,
        "review": 60 * DAY,
    },
    "low": {
        "first_contact": 7 * DAY,
        "initial_assessment": 15 * DAY,
        "comprehensive_assessment": 45 * DAY,
        "case_plan": 45 * DAY,
        "review": 90 * DAY,
    },
}



def add_defaults(apps, schema_editor):  # noqa: ANN001, ANN201
    deadline = apps.get_model("cases", "ResponseDeadline")
    for risk, steps in DEFAULTS.items():
        for step, hours in steps.items():
            deadline.objects.get_or_create(
                risk_level=risk, step=step, defaults={"hours": hours}
            )


def remove_defaults(apps, schema_editor):  # noqa: ANN001, ANN201
    apps.get_model("cases", "ResponseDeadline").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_cases")]
    operations = [migrations.RunPython(add_defaults, remove_defaults)]
