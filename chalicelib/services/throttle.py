"""The throttles of RULES.md, Accounts and verification: password tries per login and per client address,
SMS codes per phone and per client address. A try is counted before the slow work it guards (the password
check, the SMS), atomically: the tallies are read, the rules decide (contest/throttle.py), and the new tallies
are written only if nobody wrote them in between; else they are read again. Parallel tries therefore count one
by one, and only the tries the rules allow ever reach scrypt."""
from __future__ import annotations

from chalicelib import auth, config, errors, runtime
from chalicelib.clients import Client
from chalicelib.contest.throttle import Backoff, Rule, Window
from chalicelib.observability import metrics_count
from chalicelib.store import guards as guard_store

ROUNDS = 8      # reads and writes before giving up on a tally others keep changing (then: try again in 1 s)


def reserve(limits: list[tuple[str, Rule]], refusal: errors.TooMany) -> None:
    """Counts one try under every key, or raises `refusal` (with the longest wait as Retry-After)."""
    now = runtime.now_ms()
    keep = {key: rule.keep_s for key, rule in limits}
    for _ in range(ROUNDS):
        stored = guard_store.read([key for key, _ in limits])
        wait = max(rule.wait_s(stored[key].tally, now) for key, rule in limits)
        if wait > 0:
            refusal.retry_after = wait
            raise refusal
        changes = [(key, stored[key], rule.counted(stored[key].tally, now)) for key, rule in limits]
        if guard_store.write(changes, now, keep):
            return
    refusal.retry_after = 1
    raise refusal


# --- password tries


def login_rule() -> Backoff:
    env = config.current()
    return Backoff(env.login_max_failures, env.login_delay_seconds, env.login_max_delay_seconds,
                   env.login_forget_seconds)


def address_rule() -> Backoff:
    env = config.current()
    return Backoff(env.login_address_max_failures, env.login_delay_seconds, env.login_max_delay_seconds,
                   env.login_forget_seconds)


def login_key(login: str) -> str:
    """A participant's normalised phone, or `admin:<username>` (no phone can take that form)."""
    return f"login#{login}"


def _address_key(client: Client) -> str | None:
    return None if client.address is None else f"login#ip:{auth.keyed_hash('address', client.address)}"


def too_many_attempts() -> errors.TooMany:
    return errors.TooMany("too_many_attempts", "Bạn đã nhập sai quá nhiều lần. Vui lòng thử lại sau ít phút, "
                                               "hoặc đăng nhập bằng mã gửi qua tin nhắn.")


def check_password(login: str, client: Client, password: str, stored_hash: str | None) -> bool:
    """Verifies a password behind the throttle: the try is counted for the login and the client's address
    first (429 `too_many_attempts` with Retry-After when either must wait); a success clears the login's
    failures and gives the address its try back."""
    address = _address_key(client)
    limits: list[tuple[str, Rule]] = [(login_key(login), login_rule())]
    if address is not None:
        limits.append((address, address_rule()))
    try:
        reserve(limits, too_many_attempts())
    except errors.TooMany:
        metrics_count("LoginsThrottled")
        raise
    if not auth.verify_password(password, stored_hash):
        return False
    forgive(login)
    if address is not None:
        guard_store.uncount(address)
    return True


def forgive(login: str) -> None:
    """The login's failures forgotten (a right password, a code login, a reset)."""
    guard_store.clear(login_key(login))


# --- SMS codes


def reserve_sms(phone: str, client: Client) -> None:
    env = config.current()
    limits: list[tuple[str, Rule]] = [(f"sms#{phone}", Window(env.sms_per_phone, env.sms_phone_window_seconds))]
    if client.address is not None:
        limits.append((f"sms#ip:{auth.keyed_hash('address', client.address)}",
                       Window(env.sms_per_address_per_day, 24 * 3600)))
    reserve(limits, errors.TooMany("too_many_codes", "Bạn đã yêu cầu quá nhiều mã. Vui lòng thử lại sau."))
