"""Kolada: the municipality's key figures beside its comparison group and the country.

Kolada is RKA's open database of Swedish municipal key figures (https://api.kolada.se/v3/, data
under CC BY 4.0). This app keeps a catalogue of the Kolada KPIs indicators use, fetches their
values for the municipality, its comparison group and the country (``0000``), stores them, and
shows them side by side, always credited "Källa: Kolada (RKA)" with the fetch date.
"""
