//! The vocabulary shared by the C oracle and the Rust model: what a helper is
//! called with and what it answers. Both sides implement [`Evaluate`]: a
//! helper and its `Args` in, an `Outcome` out, or `None` when the kernel (or
//! the model) has no such helper.

use crate::helpers::HelperSpec;

/// The stand-in `struct page` a page-taking helper sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Page {
    pub pfn: u64,
    pub device_private: bool,
    pub anon: bool,
    /// `PageLocked()` / `folio_test_locked()`.
    pub locked: bool,
}

/// Facts the kernel reads at run time rather than compile time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Knobs {
    /// Bit `i`: the answer to the arch's run-time question `i` (`Arch::knobs`;
    /// x86_64's bit 0 is `pgtable_l5_enabled()`).
    pub arch: u8,
    /// `swap_migration_ad_supported`, the A/D-bits-in-migration-entries switch.
    pub swap_migration_ad_supported: bool,
}

impl Knobs {
    /// The arch's questions a case byte can answer: bit 0, then bits 2-7
    /// (bit 1 is `swap_migration_ad_supported`, as in every format-2 file).
    pub const ARCH_MAX: usize = 7;

    /// The case-file byte (format 2, byte 36).
    pub fn to_byte(self) -> u8 {
        (self.arch & 1) | (self.swap_migration_ad_supported as u8) << 1 | (self.arch & !1) << 1
    }

    pub fn from_byte(byte: u8) -> Knobs {
        Knobs {
            arch: (byte & 1) | (byte >> 1 & !1),
            swap_migration_ad_supported: byte & 2 != 0,
        }
    }

    /// The answer to the arch's question `i`.
    pub fn arch_knob(self, i: usize) -> bool {
        self.arch >> i & 1 != 0
    }

    /// `name()=0, ...` for each of the arch's questions, then the A/D switch.
    pub fn describe(self, questions: &[&str]) -> String {
        questions
            .iter()
            .enumerate()
            .map(|(i, q)| format!("{q}={}", self.arch_knob(i) as u8))
            .chain([format!(
                "swap_migration_ad_supported={}",
                self.swap_migration_ad_supported as u8
            )])
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The arguments of one call; which fields a helper reads is its shape's
/// (`Sig::shape`): parameters take `a` and `b` in order, the page is `page`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Args {
    pub a: u64,
    pub b: u64,
    pub page: Page,
    pub knobs: Knobs,
}

/// What one call produced. `value` is normalised by signature: booleans are
/// 0 or 1, a softleaf type is its index in `helpers::SOFTLEAF_TYPES`, a page is its pfn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Outcome {
    pub value: u64,
    /// `VM_WARN_ON_ONCE`/`WARN_ON_ONCE` fired during the call.
    pub warned: bool,
    /// `BUG_ON` fired: the kernel would have stopped, so `value` means nothing.
    pub bugged: bool,
}

/// What answers a helper call: a compiled C variant of the kernel
/// (`oracle::Variant`) and the model (`model::Model`) alike, so every stage
/// that compares them asks both the same way.
pub trait Evaluate {
    /// The call's outcome, normalised as [`Outcome`] says; `None` is
    /// "absent": this kernel and config do not define the helper, or (for
    /// the model) it has no meaning for it there.
    fn eval(&self, helper: &HelperSpec, args: &Args) -> Option<Outcome>;
}
