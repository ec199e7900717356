"""The catalogue: centres and stations, districts, directory imports."""
