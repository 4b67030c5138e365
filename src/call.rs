//! The vocabulary shared by the C oracle and the Rust model: what a helper is
//! called with and what it answers. Both sides evaluate a `Call` and return an
//! `Outcome`, or `None` when the kernel (or the model) has no such helper.

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
    /// x86 5-level paging (`pgtable_l5_enabled()`), which sets `MAX_PHYSMEM_BITS`.
    pub la57: bool,
    /// `swap_migration_ad_supported`, the A/D-bits-in-migration-entries switch.
    pub swap_migration_ad_supported: bool,
}

/// The arguments of one call; which fields a helper reads is its `Sig`.
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
