"""Where new stations help most: the maximal covering location problem with fixed facilities.

Existing centres are fixed: the demand they already cover (cells whose centre lies inside their
isochrones) is taken out first, so only uncovered demand counts. Among the candidate sites, choose
at most ``k`` that cover the most remaining demand (Church & ReVelle's MCLP):

    maximise   Σ_i w_i · y_i
    subject to y_i ≤ Σ_{j covers i} x_j      (a cell counts only if a chosen site covers it)
               Σ_j x_j ≤ k,  x_j ∈ {0, 1},  0 ≤ y_i ≤ 1

solved exactly with HiGHS through pulp (y needs no integrality: at the optimum it is min(1, Σ x)).
The chosen sites are then ranked greedily: first the one adding the most demand, then the one
adding the most on top of it, and so on, so "newly covered demand" of each suggestion is its
marginal gain in that order and the numbers add up to the optimum.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulp
import shapely
from shapely.geometry import Polygon

from geo.coverage import Area

MAX_K = 50


@dataclass(frozen=True)
class Candidate:
    id: str
    lon: float
    lat: float
    cells: frozenset[int]  # cells whose centre its isochrone contains
    contour: Area = Polygon()  # its isochrone in the metric CRS, for the newly covered area


@dataclass(frozen=True)
class Suggestion:
    rank: int
    candidate: Candidate
    new_demand: float
    new_area_m2: float
    new_cells: int


@dataclass(frozen=True)
class SitingResult:
    suggestions: list[Suggestion]
    uncovered_demand: float  # before any suggestion
    optimal: bool


def suggest_sites(candidates: Sequence[Candidate], demand: Mapping[int, float], *, covered: set[int], k: int,
                  covered_area: Area = Polygon(), time_limit_s: float = 60.0) -> SitingResult:
    """The best ≤ k candidates for the demand outside ``covered`` (see the module docstring).

    Candidates adding nothing are never suggested, so fewer than ``k`` may come back.
    """
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise ValueError(f"k must be a whole number 1–{MAX_K}, not {k!r}")
    open_demand = {c: w for c, w in demand.items() if w > 0 and c not in covered}
    useful = [(c, frozenset(c.cells) & open_demand.keys()) for c in candidates]
    useful = [(c, cells) for c, cells in useful if cells]
    total = float(sum(open_demand.values()))
    if not useful:
        return SitingResult([], total, True)
    chosen, optimal = _solve(useful, open_demand, k, time_limit_s)
    return SitingResult(_rank(chosen, open_demand, covered_area), total, optimal)


def _solve(useful: list[tuple[Candidate, frozenset[int]]], demand: Mapping[int, float], k: int,
           time_limit_s: float) -> tuple[list[tuple[Candidate, frozenset[int]]], bool]:
    problem = pulp.LpProblem("maximal_covering", pulp.LpMaximize)
    x = [problem.add_variable(f"x{j}", cat="Binary") for j in range(len(useful))]
    covering: dict[int, list[int]] = {}
    for j, (_, cells) in enumerate(useful):
        for cell in cells:
            covering.setdefault(cell, []).append(j)
    y = {cell: problem.add_variable(f"y{n}", lowBound=0, upBound=1) for n, cell in enumerate(covering)}
    problem += pulp.lpSum(demand[cell] * var for cell, var in y.items())
    for cell, var in y.items():
        problem += var <= pulp.lpSum(x[j] for j in covering[cell])
    problem += pulp.lpSum(x) <= k
    stats = problem.solve(pulp.HiGHS(msg=False, timeLimit=time_limit_s))
    picked = [useful[j] for j, var in enumerate(x) if (var.value() or 0) > 0.5]
    return picked, stats.status == pulp.LpSolveStatus.Optimal


def _rank(chosen: list[tuple[Candidate, frozenset[int]]], demand: Mapping[int, float],
          covered_area: Area) -> list[Suggestion]:
    remaining, taken, area_so_far = list(chosen), set(), covered_area
    out: list[Suggestion] = []
    while remaining:
        gains = [sum(demand[c] for c in cells - taken) for _, cells in remaining]
        best = max(range(len(remaining)), key=lambda n: (gains[n], remaining[n][0].id))
        if gains[best] <= 0:
            break
        candidate, cells = remaining.pop(best)
        new_area = _new_area(candidate.contour, area_so_far)
        area_so_far = shapely.union(area_so_far, candidate.contour) if not candidate.contour.is_empty else area_so_far
        out.append(Suggestion(len(out) + 1, candidate, gains[best], new_area, len(cells - taken)))
        taken |= cells
    return out


def _new_area(contour: Area, covered: Area) -> float:
    if contour.is_empty:
        return 0.0
    return contour.area if covered.is_empty else shapely.difference(contour, covered).area
