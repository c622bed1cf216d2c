"""Fixed cross-validation folds by registered domain, so that every choice is scored on sites it never saw.

A fold holds whole registered domains (news.cntv.cn and tv.cntv.cn share one), because pages of
one site share templates and a model that saw one of them has half-read the others. The
assignment is computed once and committed: folds that moved with each new page would make
figures from different days incomparable. Domains are placed largest first, each into the fold
where it least unbalances the page counts of every stratum (the source collection), so that
train pages, annotated pages and each source of new pages all spread evenly over the folds.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from boilerplate_ml.extras import require_extra

require_extra("data", "site folds", "tldextract")

import tldextract

RULE = ("registered domain by tldextract (its bundled public suffix list, ICANN section, no fetch); a host "
        "without one (an IP address, an unknown source) is its own key; a page with no host is keyed "
        "'repo:<source repository>'")


@lru_cache(maxsize=1)
def _extractor() -> tldextract.TLDExtract:
    # No suffix list URLs and no cache: the snapshot shipped with the package, offline and the same on every machine.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def registered_domain(host: str) -> str:
    """``news.cntv.cn`` → ``cntv.cn``; ``a.b.com.cn`` → ``b.com.cn``; a host with no public suffix stays as it is."""
    host = host.strip().lower()
    return _extractor()(host).top_domain_under_public_suffix or host


@dataclass(frozen=True)
class FoldPage:
    """A page to place: its id, the host it came from (None if unknown), its source repository and stratum."""

    id: str
    host: str | None
    stratum: str
    repo: str = ""

    def key(self) -> str:
        """The unit kept whole in one fold."""
        if self.host:
            return registered_domain(self.host)
        if self.repo:
            return f"repo:{self.repo}"
        raise ValueError(f"page {self.id}: neither a host nor a source repository to group it by")


def _stable_order(name: str) -> bytes:
    return hashlib.sha256(name.encode()).digest()


def assign_folds(pages: Sequence[FoldPage], folds: int) -> dict[str, int]:
    """Each page's domain key → a fold in ``0..folds-1``, balancing the pages of every stratum."""
    if folds < 2:
        raise ValueError(f"folds must be at least 2, got {folds}")
    ids = Counter(page.id for page in pages)
    duplicates = sorted(page_id for page_id, n in ids.items() if n > 1)
    if duplicates:
        raise ValueError(f"page ids listed more than once: {duplicates[:5]}")
    groups: dict[str, Counter[str]] = {}
    for page in pages:
        groups.setdefault(page.key(), Counter())[page.stratum] += 1
    totals = Counter(page.stratum for page in pages)
    loads = [Counter() for _ in range(folds)]

    def added_cost(load: Counter[str], group: Counter[str]) -> float:
        # Growth of the sum over strata of (stratum share in this fold)²: a fold already heavy in a stratum costs more.
        return sum((2 * load[s] * n + n * n) / totals[s] ** 2 for s, n in group.items())

    assignment = {}
    for key in sorted(groups, key=lambda k: (-sum(groups[k].values()), _stable_order(k))):
        fold = min(range(folds), key=lambda f: (added_cost(loads[f], groups[key]), sum(loads[f].values()), f))
        loads[fold].update(groups[key])
        assignment[key] = fold
    return assignment


@dataclass
class SiteFolds:
    """A committed assignment: domain key → fold, and page id → fold for the pages it was built from."""

    folds: int
    domains: dict[str, int]
    pages: dict[str, int]

    @classmethod
    def build(cls, pages: Sequence[FoldPage], folds: int) -> SiteFolds:
        domains = assign_folds(pages, folds)
        return cls(folds, dict(sorted(domains.items())), {page.id: domains[page.key()] for page in sorted(pages, key=lambda p: p.id)})

    def fold_of(self, page_id: str, host: str | None) -> int:
        """The fold of a page: by its id if the assignment lists it, else by its host's domain."""
        if page_id in self.pages:
            return self.pages[page_id]
        key = registered_domain(host) if host else None
        if key not in self.domains:
            raise ValueError(f"page {page_id} (host {host!r}) is in no fold: neither its id nor its domain {key!r} is assigned")
        return self.domains[key]

    def summary(self, pages: Sequence[FoldPage]) -> list[dict]:
        """Per fold: domains and pages per stratum (written beside the assignment, for the reader)."""
        strata = sorted({page.stratum for page in pages})
        per_fold = [Counter() for _ in range(self.folds)]
        for page in pages:
            per_fold[self.pages[page.id]][page.stratum] += 1
        domain_counts = Counter(self.domains.values())
        return [{"fold": f, "domains": domain_counts[f], "pages": {s: per_fold[f][s] for s in strata}} for f in range(self.folds)]

    def save(self, path: str | Path, pages: Sequence[FoldPage]) -> None:
        record = {"rule": RULE, "folds": self.folds, "summary": self.summary(pages), "domains": self.domains, "pages": self.pages}
        Path(path).write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> SiteFolds:
        record = json.loads(Path(path).read_text(encoding="utf-8"))
        try:
            return cls(record["folds"], record["domains"], record["pages"])
        except (KeyError, TypeError) as error:
            raise ValueError(f"{path}: not a site-folds file (needs folds, domains, pages): {error}") from None
