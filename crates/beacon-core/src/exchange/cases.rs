//! What a case study must hold: its sections and metadata, parsed from a
//! form into a valid case, and what must be true before it is published.
