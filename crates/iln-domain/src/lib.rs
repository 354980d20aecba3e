//! The program's rules as plain types and functions: accounts, countries, profiles, rounds,
//! applications, scoring and matching proposals. This crate does no I/O: no database, no HTTP, no files, no clock of its own.

pub mod account;
pub mod alumni;
pub mod application;
pub mod audit;
pub mod calendar;
pub mod checkin;
pub mod clock;
pub mod commitments;
pub mod contact;
pub mod country;
pub mod import;
pub mod post;
pub mod profile;
pub mod proposal;
pub mod report;
pub mod round;
pub mod scoring;
pub mod status;
pub mod survey;
pub mod timezone;
pub mod topic;
