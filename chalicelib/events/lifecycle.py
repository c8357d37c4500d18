"""Round lifecycle (being written)."""


def tick() -> dict:
    return {}


def finalize_due() -> dict:
    return {}
