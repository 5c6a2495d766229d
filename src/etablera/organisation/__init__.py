"""The municipality, its bodies, their units and the external partners."""
