"""Pure rules of the engagement exchange: no Flask, no SQLAlchemy, no Celery. One thing a
module: vocabulary (the fixed keys), opportunity (a partner's post and its review), search (the
public filters), shifts (places and the waiting list), application (double opt-in), interest
(matching interest forms), sponsorship (Patenschaften), certificate (the Führungszeugnis note),
hours, figures, retention (when data goes) and permissions (roles × actions)."""
