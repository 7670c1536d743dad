"""The app-server wire protocol: pydantic models, the method registry, validation,
serialization and the JSON Schema / TypeScript exports derived from them.

Importing this package is cheap: model modules load on first use through the registry.
"""
