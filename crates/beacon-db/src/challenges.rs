//! Challenges: "How might we…" questions with an audience, dates, weighted
//! scoring criteria and, for an innovation challenge, a funding pot.
