"""The web app: the factory, extensions, one blueprint per area of the site, and forms."""
