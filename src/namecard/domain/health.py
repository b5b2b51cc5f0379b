"""What degrades the service: a problem is a short code, a public sentence and private detail."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ProblemCode(StrEnum):
    CONTACT_STORE_STARTING = "contact_store_starting"
    CONTACT_STORE_CONFIG = "contact_store_config"
    CONTACT_STORE_UNREACHABLE = "contact_store_unreachable"
    REDIS_UNREACHABLE = "redis_unreachable"
    REDIS_AUTH = "redis_auth"
    LINE_AUTH = "line_auth"


# One fixed sentence per code: public /health can never carry an upstream URL or error text.
SENTENCES = {
    ProblemCode.CONTACT_STORE_STARTING: "The contact store is starting; photos are queued "
    "meanwhile.",
    ProblemCode.CONTACT_STORE_CONFIG: "The contact store refused our configuration: check "
    "NOTION_API_KEY and NOTION_DATABASE_ID (the reason is in /stats).",
    ProblemCode.CONTACT_STORE_UNREACHABLE: "The contact store does not answer; retrying, photos "
    "are queued meanwhile.",
    ProblemCode.REDIS_UNREACHABLE: "Redis does not answer; photos are held in this process "
    "until it returns.",
    ProblemCode.REDIS_AUTH: "Redis refused our credentials or database: check REDIS_URL; photos "
    "are held in this process meanwhile.",
    ProblemCode.LINE_AUTH: "LINE refused the channel access token (401/403): check "
    "LINE_CHANNEL_ACCESS_TOKEN; users get no answers until a call to LINE succeeds.",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """`detail` (error text, hosts, counts) is for the operator endpoints only."""

    code: ProblemCode
    detail: str = ""

    @property
    def sentence(self) -> str:
        return SENTENCES[self.code]

    def public(self) -> dict[str, str]:
        return {"code": self.code, "sentence": self.sentence}

    def private(self) -> dict[str, str]:
        return {**self.public(), "detail": self.detail}


def sorted_problems(found: tuple[Problem | None, ...]) -> list[Problem]:
    """The distinct problems, in code order (one per code: the first found wins)."""
    by_code: dict[ProblemCode, Problem] = {}
    for problem in found:
        if problem is not None:
            by_code.setdefault(problem.code, problem)
    return [by_code[code] for code in sorted(by_code)]
