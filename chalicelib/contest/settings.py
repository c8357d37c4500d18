"""The contest's own settings: what organizers change from the admin pages (the environment gives only the
defaults of a fresh stack)."""
from __future__ import annotations

from chalicelib.contest.records import Struct, field
from chalicelib.contest.units import Targets

PHONE_VERIFICATION = ("off", "required")
PUBLICATION = ("automatic", "review")


DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


class ContestSettings(Struct, frozen=True):
    name: str
    description: str
    timezone: str = DEFAULT_TIMEZONE
    contact: str = ""
    targets: Targets = field(default_factory=Targets)
    phone_verification: str = "off"         # required: registration needs an SMS code for the phone
    publication: str = "automatic"          # review: results go public only when an organizer publishes them
    min_seconds_per_question: int = 2       # below this an attempt is flagged too_fast
    max_accounts_per_device: int = 3        # above this a device or address is flagged shared_device
