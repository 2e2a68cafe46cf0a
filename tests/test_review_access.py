"""Access rules: own entries only, admins resolve, consensus only once both entries exist."""

from __future__ import annotations

import pytest

from facekg.errors import Conflict, Forbidden
from review.access import require_admin, require_author, require_consensus_ready
from review.models import Reviewer
from tests.review_data import resolution

REVIEWER = Reviewer(id="AB", name="A B", key_id="k1", key_hash="h")
ADMIN = Reviewer(id="ADMIN", name="Admin", role="admin", key_id="k2", key_hash="h")


def test_access_a_reviewer_writes_only_as_themselves() -> None:
    require_author(REVIEWER, "AB")
    with pytest.raises(Forbidden, match="as 'CD'"):
        require_author(REVIEWER, "CD")
    with pytest.raises(Forbidden):
        require_author(ADMIN, "AB")


def test_access_only_admins_resolve_or_manage_reviewers() -> None:
    require_admin(ADMIN, "add a reviewer")
    with pytest.raises(Forbidden, match="only an admin may resolve"):
        require_consensus_ready(REVIEWER, resolution(resolver="AB"), ["AB", "CD"], "s/title-abstract")


def test_access_consensus_before_both_entries_is_a_conflict_naming_the_reason() -> None:
    with pytest.raises(Conflict, match="needs 2 independent entries; 1 submitted \\(AB\\)"):
        require_consensus_ready(ADMIN, resolution(), ["AB"], "s/title-abstract")
    with pytest.raises(Conflict, match="no submitted entry by CD"):
        require_consensus_ready(ADMIN, resolution(reviewers=("AB", "CD")), ["AB", "EF"], "s/title-abstract")
    require_consensus_ready(ADMIN, resolution(), ["AB", "CD"], "s/title-abstract")
