"""servicemap web service: catalogue API, map pages and command line."""
