//! The `uniffi-bindgen` command for this workspace (same version as the
//! `uniffi` the library uses). Run it through `mobile/generate.sh`.

fn main() {
    uniffi::uniffi_bindgen_main()
}
