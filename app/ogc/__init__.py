"""OGC API – Features: the catalogue, districts and coverage for desktop GIS (QGIS, ArcGIS Pro)."""
