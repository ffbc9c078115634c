"""CalDAV in layers, as in Xandikos but small: webdav (XML, multistatus, properties, Depth)
under caldav (calendar properties and reports) over the store interface
(services/calendar/store/interface.py); resources.py maps URLs to resources and access rights."""
