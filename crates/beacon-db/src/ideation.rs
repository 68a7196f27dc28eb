//! Facilitated sessions: possibility thinking in timed rounds, ways added by
//! participants, the best promoted to ideas.
