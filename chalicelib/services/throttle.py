"""The throttles of RULES.md, Accounts and verification: password tries per login and per client address,
SMS codes per phone and per client address. A try is counted before the slow work it guards (the password
check, the SMS), atomically. Per login and per phone the tallies are read, the rules decide
(contest/throttle.py), and the new tally is written only if nobody wrote it in between (else it is read again):
parallel tries count one by one, and only the tries the rules allow ever reach scrypt. Per client address,
where many people share one address behind a carrier's NAT, the count is an atomic add to a key per period,
which no number of parallel requests makes contend."""
from __future__ import annotations

from chalicelib import auth, config, errors, runtime
from chalicelib.clients import Client
from chalicelib.contest.throttle import Backoff, Bucket, Rule, Window
from chalicelib.observability import metrics_count
from chalicelib.store import guards as guard_store

ROUNDS = 8      # reads and writes before giving up on a tally others keep changing (then: try again in 1 s)
HOUR = 3600


def reserve(key: str, rule: Rule, refusal: errors.TooMany) -> None:
    """Counts one try under `key`, or raises `refusal` (with the wait as Retry-After)."""
    now = runtime.now_ms()
    for _ in range(ROUNDS):
        stored = guard_store.read([key])[key]
        wait = rule.wait_s(stored.tally, now)
        if wait > 0:
            refusal.retry_after = wait
            raise refusal
        if guard_store.write([(key, stored, rule.counted(stored.tally, now))], now, {key: rule.keep_s}):
            return
    refusal.retry_after = 1
    raise refusal


def count_address(prefix: str, client: Client, rule: Bucket, refusal: errors.TooMany) -> str | None:
    """Counts one try for the client's address in the current period (the key, or None without an address);
    raises `refusal` once the period's limit is passed."""
    if client.address is None:
        return None
    now = runtime.now_ms()
    key = f"{prefix}#ip:{auth.keyed_hash('address', client.address)}#{rule.period(now)}"
    wait = rule.wait_s(guard_store.count_up(key, rule.period(now) + rule.seconds * 1000), now)
    if wait > 0:
        guard_store.count_down(key)     # a refused try changes nothing
        refusal.retry_after = wait
        raise refusal
    return key


# --- password tries


def login_rule() -> Backoff:
    env = config.current()
    return Backoff(env.login_max_failures, env.login_delay_seconds, env.login_max_delay_seconds,
                   env.login_forget_seconds)


def login_key(login: str) -> str:
    """A participant's normalised phone, or `admin:<username>` (no phone can take that form)."""
    return f"login#{login}"


def too_many_attempts() -> errors.TooMany:
    return errors.TooMany("too_many_attempts", "Bạn đã nhập sai quá nhiều lần. Vui lòng thử lại sau ít phút, "
                                               "hoặc đăng nhập bằng mã gửi qua tin nhắn.")


def check_password(login: str, client: Client, password: str, stored_hash: str | None) -> bool:
    """Verifies a password behind the throttle: the try is counted for the login (5, then growing waits) and
    for the client's address (at most LOGIN_ADDRESS_MAX_FAILURES an hour) first, 429 `too_many_attempts` with
    Retry-After when either says wait; a success clears the login's failures and gives the address its try
    back."""
    env = config.current()
    try:
        address = count_address("login", client, Bucket(env.login_address_max_failures, HOUR), too_many_attempts())
        try:
            reserve(login_key(login), login_rule(), too_many_attempts())
        except errors.TooMany:
            if address is not None:
                guard_store.count_down(address)     # a refused try changes nothing
            raise
    except errors.TooMany:
        metrics_count("LoginsThrottled")
        raise
    if not auth.verify_password(password, stored_hash):
        return False
    forgive(login)
    if address is not None:
        guard_store.count_down(address)
    return True


def forgive(login: str) -> None:
    """The login's failures forgotten (a right password, a code login, a reset)."""
    guard_store.clear(login_key(login))


# --- SMS codes


def reserve_sms(phone: str, client: Client) -> None:
    env = config.current()
    refusal = errors.TooMany("too_many_codes", "Bạn đã yêu cầu quá nhiều mã. Vui lòng thử lại sau.")
    address = count_address("sms", client, Bucket(env.sms_per_address_per_day, 24 * HOUR), refusal)
    try:
        reserve(f"sms#{phone}", Window(env.sms_per_phone, env.sms_phone_window_seconds), refusal)
    except errors.TooMany:
        if address is not None:
            guard_store.count_down(address)         # a refused request changes nothing
        raise
