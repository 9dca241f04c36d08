#![no_main]
use cfgfmt::tftp::server::packet::{MAX_NAME, Packet, parse};
use cfgfmt::tftp::server::source::check_name;
use libfuzzer_sys::fuzz_target;

// The server's packet parser on any datagram: no panic, names bounded, and every name it
// accepts goes through the path check without panicking either.
fuzz_target!(|data: &[u8]| {
    if let Ok(Packet::Request(r)) = parse(data) {
        assert!(!r.file.is_empty());
        assert!(r.file.chars().count() <= MAX_NAME);
        let _ = check_name(&r.file);
    }
});
