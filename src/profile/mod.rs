//! The binary `#ata` profile: layout, compiler and decoder.

pub mod decode;
pub mod encode;
pub mod inspect;
pub mod layout;

pub use decode::{DecodeOptions, Decoded, decode};
pub use encode::{CompileOptions, CompileOutput, MAX_WEAK_KEY, OutputFile, compile, compile_items};
