"""Labor categories mapped to SOC codes, OPM series, the OASIS crosswalk and GSA CALC rates, from code
tables ingested into a collection (`rfp ingest ../shared/data/codes -c codes`).

For each category the retriever is asked with code look-up on (its exact title tier finds rows whose
title column equals a phrase of the query; meaning and words rank the rest), restricted to code
tables. Rows are told apart by their columns: BLS SOC direct-match titles and definitions, OPM
FedScope series, the GSA OASIS crosswalk, GSA CALC price lists.

Rates come from `rates.py`. A category is flagged when no SOC row matches its title or
means nearly the same, when the OPM series is only a distant match, or when no CALC row carries its
title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.embedding import Embedder
from core.identifiers import normalize_title
from core.retrieval import Filters, Hit, Retriever
from core.store import Match, MatchAny, Store, Where, scroll_all
from proposal.lcat import LaborCategory, alternatives
from proposal.rates import CalcRates, RateRange, rate_names
from proposal.tables import LIVE, field_value, table_of

SOC_CODE = re.compile(r"\b(\d{2}-\d{4})\b")
GOOD_SIMILARITY = 0.7  # title similarity above which a SOC title means nearly the same as the category
OPM_SCORE = 0.4
TEAM_BONUS = 0.1  # for a SOC occupation in the same group as the solicitation's surely matched roles
OASIS_SIMILARITY = 0.75


@dataclass
class CodeMatch:
    code: str
    title: str
    score: float
    similarity: float
    exact: bool  # found by the exact title tier
    via: str  # the row's title that matched (a direct-match title, an OASIS industry title)
    path: str

    def label(self) -> str:
        return f"{self.code} {self.title}".strip()


@dataclass
class LcatMapping:
    category: LaborCategory
    soc: CodeMatch | None = None
    soc_others: list[CodeMatch] = field(default_factory=list)
    opm: CodeMatch | None = None
    oasis: CodeMatch | None = None
    rates: RateRange | None = None
    flags: list[str] = field(default_factory=list)
    _ranking: tuple = field(default=(), repr=False)  # (names, context vector, SOC candidates) for a re-rank

    def to_json(self) -> dict:
        def code(c: CodeMatch | None) -> dict | None:
            return (
                None
                if c is None
                else {
                    "code": c.code,
                    "title": c.title,
                    "via": c.via,
                    "exact": c.exact,
                    "similarity": round(c.similarity, 3),
                    "path": c.path,
                }
            )

        return {
            "category": self.category.title,
            "source": self.category.source,
            "page": self.category.page,
            "section": self.category.section,
            "soc": code(self.soc),
            "soc_others": [code(c) for c in self.soc_others],
            "opm": code(self.opm),
            "oasis": code(self.oasis),
            "rates": None
            if self.rates is None
            else {
                "n": self.rates.n,
                "min": self.rates.low,
                "median": self.rates.median,
                "max": self.rates.high,
                "titles": self.rates.titles,
            },
            "flags": self.flags,
        }


class LcatMapper:
    """Maps labor categories with the retriever (exact title tier, meaning, words) and re-ranks the
    candidate codes by how close their titles are to the category's names (title similarity) and to
    what the solicitation says the role does (context similarity)."""

    def __init__(self, retriever: Retriever, store: Store, embedder: Embedder, k: int = 30):
        self.retriever = retriever
        self.store = store
        self.embedder = embedder
        self.rates = CalcRates(store)
        self.k = k

    def map(self, categories: list[LaborCategory], collections: list[str]) -> list[LcatMapping]:
        """Each category mapped on its own, then the unsure ones again with the SOC occupations of the
        groups the sure ones fell in as candidates too, and a small preference for them (the roles of
        one solicitation tend to be one kind of work: a "Front-End Engineer" next to a "Software
        Tester" is a computer occupation, not a civil engineer)."""
        collections = [c for c in collections if self.store.has_collection(c)]
        tables = self._tables(collections)
        mappings = [self.map_one(c, collections, tables) for c in categories]
        groups = {m.soc.code[:4] for m in mappings if m.soc and self._sure(m.soc)}
        siblings = self._detailed_in(groups, tables) if groups else []
        for m in mappings:
            if m.soc is None or self._sure(m.soc) or not siblings:
                continue
            names, vector, candidates = m._ranking
            socs = self._rank(candidates + siblings, names, vector, groups)
            m.soc, m.soc_others = socs[0], socs[1:3]
            m.flags = [f for f in m.flags if "SOC" not in f]
            if not self._sure(m.soc):
                m.flags.insert(
                    0, f"no close SOC title (nearest: {m.soc.code}, {m.soc.similarity:.2f}); check by hand"
                )
        return mappings

    @staticmethod
    def _sure(match: CodeMatch) -> bool:
        return match.exact or match.similarity >= GOOD_SIMILARITY

    def _detailed_in(self, groups: set[str], tables: dict[str, tuple[str, str]]) -> list[CodeMatch]:
        """Every detailed SOC occupation of the given minor groups ("15-12"), from the definitions table."""
        if "soc_definition" not in tables:
            return []
        collection, path = tables["soc_definition"]
        out = []
        for hit in scroll_all(self.store, collection, Where.of(LIVE, Match("path", path))):
            fields = hit.chunk.fields or {}
            code = field_value(fields, r"soc code")
            if field_value(fields, r"soc group") == "Detailed" and code[:4] in groups:
                title = field_value(fields, r"soc title")
                out.append(CodeMatch(code, title, 0.0, 0.0, False, title, path))
        return out

    def _tables(self, collections: list[str]) -> dict[str, tuple[str, str]]:
        """table kind -> (collection, path) of one ingested file of that kind, from a sample of rows."""
        found: dict[str, tuple[str, str]] = {}
        for collection in collections:
            paths = {}
            for hit in scroll_all(self.store, collection, Where.of(LIVE, MatchAny("doc_kind", ("codes",)))):
                chunk = hit.chunk
                if chunk.path not in paths:
                    paths[chunk.path] = table_of(chunk.fields or {})
            for path, table in paths.items():
                if table:
                    found.setdefault(table, (collection, path))
        return found

    def _search(self, query: str, collections: list[str]) -> list[Hit]:
        return self.retriever.search(
            query, collections, k=self.k, filters=Filters(doc_kinds=("codes",)), code_lookup=True
        ).hits

    def _dense_in(self, table: str, tables: dict[str, tuple[str, str]], vector, limit: int = 15) -> list[Hit]:
        """Rows of one code table nearest in meaning to a description (SOC definitions, OPM series)."""
        if table not in tables:
            return []
        collection, path = tables[table]
        stored = self.store.search_dense(collection, vector, Where.of(LIVE, Match("path", path)), limit)
        return [Hit(h.id, collection, h.score, h.chunk, dense=h.score, matched=["context"]) for h in stored]

    def map_one(
        self,
        category: LaborCategory,
        collections: list[str],
        tables: dict[str, tuple[str, str]] | None = None,
    ) -> LcatMapping:
        tables = tables if tables is not None else self._tables(collections)
        names = alternatives(category.title)[:3]
        described = f"{category.title}: {category.context}" if category.context else category.title
        context_vector = self.embedder.embed_query(described)
        hits: dict[str, Hit] = {}
        for query in [*names, described]:
            for hit in self._search(query, collections):
                if hit.id not in hits or hit.score > hits[hit.id].score:
                    hits[hit.id] = hit
        for table in ("soc_definition", "opm"):
            for hit in self._dense_in(table, tables, context_vector):
                hits.setdefault(hit.id, hit)
        mapping = LcatMapping(category)
        candidates = self._soc_candidates(list(hits.values()))
        mapping._ranking = (names, context_vector, candidates)
        socs = self._rank(candidates, names, context_vector)
        if socs:
            mapping.soc, mapping.soc_others = socs[0], socs[1:3]
            if not mapping.soc.exact and mapping.soc.similarity < GOOD_SIMILARITY:
                mapping.flags.append(
                    f"no close SOC title (nearest: {mapping.soc.code}, "
                    f"{mapping.soc.similarity:.2f}); check by hand"
                )
        else:
            mapping.flags.append("no SOC row found (are the SOC tables ingested?)")
        opms = self._rank(self._opm_candidates(list(hits.values())), names, context_vector)
        if opms:
            mapping.opm = opms[0]
            if not mapping.opm.exact and mapping.opm.score < OPM_SCORE:
                mapping.flags.append(f"weak OPM series match ({mapping.opm.label()})")
        else:
            mapping.flags.append("no OPM series row found (is the OPM DTocc table ingested?)")
        mapping.oasis = self._oasis(list(hits.values()), names)
        mapping.rates = self.rates.range(rate_names(names), collections, hits.values())
        if mapping.rates is None:
            mapping.flags.append("no GSA CALC rows carry this title")
        return mapping

    # --- candidates -------------------------------------------------------------------------------------
    @staticmethod
    def _soc_candidates(hits: list[Hit]) -> list[CodeMatch]:
        out = []
        for hit in hits:
            fields = hit.fields
            table = table_of(fields)
            if table == "soc_direct":
                code, title = field_value(fields, r"soc code"), field_value(fields, r"2018 soc title")
                via = field_value(fields, r"direct match title")
            elif table == "soc_definition" and field_value(fields, r"soc group") in ("", "Detailed"):
                code, title = field_value(fields, r"soc code"), field_value(fields, r"soc title")
                via = title
            else:
                continue
            if SOC_CODE.fullmatch(code):
                out.append(CodeMatch(code, title, hit.score, 0.0, "titles" in hit.matched, via, hit.path))
        return out

    @staticmethod
    def _opm_candidates(hits: list[Hit]) -> list[CodeMatch]:
        out = []
        for hit in hits:
            fields = hit.fields
            if table_of(fields) == "opm":
                title = re.sub(r"^\d{4}-", "", field_value(fields, r"^OCCT$")).title()
                out.append(
                    CodeMatch(
                        field_value(fields, r"^OCC$"),
                        title,
                        hit.score,
                        0.0,
                        "titles" in hit.matched,
                        title,
                        hit.path,
                    )
                )
        return out

    def _rank(
        self, candidates: list[CodeMatch], names: list[str], context_vector, groups: set[str] | None = None
    ) -> list[CodeMatch]:
        """One match per code, best first: 0.4 x title similarity (the category's names against the
        code's title and the row title that matched) + 0.6 x context similarity (what the role does
        against the code's title); a row whose title is the category's title ranks first."""
        if not candidates:
            return []
        texts = list(dict.fromkeys([c.title for c in candidates] + [c.via for c in candidates]))
        vectors = dict(zip(texts, self.embedder.embed(texts), strict=True))
        name_vectors = self.embedder.embed(names)
        wanted = {normalize_title(n) for n in names}
        best: dict[str, CodeMatch] = {}
        for c in candidates:
            title_sim = max(float((name_vectors @ vectors[t]).max()) for t in (c.title, c.via))
            context_sim = float(vectors[c.title] @ context_vector)
            exact = c.exact and normalize_title(c.via) in wanted
            score = 0.4 * title_sim + 0.6 * context_sim + (0.5 if exact else 0.0)
            if groups and c.code[:4] in groups:
                score += TEAM_BONUS
            match = CodeMatch(c.code, c.title, score, title_sim, exact, c.via, c.path)
            if c.code not in best or match.score > best[c.code].score:
                best[c.code] = match
        return sorted(best.values(), key=lambda m: -m.score)

    def _oasis(self, hits: list[Hit], names: list[str]) -> CodeMatch | None:
        rows = [h for h in hits if table_of(h.fields) == "oasis"]
        if not rows:
            return None
        titles = [field_value(h.fields, r"familiar|traditional") for h in rows]
        sims = (self.embedder.embed(titles) @ self.embedder.embed(names).T).max(axis=1)
        i = int(sims.argmax())
        if sims[i] < OASIS_SIMILARITY:
            return None
        fields = rows[i].fields
        return CodeMatch(
            field_value(fields, r"oasis lcat"),
            field_value(fields, r"omb soc"),
            float(sims[i]),
            float(sims[i]),
            "titles" in rows[i].matched,
            titles[i],
            rows[i].path,
        )
