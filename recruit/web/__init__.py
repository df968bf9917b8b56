"""The Flask web layer: blueprints, forms, templates; it calls services, never the core directly."""
