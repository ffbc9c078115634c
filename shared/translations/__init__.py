"""The English catalogue of the web pages (German is the source language); see catalogue.py."""
