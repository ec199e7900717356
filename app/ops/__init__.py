"""Running the service: request middleware, health and readiness."""
