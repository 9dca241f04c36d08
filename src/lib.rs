//! `cfgfmt`: a pure-Rust toolkit for the provisioning files of Cisco's legacy IP phones
//! and adapters (7940/7960, 7905/7912, ATA 186/188).
//!
//! The data flows one way: a text profile is parsed ([`text`]) against a tag table
//! ([`table`]), its values are encoded by the codecs ([`codec`]) and laid out as a binary
//! `#ata` profile ([`profile`]); decoding walks the same path backwards. Firmware package
//! files have one module each under [`pkg`].

#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod assist;
pub mod batch;
pub mod cli;
pub mod cnum;
pub mod codec;
pub mod crypto;
pub mod diag;
pub mod io;
pub mod pkg;
pub mod profile;
pub mod report;
pub mod table;
pub mod text;
