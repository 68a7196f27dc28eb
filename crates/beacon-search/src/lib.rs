//! The practice exchange's search: full text with facets and "similar
//! cases" over the publications a reader may read (DESIGN.md §3.3). The
//! database is the source of truth; the index is rebuilt from it on demand
//! and follows its change log.
//!
//! - `document`: what one entry of the index holds, and who may find it;
//! - `index`: the tantivy index, writing and searching;
//! - `query`: what a search asks for (text, facet filters, a page) and what
//!   it answers;
//! - `source`: reading cases and publications from the database, the full
//!   rebuild, and following the change log (feature `db`, on by default);
//! - `corpus`: realistic generated cases from a fixed seed, for benchmarks.
//!
//! Who may find what is encoded in the index itself, as tokens of the `vis`
//! field (`public`, `org:<uuid>`), so a reader's query is filtered inside
//! tantivy and never by post-filtering a page of results. The tokens mirror
//! `beacon_db::exchange::publications::readable_by`: a public publication is
//! found by everyone, a partners-level one by the councils of its audience,
//! and a council's own published case by that council's people only.
#![deny(clippy::unwrap_used, clippy::expect_used)]

pub mod corpus;
mod document;
mod index;
mod query;
#[cfg(feature = "db")]
pub mod source;

pub use document::{Dimension, Document, Kind, Visibility};
pub use index::{Index, Progress};
pub use query::{FacetCount, Filters, Found, Hit, Request, SnippetPart, parse_filter, reader_org};

/// What can go wrong with the index.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index directory: {0}")]
    Directory(String),
    #[cfg(feature = "db")]
    #[error("database: {0}")]
    Db(#[from] beacon_db::DbError),
    #[cfg(feature = "db")]
    #[error("database: {0}")]
    DbErr(#[from] sea_orm::DbErr),
    #[error("search index: the writer is unavailable after a failure")]
    Poisoned,
}

impl From<tantivy::directory::error::OpenDirectoryError> for SearchError {
    fn from(e: tantivy::directory::error::OpenDirectoryError) -> Self {
        SearchError::Directory(e.to_string())
    }
}
