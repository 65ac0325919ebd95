"""Walks the audit chain and names the first event that does not fit."""

from dataclasses import dataclass

from ura.audit.models import GENESIS_HASH, AuditEvent


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_seq: int | None
    reason: str
    head_hash: str

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def verify_chain(*, batch: int = 5000) -> ChainReport:
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    events = AuditEvent.objects.order_by("seq").iterator(chunk_size=batch)
    for event in events:
        if event.seq != expected_seq:
            return ChainReport(
                checked,
                expected_seq,
                "event missing (removed from the log)",
                expected_prev,
            )
        if event.prev_hash != expected_prev:
            return ChainReport(
                checked, event.seq, "does not follow the event before it", expected_prev
            )
        if event.compute_hash() != event.hash:
            return ChainReport(
                checked,
                event.seq,
                "content changed after it was written",
                expected_prev,
            )
        expected_prev = event.hash
        expected_seq += 1
        checked += 1
    return ChainReport(checked, None, "", expected_prev)
