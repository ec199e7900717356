"""Pure geospatial and time core: Chinese coordinate systems, opening hours, fixed vocabulary.

Plain data in, plain data out; nothing here knows about the web layer or the database.
"""
