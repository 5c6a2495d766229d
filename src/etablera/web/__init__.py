"""Layout, navigation, start page, error pages and the project's commands."""
