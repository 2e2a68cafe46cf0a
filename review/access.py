"""Who may write what: the review's access rules, above any transport (HTTP, CLI, pages).

- Everyone writes only their own entries: an entry's author must be the
  reviewer whose key made the request (an admin too; there is no writing on
  someone's behalf).
- Only admins add or revoke reviewers and resolve by consensus.
- A consensus needs the entries it resolves: at least
  :data:`~review.models.REQUIRED_REVIEWERS` reviewers submitted in the group,
  and the resolution names reviewers who did.

Breaking the first two raises :class:`~facekg.errors.Forbidden` (HTTP 403),
the third :class:`~facekg.errors.Conflict` (409) with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable

from facekg.errors import Conflict, Forbidden
from review.blind import group_complete
from review.models import REQUIRED_REVIEWERS, Resolution, Reviewer


def require_author(actor: Reviewer, author: str | None) -> None:
    """The actor may write an entry authored by ``author`` only if it is the actor."""
    if author != actor.id:
        raise Forbidden(f"reviewer {actor.id!r} cannot write an entry as {author or 'consensus'!r}")


def require_admin(actor: Reviewer, action: str) -> None:
    """Only admins may ``action`` (e.g. "resolve by consensus", "add a reviewer")."""
    if not actor.is_admin:
        raise Forbidden(f"only an admin may {action}; {actor.id!r} is a reviewer")


def require_consensus_ready(actor: Reviewer, resolution: Resolution, submitted_by: Iterable[str], group: str,
                            required: int = REQUIRED_REVIEWERS) -> None:
    """An admin resolving ``group`` once enough reviewers submitted, naming reviewers who did."""
    require_admin(actor, "resolve by consensus")
    if resolution.resolver != actor.id:
        raise Forbidden(f"the resolver must be the admin making the request ({actor.id!r})")
    submitted = set(submitted_by)
    if not group_complete(submitted, required):
        raise Conflict(f"{group}: consensus needs {required} independent entries; "
                       f"{len(submitted)} submitted ({', '.join(sorted(submitted)) or 'none'})")
    missing = [reviewer for reviewer in resolution.reviewers if reviewer not in submitted]
    if missing:
        raise Conflict(f"{group}: no submitted entry by {', '.join(missing)} to resolve")
