"""Geocoding a directory that lists addresses only: Amap, Baidu and Tianditu behind one interface
(providers.py), asked at their rate with retries (client.py), answers kept in the database (cache.py),
rows placed or left unplaced before the import (service.py), and the command's progress and report
(cli.py). Reading each provider's answer is plain data in geo/geocoders.py."""
