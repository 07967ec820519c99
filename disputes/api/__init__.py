"""The REST API (v1) for cases: thin views over the services and selectors."""
