//! The checks `lint` runs, in the one check catalogue ([`crate::finding::CATALOGUES`]): a
//! stable id, a severity, what it looks for and what the phone does. None cites a rule of
//! the conversion guide.
use crate::finding::{Check, catalogue};

catalogue! {
    /// Every check `lint` runs, in the order of `docs/lint.md`.
    pub const LINT_CHECKS;
        CONFIG_SYNTAX = "config-syntax", [], Error,
            "a line or document the phone cannot read: `name=value` or no colon in a .cnf file, an unclosed quote, XML that is not well-formed (or has a DTD), a #txt line the compiler refuses",
            "The phone skips what it cannot parse (a .cnf line) or the whole file (XML), and runs with its defaults or the last configuration it had.";
        DUPLICATE_KEY = "duplicate-key", [], Warning,
            "the same parameter or element set twice with the same value",
            "Harmless today, but the next edit changes one copy and not the other.";
        CONFLICTING_DUPLICATE = "conflicting-duplicate", [], Error,
            "the same parameter or element set twice with different values",
            "Which one the phone keeps is not documented (for XML phones a duplicate element can make the whole file fail to parse); the file says two things at once.";
        UNKNOWN_PARAMETER = "unknown-parameter", [], Warning,
            "a parameter or element that no source documents for this file kind (with the nearest known name)",
            "The phone ignores names it does not know: the setting silently has no effect (`timer_registry_delta` sets nothing).";
        PARAMETER_NAME_CASE = "parameter-name-case", [], Error,
            "a known parameter or element name written in another case",
            "Names are compared case-sensitively (XML always): the phone does not recognise the name and ignores the setting.";
        VALUE_OUT_OF_RANGE = "value-out-of-range", [], Error,
            "a number outside the documented range (`start_media_port \"16348\"`, below 16384)",
            "The phone rejects the value or clamps it; media ports outside 16384–32766 break audio through firewalls set up for that range.";
        VALUE_NOT_A_NUMBER = "value-not-a-number", [], Error,
            "text where a number is required",
            "The phone reads no number and keeps its default.";
        VALUE_NOT_ALLOWED = "value-not-allowed", [], Error,
            "a value outside the documented set (enums, load names, URLs, times, months)",
            "The phone does not recognise the value and keeps its default, or misbehaves.";
        VALUE_WRONG_CASE = "value-wrong-case", [], Error,
            "an allowed value written in another case (`network_media_type \"auto\"` for `Auto`, `sunday` for `Sunday`)",
            "The phone compares these values case-sensitively: `auto` is not `Auto`, and the setting falls back to its default.";
        ON_OFF_BOOLEAN = "on-off-boolean", [], Error,
            "on/off, yes/no or true/false where the phone reads 0/1 (or, in XML, true/false)",
            "The phone reads the word as neither value; a 7940 on SCCP given on/off booleans loops requesting its configuration (chan-sccp/sccp_manager#58).";
        HOST_NAME_NOT_IP = "host-name-not-ip", [], Error,
            "a host name where only a dotted IPv4 address works (`dyn_tftp_addr`, `dyn_dns_addr_1/2`, `sntp_server`)",
            "The phone does not resolve names for these fields: the address is unusable.";
        BAD_ADDRESS = "bad-address", [], Error,
            "an address that is neither a host name nor a dotted IPv4 address",
            "The phone cannot reach the server it names.";
        TEXT_TOO_LONG = "text-too-long", [], Error,
            "text longer than the field holds (`phone_label` over 11 characters)",
            "The phone cuts the value or rejects it.";
        CALL_FORWARD_URI = "call-forward-uri", [], Error,
            "a `callForwardURI` other than `x-cisco-serviceuri-cfwdall` (`x-serviceuri-cfwdall`, `x--serviceuri-cfwdall`)",
            "The phone's Forward All softkey dials the URI; only Cisco's own string makes it forward all calls.";
        UNKNOWN_TIME_ZONE = "unknown-time-zone", [], Error,
            "a time zone the phone does not know: a `<timeZone>` name outside Cisco's list (`W. Europe Standard/Daylight` without ` Time`), a `time_zone` abbreviation outside the 7940/7960 list",
            "The phone falls back to another zone (often GMT, or shifted by half an hour) and shows the wrong time.";
        UNKNOWN_MODEL_ID = "unknown-model-id", [], Error,
            "a `loadInformation<ID>` in XMLDefault.cnf.xml whose ID is no model's",
            "No phone reads that entry: the model it was meant for gets no load from the default file.";
        MODEL_ID_MISMATCH = "model-id-mismatch", [], Error,
            "a `loadInformation<ID>` whose `model` attribute names another model than the ID stands for",
            "The phone goes by the ID, not the attribute: the load goes to a different model than the writer meant.";
        PER_PHONE_IN_DEFAULT = "per-phone-in-default", [], Error,
            "a per-phone parameter (`line1_name`, `line1_password`, `phone_label` …) in SIPDefault.cnf",
            "Every phone reads SIPDefault.cnf: all of them get the same line identity and credentials, and a password is served to every device.";
        TEMPLATE_PLACEHOLDER = "template-placeholder", [], Warning,
            "a template placeholder left in a value (`###PROXY_IP###`)",
            "The phone takes the placeholder literally: the setting is unusable until it is filled in.";
        CONFIG_FILE_NAME_CASE = "config-file-name-case", [], Error,
            "a configuration file whose name differs in case from the name the phone asks for (`sipdefault.cnf`, `sep0014f28dd38a.cnf.xml`)",
            "TFTP names are case-sensitive: the phone asks for the exact name, gets \"file not found\" and runs without it.";
        XML_LOAD_MISSING = "xml-load-missing", [], Error,
            "a `loadInformation` load (XMLDefault.cnf.xml or SEP<MAC>.cnf.xml) with no file of that name in the root (when linting a root)",
            "The phone asks for the load's file, gets \"file not found\" and keeps its firmware, or loops trying.";
        FILE_UNREADABLE = "file-unreadable", [], Error,
            "a file that cannot be read, or is too large to be a configuration file",
            "Nothing in it was checked.";
        NOT_A_CONFIG_FILE = "not-a-config-file", [], Error,
            "a file named on the command line that is none of the kinds lint reads (a .cnf, .cnf.xml or .cfg.xml name, or a profile starting with #txt)",
            "Nothing in it was checked: a clean report would say nothing about it.";
}

/// The catalogue entry of a lint check.
pub fn lint_check(id: &str) -> Option<&'static Check> {
    LINT_CHECKS.iter().find(|c| c.id == id)
}
