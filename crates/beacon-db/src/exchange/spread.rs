//! How practice spreads: adoptions of a case into another council's pipeline
//! (and how they went), follows of service areas, councils and tags, and the
//! digests sent to followers.
