//! Firmware package inspectors, one module per format.
