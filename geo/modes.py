"""Travel modes of the service-circle map and the Valhalla costing each one uses.

``walk`` — Valhalla ``pedestrian`` costing at 4.5 km/h.
    The community life circle is "15 minutes on foot ≈ 800–1,000 m" (TD/T 1062-2021) with a typical
    walking speed of 4–5 km/h (DOMAIN.md). 4.5 km/h gives 1,125 m of network distance in 15 min, so
    the straight-line reach lands near the 800–1,000 m of the standard. Valhalla's own default is
    5.1 km/h, which would overstate the circle by ~13 %.

``ebike`` — Valhalla ``bicycle`` costing, ``bicycle_type="Hybrid"``, ``cycling_speed=20`` km/h.
    Chinese e-bikes (电动自行车) are limited to a 25 km/h design speed (GB 17761-2018) and are
    non-motor vehicles: riders use non-motorised lanes, cycleways and ordinary urban roads, not
    expressways (DOMAIN.md). That is bicycle access, not moped access, so:

    * ``bicycle`` rather than ``motor_scooter``: motor_scooter follows moped access, which in OSM
      excludes ``highway=cycleway`` and separately mapped non-motorised lanes — exactly the paths
      e-bikes ride on — and would take its speed from the car speed of each road (capped by
      ``top_speed``), which says nothing about an e-bike in a bike lane. Bicycle costing keeps
      expressways out the way OSM maps them in China: ``highway=motorway``, ``motorroad=yes`` and
      ``bicycle=no`` all exclude a road (checked on a synthetic network); a plain
      ``highway=trunk`` without those tags stays open, as it does for cyclists.
    * 20 km/h cruising, not the 25 km/h cap: ``cycling_speed`` is the speed on flat, smooth road;
      Valhalla does not model waiting at signals, so the legal maximum would overstate reach.
    * ``use_roads=0.7``: e-bike riders share ordinary roads readily (more than cyclists do), and a
      low value makes the router take detours that lengthen times; 0.7 still prefers bike lanes.
    * ``use_hills=0.8``: the motor takes hills; without elevation in the tiles this has no effect
      (the product builds tiles without elevation), but it is right if elevation is added later.
    * ``avoid_bad_surfaces=0.25`` (Valhalla's default): e-bikes cope with rough city surfaces.

``car`` — Valhalla ``auto`` costing with ``top_speed=80`` km/h.
    "15 minutes' drive" (官渡区太和街道, DOMAIN.md). Speeds come from OSM ``maxspeed`` where tagged and
    otherwise from Valhalla's per-road-class defaults, adjusted for urban density; there is no live
    or historical traffic, so times are free-flow and optimistic at peak hours. ``top_speed=80``
    is a judgement, not a sourced fact: urban expressways in Chinese cities are mostly signed
    60–80 km/h, and capping keeps intercity motorways (120 km/h) from inflating a drive-time circle.
"""

from __future__ import annotations

from enum import StrEnum
from types import MappingProxyType
from typing import Any


class TravelMode(StrEnum):
    """How a resident reaches a service centre."""

    walk = "walk"
    ebike = "ebike"
    car = "car"

    @property
    def costing(self) -> str:
        """The Valhalla costing model name."""
        return _COSTING[self][0]

    @property
    def costing_options(self) -> dict[str, Any]:
        """A fresh copy of the Valhalla ``costing_options[costing]`` for this mode."""
        return dict(_COSTING[self][1])

    @property
    def speed_kmh(self) -> float | None:
        """The nominal speed we set (walk, e-bike); None for car (speeds come from the roads)."""
        return _NOMINAL_SPEED[self]

    def valhalla_costing(self) -> dict[str, Any]:
        """The ``costing`` and ``costing_options`` members of a Valhalla request."""
        return {"costing": self.costing, "costing_options": {self.costing: self.costing_options}}


WALK_SPEED_KMH = 4.5
EBIKE_SPEED_KMH = 20.0
CAR_TOP_SPEED_KMH = 80

_COSTING = MappingProxyType({
    TravelMode.walk: ("pedestrian", MappingProxyType({"walking_speed": WALK_SPEED_KMH})),
    TravelMode.ebike: ("bicycle", MappingProxyType({
        "bicycle_type": "Hybrid",
        "cycling_speed": EBIKE_SPEED_KMH,
        "use_roads": 0.7,
        "use_hills": 0.8,
        "avoid_bad_surfaces": 0.25,
    })),
    TravelMode.car: ("auto", MappingProxyType({"top_speed": CAR_TOP_SPEED_KMH})),
})

_NOMINAL_SPEED = MappingProxyType({
    TravelMode.walk: WALK_SPEED_KMH,
    TravelMode.ebike: EBIKE_SPEED_KMH,
    TravelMode.car: None,
})
