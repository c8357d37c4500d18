"""PynamoDB models of the organizers' own tables: the audit log and the exports they ask for (models.py lists
them with the others in MODELS; infra/tables.json describes them)."""
from __future__ import annotations

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model


class AuditModel(Model):
    """The audit log: one partition (organizer changes are few), newest first by `sk` = `<at ms>#<id>`."""

    class Meta:
        table_name = "audit"

    pk = UnicodeAttribute(hash_key=True, default="log")
    sk = UnicodeAttribute(range_key=True)
    username = UnicodeAttribute()
    action = UnicodeAttribute()
    target = UnicodeAttribute()
    details = JSONAttribute(null=True)
    address = UnicodeAttribute(null=True)
    device = UnicodeAttribute(null=True)


class WaitingIndex(GlobalSecondaryIndex):
    """Sparse: only exports still to build carry `queue`."""

    class Meta:
        index_name = "waiting"
        projection = AllProjection()

    queue = UnicodeAttribute(hash_key=True)
    requested_at = NumberAttribute(range_key=True)


class ExportModel(Model):
    """An export an organizer asked for (the registrations of a unit), built by the `build_exports` schedule."""

    class Meta:
        table_name = "exports"

    export_id = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute()
    unit_id = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    requested_by = UnicodeAttribute()
    requested_at = NumberAttribute()
    queue = UnicodeAttribute(null=True)
    lease_until = NumberAttribute(null=True)
    tries = NumberAttribute(default=0)
    rows = NumberAttribute(null=True)
    finished_at = NumberAttribute(null=True)

    waiting = WaitingIndex()
