"""PynamoDB models: the only description of items in Python. Table layouts mirror infra/tables.json
(a test keeps the two in step). Table names and the endpoint are bound at run time by `bind()`."""
from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    NumberSetAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model

from chalicelib.store.admin_models import AuditModel, ExportModel


class UnitModel(Model):
    class Meta:
        table_name = "units"

    unit_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    parent_id = UnicodeAttribute(null=True)
    kind = UnicodeAttribute()
    headcount = NumberAttribute(null=True)
    population = NumberAttribute(null=True)


class ByUnitIndex(GlobalSecondaryIndex):
    """A unit's participants by folded name (the organizers' lists and the registrations export)."""

    class Meta:
        index_name = "by_unit"
        projection = AllProjection()

    unit_id = UnicodeAttribute(hash_key=True)
    name_key = UnicodeAttribute(range_key=True)


class ByNameIndex(GlobalSecondaryIndex):
    """Participants by folded name, partitioned by its first letters (the search by the start of a name)."""

    class Meta:
        index_name = "by_name"
        projection = AllProjection()

    name_shard = UnicodeAttribute(hash_key=True)
    name_key = UnicodeAttribute(range_key=True)


class DisqualifiedIndex(GlobalSecondaryIndex):
    """Sparse: only disqualified participants carry `status_flag`."""

    class Meta:
        index_name = "disqualified"
        projection = AllProjection()

    status_flag = UnicodeAttribute(hash_key=True)
    name_key = UnicodeAttribute(range_key=True)


class ParticipantModel(Model):
    class Meta:
        table_name = "participants"

    participant_id = UnicodeAttribute(hash_key=True)
    full_name = UnicodeAttribute()
    phone = UnicodeAttribute()
    unit_id = UnicodeAttribute()
    category = UnicodeAttribute()
    birth_year = NumberAttribute(null=True)
    id_number = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    password_hash = UnicodeAttribute()
    registered_at = NumberAttribute()
    token_version = NumberAttribute(default=0)
    verified = BooleanAttribute(default=False)
    status = UnicodeAttribute(default="active")
    disqualified_reason = UnicodeAttribute(null=True)
    signals = UnicodeSetAttribute(null=True)
    # index keys (store/participants.py sets them from the fields above)
    name_key = UnicodeAttribute(null=True)
    name_shard = UnicodeAttribute(null=True)
    status_flag = UnicodeAttribute(null=True)

    by_unit = ByUnitIndex()
    by_name = ByNameIndex()
    disqualified = DisqualifiedIndex()


class GuardModel(Model):
    """Uniqueness claims (`phone#…`, `id_number#…` → participant), throttle tallies (`login#…` password tries,
    `sms#…` codes sent: a count, the last time, the recent times, and a version for optimistic writes) and
    one-time codes (`code#<purpose>#<phone>`: a keyed digest, its expiry, the tries)."""

    class Meta:
        table_name = "guards"

    key = UnicodeAttribute(hash_key=True)
    participant_id = UnicodeAttribute(null=True)
    failures = NumberAttribute(null=True)
    last_at = NumberAttribute(null=True)
    times = ListAttribute(of=NumberAttribute, null=True)
    version = NumberAttribute(null=True)
    code_digest = UnicodeAttribute(null=True)
    valid_until = NumberAttribute(null=True)
    tries = NumberAttribute(null=True)
    users = UnicodeSetAttribute(null=True)      # `uses#…`: the participants who used a device or an address
    signals = UnicodeSetAttribute(null=True)    # `signals#<participant>`: the signals of their attempts
    expires_at = TTLAttribute(null=True)


class OrganizerModel(Model):
    class Meta:
        table_name = "organizers"

    username = UnicodeAttribute(hash_key=True)
    password_hash = UnicodeAttribute()
    role = UnicodeAttribute(null=True)          # accounts stored before roles existed were all owners
    unit_id = UnicodeAttribute(null=True)
    disabled = BooleanAttribute(default=False)
    version = NumberAttribute(default=0)
    created_at = NumberAttribute(null=True)


class RoundModel(Model):
    class Meta:
        table_name = "rounds"

    round_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    opens_at = NumberAttribute()
    closes_at = NumberAttribute()
    status = UnicodeAttribute()
    questions_per_attempt = NumberAttribute()
    time_limit_seconds = NumberAttribute()
    max_attempts = NumberAttribute(null=True)
    grace_seconds = NumberAttribute()
    prediction_question = UnicodeAttribute()
    prediction_target = UnicodeAttribute()
    bank_version = UnicodeAttribute(null=True)
    question_count = NumberAttribute(default=0)
    prediction_truth = NumberAttribute(null=True)
    score_visibility = UnicodeAttribute(default="immediate")
    published_at = NumberAttribute(null=True)
    prizes = JSONAttribute(null=True)          # [{name, count, category}]
    unit_prizes = JSONAttribute(null=True)     # [{name, count}]
    finalize_failures = NumberAttribute(null=True)
    finalize_restarts = NumberAttribute(null=True)


class OptionMap(MapAttribute):
    id = UnicodeAttribute()
    text = UnicodeAttribute()


class QuestionModel(Model):
    """One question of one version of a round's bank; `bank` is `<round_id>#<version>`."""

    class Meta:
        table_name = "questions"

    bank = UnicodeAttribute(hash_key=True)
    question_id = UnicodeAttribute(range_key=True)
    text = UnicodeAttribute()
    options = ListAttribute(of=OptionMap)
    answer = UnicodeAttribute()


