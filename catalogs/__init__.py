"""Built-in catalogs (models, servers, storage), shipped as package data."""
