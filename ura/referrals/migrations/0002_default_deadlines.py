"""The referral deadlines a deployment starts with; administrators change them.

Emergency: answer within 24 hours, service started within 3 days. Urgent: answer
within 3 days, start within 10 days. Routine: answer within 10 days, start within
30 days.
"""

from django.db import migrations

# Frozen here: a later change to the defaults must not rewrite history.
DAY = 24
DEFAULTS = {
    "emergency": (24, 3 * DAY),
    "urgent": (3 * DAY, 10 * DAY),
    "routine": (10 * DAY, 30 * DAY),
}


def add_defaults(apps, schema_editor):  # noqa: ANN001, ANN201
    deadline = apps.get_model("referrals", "ReferralDeadline")
    for urgency, (answer, start) in DEFAULTS.items():
        deadline.objects.get_or_create(
            urgency=urgency, defaults={"answer_hours": answer, "start_hours": start}
        )


def remove_defaults(apps, schema_editor):  # noqa: ANN001, ANN201
    apps.get_model("referrals", "ReferralDeadline").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_referrals")]
    operations = [migrations.RunPython(add_defaults, remove_defaults)]
