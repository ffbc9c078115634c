"""The network on the fediverse (ActivityPub): the network and each partner as actors that
people on Mastodon, Mobilizon or Gancio follow; public offerings published to them as Events.

keys.py      the actors' signing keys, sealed at rest
actors.py    our actors: made on first use, their documents
remote.py    requests to other servers: signed, bounded, never to private addresses
federate.py  the scan that turns changed offerings into Create/Update/Delete
inbox.py     incoming activities: signature checked, then Follow/Undo/Delete applied
delivery.py  one activity to one inbox, retried with backoff, peers paused when dead
views.py     WebFinger, NodeInfo, actors, outboxes, followers, inboxes, Event objects
tasks.py     the Celery tasks (registered by services/calendar/tasks.py)"""
