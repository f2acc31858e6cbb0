/**
 * Migration 6: the item page's safety nets and team work. The undo window (an approval's publish
 * waits until send_at; the outbox row carries the same time so a re-queued job waits too),
 * internal notes with @mentions, tags, and conversation links between one author's items.
 */
export const INBOX_TOGETHER = `
ALTER TABLE outbox ADD COLUMN not_before bigint;
ALTER TABLE inbox_items ADD COLUMN send_at bigint, ADD COLUMN undo_status text;

CREATE TABLE item_notes (
  id       bigserial PRIMARY KEY,
  item_id  text   NOT NULL REFERENCES inbox_items (id) ON DELETE CASCADE,
  author   text   NOT NULL,
  body     text   NOT NULL,
  at       bigint NOT NULL
);
CREATE INDEX item_notes_item ON item_notes (item_id, id);

CREATE TABLE note_mentions (
  note_id   bigint NOT NULL REFERENCES item_notes (id) ON DELETE CASCADE,
  user_name text   NOT NULL,
  item_id   text   NOT NULL REFERENCES inbox_items (id) ON DELETE CASCADE,
  seen_at   bigint,
  PRIMARY KEY (note_id, user_name)
);
CREATE INDEX note_mentions_user ON note_mentions (user_name, item_id);
CREATE INDEX note_mentions_unseen ON note_mentions (user_name) WHERE seen_at IS NULL;

CREATE TABLE item_tags (
  item_id  text   NOT NULL REFERENCES inbox_items (id) ON DELETE CASCADE,
  tag      text   NOT NULL,
  added_by text   NOT NULL,
  at       bigint NOT NULL,
  PRIMARY KEY (item_id, tag)
);
CREATE INDEX item_tags_tag ON item_tags (tag, item_id);

CREATE TABLE conversation_links (
  item_id         text   PRIMARY KEY REFERENCES inbox_items (id) ON DELETE CASCADE,
  conversation_id text   NOT NULL,
  linked_by       text   NOT NULL,
  at              bigint NOT NULL
);
CREATE INDEX conversation_links_conversation ON conversation_links (conversation_id);
`;
