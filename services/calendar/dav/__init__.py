"""CalDAV in layers, as in Xandikos but small: webdav (XML, multistatus, properties, Depth)
under caldav (calendar properties and reports) over a store interface (store.py) whose SQL
implementation is sqlstore.py; resources.py maps URLs to resources and access rights."""
