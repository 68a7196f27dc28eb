//! Questions to the innovators and their answers, and hosted visits:
//! requests, the host's answer and schedule, the cap on numbers, and feedback
//! afterwards.
