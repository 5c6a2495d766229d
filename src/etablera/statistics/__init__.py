"""The KPI engine, disclosure control and Kolada."""
