"""CSV exports of the coverage figures and layers, shared by the API (``?format=csv``) and the report.

UTF-8 with a byte-order mark, so that Excel and WPS open the Chinese names correctly; column names
are stable machine names (the report's HTML tables carry the bilingual headers for people).
"""
import csv
import io
from collections.abc import Iterable

import h3.api.basic_int as h3

DISTRICT_COLUMNS = ["adcode", "name_zh", "district_area_m2", "area_m2", "covered_m2", "covered_pct", "uncovered_m2",
                    "demand_total", "demand_covered", "demand_covered_pct", "centres", "service_centres",
                    "rider_stations", "largest_gap_m2"]
CELL_COLUMNS = ["h3", "lon", "lat", "minutes_to_nearest", "demand"]
GAP_COLUMNS = ["adcode", "name_zh", "rank", "area_m2", "demand", "lon", "lat"]
SUGGESTION_COLUMNS = ["rank", "candidate_id", "lon", "lat", "new_demand", "new_demand_pct_of_uncovered",
                      "new_area_m2", "new_cells"]
PROFILE_COLUMNS = ["day", "hour", "at", "centres", "covered_pct", "demand_covered_pct"]


def table(header: list[str], rows: Iterable[Iterable]) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([("" if value is None else value) for value in row] for row in rows)
    return out.getvalue()


def district_rows(numbers: dict) -> list[dict]:
    return [{**{c: d.get(c) for c in DISTRICT_COLUMNS[:-1]},
             "largest_gap_m2": d["largest_gaps"][0]["area_m2"] if d["largest_gaps"] else 0.0}
            for d in numbers["districts"]]


def districts_csv(numbers: dict) -> str:
    return table(DISTRICT_COLUMNS, ([row[c] for c in DISTRICT_COLUMNS] for row in district_rows(numbers)))


def cells_csv(cells: dict) -> str:
    def row(feature: dict) -> list:
        p = feature["properties"]
        lat, lon = h3.cell_to_latlng(h3.str_to_int(p["h3"]))
        return [p["h3"], round(lon, 6), round(lat, 6), p["minutes"], p["demand"]]
    return table(CELL_COLUMNS, (row(f) for f in cells["features"]))


def gaps_csv(gaps: dict) -> str:
    return table(GAP_COLUMNS, ([f["properties"][c] for c in GAP_COLUMNS[:5]] + f["properties"]["point"]
                               for f in gaps["features"]))


def suggestions_csv(suggestions: dict) -> str:
    return table(SUGGESTION_COLUMNS, ([f["properties"]["rank"], f["properties"]["candidate_id"],
                                       *f["geometry"]["coordinates"]] + [f["properties"][c] for c in
                                                                          SUGGESTION_COLUMNS[4:]]
                                      for f in suggestions["features"]))


def profile_csv(profile: dict) -> str:
    rows = [["week", e["hour"], e["at"], e["centres"], e["covered_pct"], e["demand_covered_pct"]]
            for e in profile["hours"]]
    holiday = profile.get("holiday") or {}
    for day, entries in (("holiday", holiday.get("hours")), ("makeup_workday", holiday.get("makeup_hours"))):
        rows += [[day, e["hour"], e["at"], e["centres"], e["covered_pct"], e["demand_covered_pct"]]
                 for e in entries or []]
    return table(PROFILE_COLUMNS, rows)
