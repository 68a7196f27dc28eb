//! The practice exchange's search: full text with facets and "similar
//! cases" over the publications a reader may read (DESIGN.md §3.3). The
//! database is the source of truth; the index is rebuilt from it on demand
//! and follows its change log.
#![deny(clippy::unwrap_used, clippy::expect_used)]
