//! Keeps a panic in one file's analysis from ending the scan.
//!
//! The analysis of each file runs under `catch_unwind`. While it does, the
//! panic hook records the panic's message and location for the report
//! instead of printing it; outside of analysis the previous hook runs as
//! usual.

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    static GUARDED: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs the recording hook (once per process).
pub fn install_panic_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if GUARDED.with(Cell::get) {
                let payload = info.payload();
                let message = payload
                    .downcast_ref::<&str>()
                    .copied()
                    .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
                    .unwrap_or("panic without a message");
                let location = info
                    .location()
                    .map(|l| format!(" ({}:{})", l.file(), l.line()))
                    .unwrap_or_default();
                LAST_PANIC.with(|last| *last.borrow_mut() = Some(format!("{message}{location}")));
            } else {
                previous(info);
            }
        }));
    });
}

/// Runs `work`, turning a panic into an error message.
///
/// # Errors
/// The panic's message (and location, when the hook is installed).
pub fn catch<R>(work: impl FnOnce() -> R) -> Result<R, String> {
    let was_guarded = GUARDED.with(|g| g.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(work));
    GUARDED.with(|g| g.set(was_guarded));
    result.map_err(|payload| {
        LAST_PANIC
            .with(|last| last.borrow_mut().take())
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_string()))
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic without a message".to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_messages() {
        install_panic_hook();
        let result: Result<(), String> = catch(|| panic!("boom in file"));
        let message = result.unwrap_err();
        assert!(message.contains("boom in file"), "{message}");
        assert_eq!(catch(|| 7), Ok(7));
    }
}
