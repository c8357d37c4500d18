"""Drawing an attempt's questions, checking a submission and scoring it. Randomness is passed in."""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Mapping, Sequence


@dataclass(frozen=True)
class BankQuestion:
    id: str
    text: str
    options: tuple[tuple[str, str], ...]   # (option id, text) in the bank's order
    answer: str                             # the correct option id; never leaves the server


@dataclass(frozen=True)
class DrawnQuestion:
    id: str
    option_ids: tuple[str, ...]             # the order this attempt shows them in


def draw(bank: Sequence[BankQuestion], count: int, rng: random.Random) -> list[DrawnQuestion]:
    """`count` distinct questions at random (all of them if the bank is smaller), each with shuffled options."""
    chosen = rng.sample(list(bank), min(count, len(bank)))
    drawn = []
    for question in chosen:
        option_ids = [option_id for option_id, _ in question.options]
        rng.shuffle(option_ids)
        drawn.append(DrawnQuestion(question.id, tuple(option_ids)))
    return drawn


def answer_errors(drawn: Sequence[DrawnQuestion], answers: Mapping[str, object]) -> dict[str, str]:
    """Field errors for answers naming questions or options outside this attempt."""
    options_of = {q.id: set(q.option_ids) for q in drawn}
    errors = {}
    for question_id, option_id in answers.items():
        field = f"answers.{question_id}"[:120]
        if question_id not in options_of:
            errors[field] = "Câu hỏi không thuộc lượt thi này."
        elif not isinstance(option_id, str) or option_id not in options_of[question_id]:
            errors[field] = "Phương án không thuộc câu hỏi này."
    return errors


def score(drawn: Sequence[DrawnQuestion], answers: Mapping[str, str], key: Mapping[str, str]) -> int:
    """Number of questions answered with the correct option; unanswered counts as wrong."""
    return sum(1 for q in drawn if answers.get(q.id) is not None and answers.get(q.id) == key.get(q.id))
