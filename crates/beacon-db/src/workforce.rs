//! Imports of staff, posts and vacancies, and workforce analytics (DESIGN.md §3.2).
