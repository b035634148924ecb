"""Bring articles into the store: files, the browser's uploads, web pages and followed feeds."""
