//! Following service areas, councils and tags, and what a digest holds.
