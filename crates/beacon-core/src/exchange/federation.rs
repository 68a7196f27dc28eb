//! Another Beacon's public cases: what a subscription accepts from a feed of
//! cases, and how a remote case is kept read-only and marked with its source.
