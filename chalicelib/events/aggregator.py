"""Stream aggregation (being written)."""


def handle_attempts(event: dict) -> dict:
    return {"batchItemFailures": []}


def handle_registrations(event: dict) -> dict:
    return {"batchItemFailures": []}
