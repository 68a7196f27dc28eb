//! Questions to the innovators and hosted visits: requests, the host's
//! answer, the cap on numbers, the schedule and the feedback afterwards.
