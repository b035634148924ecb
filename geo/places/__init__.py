"""Know the world's places: the compiled gazetteer, its build, name keys and geocoding."""
