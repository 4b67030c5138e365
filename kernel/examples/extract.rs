//! Extracts a kernel tree's headers into a directory and writes the wrapper
//! leafdiff would compile, listing what discovery found: for looking at what
//! a new kernel or series gives leafdiff without building it.
//! `cargo run -p leafdiff-kernel --example extract TREE OUT [ARCH]` (default x86_64)

fn main() {
    let mut args = std::env::args().skip(1);
    let root = std::path::PathBuf::from(args.next().expect("usage: extract TREE OUT"));
    let out = std::path::PathBuf::from(args.next().expect("usage: extract TREE OUT"));
    let arch = args.next().unwrap_or_else(|| "x86_64".into());
    let arch = leafdiff_kernel::arch::Arch::by_name(&arch).expect("an arch kernel/src/arch/ knows");
    let facts = leafdiff_kernel::extract::extract(&root, arch, &out).unwrap();
    let found = leafdiff_kernel::discover::discover(&facts);
    let c = leafdiff_kernel::wrapper::generate(&facts, &found.helpers, "k0c0");
    std::fs::write(out.join("wrapper.c"), c).unwrap();
    for h in &found.helpers {
        let how = if h.modelled {
            "modelled"
        } else {
            "properties only"
        };
        println!(
            "{:<56} {:<20} {how}: {}",
            h.name,
            h.sig.shape().name,
            h.prototype
        );
    }
    for u in &found.unchecked {
        println!("{:<56} unchecked: {}", u.name, u.reason);
    }
    for c in &found.changed {
        println!("{c}");
    }
}
