"""Travel on the road network: the network in service, isochrones, nearest by travel time."""
