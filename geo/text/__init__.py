"""Read articles and what their words say: dates, sentences, place and actor mentions."""
