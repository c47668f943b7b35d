"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26 13:17:30.732636

"""
import sqlalchemy as sa
from alembic import op

import award_flow.core.model_base

# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('authority',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('place_name', sa.String(length=100), nullable=False),
    sa.Column('parent_name', sa.String(length=200), nullable=True),
    sa.Column('level', sa.Enum('province', 'district', 'commune', name='authority_level', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('issuer_code', sa.String(length=20), nullable=False),
    sa.Column('decision_legal_bases', sa.Text(), nullable=False),
    sa.Column('decision_proposer', sa.String(length=300), nullable=False),
    sa.Column('decision_executors', sa.Text(), nullable=False),
    sa.Column('decision_recipients', sa.Text(), nullable=False),
    sa.Column('bonus_fund', sa.String(length=300), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_authority')),
    sa.UniqueConstraint('name', name=op.f('uq_authority_name'))
    )
    op.create_table('award_type',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('authority_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('category', sa.Enum('title', 'form', name='award_category', native_enum=False, create_constraint=True, length=13), nullable=False),
    sa.Column('subject', sa.Enum('individual', 'collective', 'household', name='award_subject', native_enum=False, create_constraint=True, length=18), nullable=False),
    sa.Column('conferred_by', sa.Enum('self', 'parent', name='conferred_by', native_enum=False, create_constraint=True, length=14), nullable=False),
    sa.Column('coefficient', sa.Numeric(precision=6, scale=3), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint('coefficient >= 0', name=op.f('ck_award_type_coefficient_not_negative')),
    sa.ForeignKeyConstraint(['authority_id'], ['authority.id'], name=op.f('fk_award_type_authority_id_authority')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award_type')),
    sa.UniqueConstraint('authority_id', 'code', name=op.f('uq_award_type_authority_id_code'))
    )
    with op.batch_alter_table('award_type', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_type_authority_id'), ['authority_id'], unique=False)

    op.create_table('campaign',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('authority_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=400), nullable=False),
    sa.Column('kind', sa.Enum('regular', 'thematic', 'phased', name='campaign_kind', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_campaign_dates_in_order')),
    sa.ForeignKeyConstraint(['authority_id'], ['authority.id'], name=op.f('fk_campaign_authority_id_authority')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign'))
    )
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_authority_id'), ['authority_id'], unique=False)

    op.create_table('decision_counter',
    sa.Column('authority_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['authority_id'], ['authority.id'], name=op.f('fk_decision_counter_authority_id_authority')),
    sa.PrimaryKeyConstraint('authority_id', 'year', name=op.f('pk_decision_counter'))
    )
    op.create_table('setting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('authority_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=50), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['authority_id'], ['authority.id'], name=op.f('fk_setting_authority_id_authority')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_setting')),
    sa.UniqueConstraint('authority_id', 'key', 'effective_from', name=op.f('uq_setting_authority_id_key_effective_from'))
    )
    with op.batch_alter_table('setting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_setting_authority_id'), ['authority_id'], unique=False)

    op.create_table('unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('authority_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('agency', 'commune', 'ward', 'organisation', name='unit_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', award_flow.core.model_base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['authority_id'], ['authority.id'], name=op.f('fk_unit_authority_id_authority')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit')),
    sa.UniqueConstraint('authority_id', 'name', name=op.f('uq_unit_authority_id_name'))
    )
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_authority_id'), ['authority_id'], unique=False)

    op.create_table('phase',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_phase_dates_in_order')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_phase_campaign_id_campaign')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_phase'))
    )
    with op.batch_alter_table('phase', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_phase_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.Enum('unit_officer', 'unit_head', 'secretariat', 'committee_member', 'chairman', 'vice_chairman', 'admin', name='user_role', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', award_flow.core.model_base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_user_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('username', name=op.f('uq_user_username'))
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_unit_id'), ['unit_id'], unique=False)

    op.create_table('decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('authority_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('symbol', sa.String(length=30), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('subject', sa.String(length=500), nullable=False),
    sa.Column('signer_id', sa.Integer(), nullable=False),
    sa.Column('signer_name', sa.String(length=200), nullable=False),
    sa.Column('signer_is_vice', sa.Boolean(), nullable=False),
    sa.Column('base_salary', sa.Numeric(precision=14, scale=0), nullable=False),
    sa.Column('total_amount', sa.Numeric(precision=16, scale=0), nullable=False),
    sa.Column('award_count', sa.Integer(), nullable=False),
    sa.Column('priority_count', sa.Integer(), nullable=False),
    sa.Column('created_at', award_flow.core.model_base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('number > 0', name=op.f('ck_decision_number_positive')),
    sa.CheckConstraint('total_amount >= 0', name=op.f('ck_decision_total_not_negative')),
    sa.ForeignKeyConstraint(['authority_id'], ['authority.id'], name=op.f('fk_decision_authority_id_authority')),
    sa.ForeignKeyConstraint(['signer_id'], ['user.id'], name=op.f('fk_decision_signer_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision')),
    sa.UniqueConstraint('authority_id', 'year', 'number', name=op.f('uq_decision_authority_id_year_number'))
    )
    op.create_table('decision_file',
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('created_at', award_flow.core.model_base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('size > 0', name=op.f('ck_decision_file_not_empty')),
    sa.ForeignKeyConstraint(['decision_id'], ['decision.id'], name=op.f('fk_decision_file_decision_id_decision')),
    sa.PrimaryKeyConstraint('decision_id', name=op.f('pk_decision_file'))
    )
    op.create_table('proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('phase_id', sa.Integer(), nullable=True),
    sa.Column('award_type_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=400), nullable=False),
    sa.Column('achievement', sa.Text(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'submitted', 'under_review', 'in_committee', 'awaiting_decision', 'decided', 'returned', 'rejected', 'withdrawn', name='proposal_state', native_enum=False, create_constraint=True, length=25), nullable=False),
    sa.Column('revision_count', sa.Integer(), nullable=False),
    sa.Column('nominee_count', sa.Integer(), nullable=False),
    sa.Column('priority_count', sa.Integer(), nullable=False),
    sa.Column('has_priority', sa.Boolean(), nullable=False),
    sa.Column('created_at', award_flow.core.model_base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', award_flow.core.model_base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('state_changed_at', award_flow.core.model_base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("(state = 'decided') = (decision_id IS NOT NULL)", name=op.f('ck_proposal_decided_iff_decision')),
    sa.CheckConstraint("(state = 'draft') = (submitted_at IS NULL) OR state = 'withdrawn'", name=op.f('ck_proposal_submitted_unless_draft')),
    sa.CheckConstraint('priority_count <= nominee_count', name=op.f('ck_proposal_priority_within_nominees')),
    sa.CheckConstraint('revision_count >= 0', name=op.f('ck_proposal_revision_count_not_negative')),
    sa.ForeignKeyConstraint(['award_type_id'], ['award_type.id'], name=op.f('fk_proposal_award_type_id_award_type')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_proposal_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_proposal_created_by_id_user')),
    sa.ForeignKeyConstraint(['decision_id'], ['decision.id'], name=op.f('fk_proposal_decision_id_decision')),
    sa.ForeignKeyConstraint(['phase_id'], ['phase.id'], name=op.f('fk_proposal_phase_id_phase')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_proposal_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal')),
    sa.UniqueConstraint('decision_id', name=op.f('uq_proposal_decision_id'))
    )
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_award_type_id'), ['award_type_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index('ix_proposal_queue', ['state', 'has_priority', 'state_changed_at', 'id'], unique=False)
        batch_op.create_index('ix_proposal_unit_state', ['unit_id', 'state', 'state_changed_at'], unique=False)

    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('proposal_letter', 'meeting_minutes', 'achievement_report', 'other', name='attachment_kind', native_enum=False, create_constraint=True, length=26), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', award_flow.core.model_base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('size > 0', name=op.f('ck_attachment_not_empty')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_attachment_proposal_id_proposal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_attachment_uploaded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_attachment_stored_name'))
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('from_state', sa.String(length=30), nullable=True),
    sa.Column('to_state', sa.String(length=30), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=True),
    sa.Column('created_at', award_flow.core.model_base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_audit_event_actor_id_user')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_audit_event_proposal_id_proposal')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('nominee',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('individual', 'collective', 'household', name='nominee_kind', native_enum=False, create_constraint=True, length=18), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_folded', sa.String(length=200), nullable=False),
    sa.Column('position', sa.String(length=200), nullable=False),
    sa.Column('unit_or_address', sa.String(length=300), nullable=False),
    sa.Column('gender', sa.Enum('female', 'male', name='gender', native_enum=False, create_constraint=True, length=14), nullable=True),
    sa.Column('achievement_summary', sa.Text(), nullable=False),
    sa.Column('priority_group', sa.Enum('farmer', 'worker', 'soldier', 'direct_worker', 'small_collective', 'none', name='priority_group', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('outcome', sa.Enum('recommended', 'not_recommended', 'deferred', name='nominee_outcome', native_enum=False, create_constraint=True, length=23), nullable=True),
    sa.CheckConstraint("kind = 'individual' OR gender IS NULL", name=op.f('ck_nominee_gender_only_for_individuals')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_nominee_proposal_id_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nominee'))
    )
    with op.batch_alter_table('nominee', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nominee_name_folded'), ['name_folded'], unique=False)
        batch_op.create_index(batch_op.f('ix_nominee_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('award',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('nominee_id', sa.Integer(), nullable=False),
    sa.Column('award_type_id', sa.Integer(), nullable=False),
    sa.Column('coefficient', sa.Numeric(precision=6, scale=3), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=0), nullable=False),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_award_amount_not_negative')),
    sa.ForeignKeyConstraint(['award_type_id'], ['award_type.id'], name=op.f('fk_award_award_type_id_award_type')),
    sa.ForeignKeyConstraint(['decision_id'], ['decision.id'], name=op.f('fk_award_decision_id_decision')),
    sa.ForeignKeyConstraint(['nominee_id'], ['nominee.id'], name=op.f('fk_award_nominee_id_nominee')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award')),
    sa.UniqueConstraint('nominee_id', name=op.f('uq_award_nominee_id'))
    )
    with op.batch_alter_table('award', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_decision_id'), ['decision_id'], unique=False)




def downgrade():

    with op.batch_alter_table('award', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_decision_id'))

    op.drop_table('award')
    with op.batch_alter_table('nominee', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nominee_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_nominee_name_folded'))

    op.drop_table('nominee')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_proposal_id'))

    op.drop_table('audit_event')
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_proposal_id'))

    op.drop_table('attachment')
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_index('ix_proposal_unit_state')
        batch_op.drop_index('ix_proposal_queue')
        batch_op.drop_index(batch_op.f('ix_proposal_campaign_id'))
        batch_op.drop_index(batch_op.f('ix_proposal_award_type_id'))

    op.drop_table('proposal')
    op.drop_table('decision_file')
    op.drop_table('decision')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_unit_id'))

    op.drop_table('user')
    with op.batch_alter_table('phase', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_phase_campaign_id'))

    op.drop_table('phase')
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_authority_id'))

    op.drop_table('unit')
    with op.batch_alter_table('setting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_setting_authority_id'))

    op.drop_table('setting')
    op.drop_table('decision_counter')
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_authority_id'))

    op.drop_table('campaign')
    with op.batch_alter_table('award_type', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_type_authority_id'))

    op.drop_table('award_type')
    op.drop_table('authority')

