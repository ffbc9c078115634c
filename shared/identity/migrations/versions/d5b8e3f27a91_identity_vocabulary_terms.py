"""identity: the shared vocabulary (categories, audiences, accessibility facts, equipment),
seeded with the words and labels the code held until now, so nothing changes for anyone

Revision ID: d5b8e3f27a91
Revises: d1e5f8a2b647
Create Date: 2026-12-10 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'd5b8e3f27a91'
down_revision = 'd1e5f8a2b647'
branch_labels = None
depends_on = None

# (key, German label, English label) per kind, in the order the pages showed them. The keys are
# what stored events and bookings hold; the labels were the pages' translations (words.py,
# rooms/wording.py) before the office could edit them.
SEED = {
    'category': [
        ('Sport', 'Sport und Bewegung', 'Sport and exercise'),
        ('Kultur', 'Kultur', 'Culture'),
        ('Beratung', 'Beratung', 'Advice'),
        ('Essen', 'Essen', 'Food'),
        ('Bildung', 'Lernen', 'Learning'),
        ('Begegnung', 'Begegnung', 'Meeting people'),
    ],
    'audience': [
        ('Kinder', 'Kinder', 'Children'),
        ('Jugendliche', 'Jugendliche', 'Young people'),
        ('Familien', 'Familien', 'Families'),
        ('Erwachsene', 'Erwachsene', 'Adults'),
        ('Senioren', 'Senior:innen', 'Older people'),
        ('Alle', 'alle', 'all'),
    ],
    'accessibility': [
        ('stufenlos', 'stufenlos erreichbar', 'step-free access'),
        ('hoerschleife', 'Hörschleife', 'hearing loop'),
        ('gebaerdensprache', 'Gebärdensprache (DGS)', 'German Sign Language (DGS)'),
        ('leichte-sprache', 'Leichte Sprache', 'Easy Read German'),
        ('kinderbetreuung', 'Kinderbetreuung', 'childcare'),
    ],
    'equipment': [
        ('beamer', 'Beamer', 'Projector'),
        ('leinwand', 'Leinwand', 'Projection screen'),
        ('kueche', 'Küche', 'Kitchen'),
        ('klavier', 'Klavier', 'Piano'),
        ('matten', 'Gymnastikmatten', 'Exercise mats'),
        ('musikanlage', 'Musikanlage', 'Sound system'),
        ('whiteboard', 'Whiteboard', 'Whiteboard'),
        ('tische', 'Tische', 'Tables'),
        ('stuehle', 'Stühle', 'Chairs'),
        ('wlan', 'WLAN', 'Wi-Fi'),
        ('kinderecke', 'Kinderecke', "Children's corner"),
        ('werkbank', 'Werkbank', 'Workbench'),
        ('spiegel', 'Spiegelwand', 'Mirror wall'),
        ('flipchart', 'Flipchart', 'Flip chart'),
    ],
}


def upgrade() -> None:
    terms = op.create_table('vocabulary_terms',
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('label_de', sa.String(length=60), nullable=False),
    sa.Column('label_en', sa.String(length=60), server_default='', nullable=False),
    sa.Column('position', sa.Integer(), server_default='0', nullable=False),
    sa.Column('active', sa.Boolean(), server_default='1', nullable=False),
    sa.PrimaryKeyConstraint('kind', 'key')
    )
    op.bulk_insert(terms, [
        {'kind': kind, 'key': key, 'label_de': de, 'label_en': en, 'position': i, 'active': True}
        for kind, rows in SEED.items()
        for i, (key, de, en) in enumerate(rows)
    ])


def downgrade() -> None:
    op.drop_table('vocabulary_terms')
