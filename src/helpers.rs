//! The helpers of this build: what the kernels' headers define, with the
//! call shape each prototype gives (discovered by `build.rs`), and the
//! model's knowledge of them. Every stage reads helpers from here.

pub use leafdiff_kernel::helpers::{
    helper_id, known, table_of, Answer, HelperSpec, Known, Layer, Param, Sig, SOFTLEAF_TYPES,
};
use std::sync::OnceLock;

/// Every helper some kernel of this build defines, sorted by name and shape.
pub fn all() -> &'static [HelperSpec] {
    crate::oracle::generated::HELPERS
}

/// The helper called `name` in this build (its first shape, if a kernel
/// changed its prototype).
pub fn lookup(name: &str) -> Option<&'static HelperSpec> {
    let all = all();
    let at = all.partition_point(|h| h.name < name);
    all.get(at).filter(|h| h.name == name)
}

/// The helper a case file names by its id, if this build has it.
pub fn by_id(id: u32) -> Option<&'static HelperSpec> {
    static BY_ID: OnceLock<Vec<(u32, usize)>> = OnceLock::new();
    let by_id = BY_ID.get_or_init(|| {
        let mut v: Vec<(u32, usize)> = all().iter().enumerate().map(|(i, h)| (h.id, i)).collect();
        v.sort_unstable();
        v
    });
    by_id
        .binary_search_by_key(&id, |&(id, _)| id)
        .ok()
        .map(|i| &all()[by_id[i].1])
}

/// Position of `helper` in [`all`], for tables indexed by helper.
pub fn index(helper: &HelperSpec) -> usize {
    let offset = (helper as *const HelperSpec as usize).wrapping_sub(all().as_ptr() as usize);
    let i = offset / std::mem::size_of::<HelperSpec>();
    assert!(
        i < all().len(),
        "{} is not an entry of the build's helper table",
        helper.name
    );
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_lookups_agree() {
        let all = all();
        assert!(all
            .windows(2)
            .all(|w| (w[0].name, w[0].sig) < (w[1].name, w[1].sig)));
        for (i, h) in all.iter().enumerate() {
            assert_eq!(index(h), i);
            assert_eq!(by_id(h.id).map(|f| f.name), Some(h.name));
            assert_eq!(lookup(h.name).map(|f| f.name), Some(h.name));
        }
    }
}
