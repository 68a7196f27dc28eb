//! The strengths framework, the self-assessment and staff profiles (DESIGN.md §3.2).
