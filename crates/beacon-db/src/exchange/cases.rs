//! A council's own case studies: writing, drafting from an evaluation,
//! attachments, publishing at a level, withdrawing, and the moderation of the
//! anonymised text a safe-space case is published with.
