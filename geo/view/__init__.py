"""Work out what a dashboard view shows and draw it: state, link codec, page, folium map."""