# What finalization reads of an accepted attempt besides the keys, by stored name: under 200 bytes an attempt.
# A stored name counts in every item's size (and every read of it), so the scored figures, written once at the
# submission and read by the millions at finalization, are stored under short names (`attr_name` below).
FINALIZATION_FIELDS = ["participant_id", "unit_id", "category", "cor", "total", "dur", "sub", "pre", "started_at",
                       "flags"]


class ByRoundShardIndex(GlobalSecondaryIndex):
    """Sparse: only accepted attempts carry `round_shard` (`<round_id>#<n>`, n from the participant id, so a
    participant's attempts share a partition); it projects only FINALIZATION_FIELDS."""

    class Meta:
        index_name = "by_round_shard"
        projection = IncludeProjection(FINALIZATION_FIELDS)

    round_shard = UnicodeAttribute(hash_key=True, attr_name="rs")
    attempt_id = UnicodeAttribute(range_key=True)


class AttemptModel(Model):
    """The source of truth for every result, a participant's attempts under their id, numbered over every round.
    Compact: `questions` holds each drawn question's bank index and its options' bank positions in the shown
    order (`12:2031,5:1302`), `answers` the chosen bank position per question (`03-1`, `-` unanswered), so a
    submitted item stays well under 1 KB. Its stream feeds the standings; `first`, `best`, `gain` and
    `contest_first` tell the aggregator what the attempt changes for its participant."""

    class Meta:
        table_name = "attempts"

    participant_id = UnicodeAttribute(hash_key=True)
    number = NumberAttribute(range_key=True)
    attempt_id = UnicodeAttribute()
    round_id = UnicodeAttribute()
    unit_id = UnicodeAttribute()
    category = UnicodeAttribute()
    display_name = UnicodeAttribute()
    started_at = NumberAttribute()
    deadline = NumberAttribute()
    accept_until = NumberAttribute()
    bank_version = UnicodeAttribute()
    questions = UnicodeAttribute()
    total = NumberAttribute()
    status = UnicodeAttribute()
    answers = UnicodeAttribute(null=True)
    correct = NumberAttribute(null=True, attr_name="cor")
    prediction = NumberAttribute(null=True, attr_name="pre")
    duration_ms = NumberAttribute(null=True, attr_name="dur")
    submitted_at = NumberAttribute(null=True, attr_name="sub")
    round_shard = UnicodeAttribute(null=True, attr_name="rs")
    first = BooleanAttribute(null=True)
    best = BooleanAttribute(null=True)
    gain = NumberAttribute(null=True)
    contest_first = UnicodeAttribute(null=True)
    token_version = NumberAttribute(null=True)          # accounts: the submit's condition (store/attempts.py)
    flags = ListAttribute(of=UnicodeAttribute, null=True)   # signals at submission (contest/signals.py)
    device_hash = UnicodeAttribute(null=True)           # keyed hashes, for the shared_device signal
    address_hash = UnicodeAttribute(null=True)

    by_round_shard = ByRoundShardIndex()


class StandingModel(Model):
    """Everything derived from the streams, one table, keys by purpose (see chalicelib/store/standings.py):
    `best#<round>#<participant>` and `device#<round>#<hash>` markers of the counted attempts, `chunk#<token>` the
    commit records of counted chunks, `top#<round>#<category>#<shard>` the live top lists, `tally#<scope>#<slot>`
    counter pages (attributes `<key>|<counter>`, read raw), `person#…` and `done#…` markers, `final#<round>`
    snapshots."""

    class Meta:
        table_name = "standings"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default="-")
    expires_at = TTLAttribute(null=True)
    version = NumberAttribute(null=True)
    data = JSONAttribute(null=True)
    # on markers: the attempt numbers (`best#…`) or participants (`device#…`) whose counts are committed, and
    # those written under chunk `pend`
    done = NumberSetAttribute(null=True)
    pend = UnicodeAttribute(null=True)
    pend_numbers = NumberSetAttribute(null=True)
    users = UnicodeSetAttribute(null=True)
    pend_users = UnicodeSetAttribute(null=True)
    # on chunk items: committed | aborted
    state = UnicodeAttribute(null=True)
    updated_at = NumberAttribute(null=True)


class SettingModel(Model):
    """Settings organizers change at run time, one item per kind (`contest`), as JSON."""

    class Meta:
        table_name = "settings"

    key = UnicodeAttribute(hash_key=True)
    data = JSONAttribute()
    updated_at = NumberAttribute()


class ContentModel(Model):
    """What organizers write for everyone to read: pages (`page`, slug) and announcements (`announcement`, id;
    ids sort by publication time)."""

    class Meta:
        table_name = "content"

    kind = UnicodeAttribute(hash_key=True)
    key = UnicodeAttribute(range_key=True)
    title = UnicodeAttribute()
    body = UnicodeAttribute()
    body_html = UnicodeAttribute()
    at = NumberAttribute()


MODELS: dict[str, type[Model]] = {
    "units": UnitModel,
    "participants": ParticipantModel,
    "guards": GuardModel,
    "organizers": OrganizerModel,
    "rounds": RoundModel,
    "questions": QuestionModel,
    "attempts": AttemptModel,
    "standings": StandingModel,
    "settings": SettingModel,
    "content": ContentModel,
    "audit": AuditModel,
    "exports": ExportModel,
}
