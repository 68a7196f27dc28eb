//! The safe-space projection: what an anonymised case may say, built from the
//! moderated text only, never from the case's own fields (PROMISES.md 21).
