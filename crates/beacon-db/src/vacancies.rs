//! Posts and vacancies, vacancy reviews and the recruitment freeze (DESIGN.md §3.2).
