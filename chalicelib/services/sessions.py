"""A participant's sessions: which token is the account's current one, and ending all of them.

Each participant token carries the account's token version at issue (auth.Principal.version). A reset, a change
of password, a logout (and an organizer's temporary password or disabling the account, on the organizers' side)
move the version on: every earlier token stops working. Paths that read the participant anyway compare the
versions for free; the submission, which reads only the attempt, compares the version copied into the attempt
at its start (store/attempts.submit's condition), which `end_sessions` moves on for the attempt in progress."""
from __future__ import annotations

from chalicelib import auth, errors, runtime
from chalicelib.contest.participants import Participant
from chalicelib.store import attempts as attempt_store
from chalicelib.store import participants as participant_store

TRIES = 4


def current(principal: auth.Principal, consistent: bool = True) -> Participant:
    """The participant a token speaks for, if the token is still the account's current one; 401 otherwise."""
    participant = participant_store.get(principal.subject, consistent=consistent)
    if participant is None or participant.token_version != principal.version:
        raise errors.unauthorized()
    return participant


def token_for(participant: Participant) -> str:
    return auth.issue_token(participant.id, auth.PARTICIPANT, runtime.now_ms(), version=participant.token_version)


def end_sessions(participant_id: str, password_hash: str | None = None, verified: bool = False) -> Participant:
    """Ends every session of the participant: the token version moves on (with the new password hash and
    `verified` when given, in the same write), then the copy of it in the attempt in progress, if any, so that
    no earlier token can submit it. Returns the participant as stored now (issue its new token from it).
    This is what an organizer's temporary password or a disabled account calls too."""
    for _ in range(TRIES):
        participant = participant_store.get(participant_id, consistent=True)
        if participant is None:
            raise errors.unauthorized()
        moved = participant_store.next_version(participant, password_hash, verified)
        if moved is not None:
            break
    else:
        raise errors.Busy()
    # After the version moved: a start written before is in the attempts read here, consistently; one written
    # after reads the participant again and moves its own copy (services/attempts.start).
    now = runtime.now_ms()
    for attempt in attempt_store.of_participant(participant_id):
        if not attempt.is_submitted and now <= attempt.accept_until:
            attempt_store.move_version(attempt, moved.token_version)
    return moved
