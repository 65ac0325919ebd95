"""The referral deadlines used when a deployment has removed a row (hours to answer,
hours to start the service). The same figures as migration 0002, which seeds them."""

DAY = 24
DEFAULT_HOURS = {
    "emergency": (24, 3 * DAY),
    "urgent": (3 * DAY, 10 * DAY),
    "routine": (10 * DAY, 30 * DAY),
}
