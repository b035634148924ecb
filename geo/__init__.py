"""Faultlines: turn geopolitical news into places, events, offices and tension zones on a map.

The package is importable without Streamlit or folium: the pipeline (``gazetteer``,
``geocode``, ``mentions``, ``articles``, ``dates``, ``events``, ``layers``, ``store``) returns
plain records and GeoDataFrames; only ``mapview`` builds HTML and only ``dashboard.py`` (outside
the package) talks to Streamlit.
"""

__version__ = "0.1.0"
