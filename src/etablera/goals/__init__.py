"""Goals, indicators, targets and indicator values."""
