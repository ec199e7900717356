"""HTTP routes: short functions that parse input and call the use cases."""
