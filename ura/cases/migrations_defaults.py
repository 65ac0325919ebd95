"""The response deadlines used when a deployment has removed a row (hours).

The same figures as migration 0002, which seeds them."""

DAY = 24
DEFAULT_HOURS = {
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
