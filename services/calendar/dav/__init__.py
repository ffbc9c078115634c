"""CalDAV in layers, as in Xandikos but small: webdav (XML, multistatus, properties, Depth)
under caldav (calendar properties and reports) over the store interface
(services/calendar/store/interface.py), never a store's implementation: web/ hands views.py a
factory for the store. resources.py maps URLs to resources and access rights. Only the web
layer (web/__init__.py) imports this package."""
