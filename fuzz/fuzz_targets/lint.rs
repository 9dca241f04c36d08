#![no_main]
use libfuzzer_sys::fuzz_target;

// The first byte picks the file kind lint reads the rest as.
fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let name = match pick % 5 {
        0 => "SIPDefault.cnf",
        1 => "SIP0014F28DD38A.cnf",
        2 => "SEP0014F28DD38A.cnf.xml",
        3 => "XMLDefault.cnf.xml",
        _ => "gkdefault.txt",
    };
    let findings = cfgfmt::lint::lint_file(name, body);
    // Never more than the cap allows per check (plus its summary line).
    assert!(findings.len() <= (cfgfmt::lint::MAX_PER_CHECK + 1) * cfgfmt::lint::LINT_CHECKS.len());
});
