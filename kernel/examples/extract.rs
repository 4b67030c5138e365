fn main() {
    let mut args = std::env::args().skip(1);
    let root = std::path::PathBuf::from(args.next().expect("tree"));
    let out = std::path::PathBuf::from(args.next().expect("out"));
    let facts = leafdiff_kernel::extract::extract(&root, &out).unwrap();
    let (c, wrapped) = leafdiff_kernel::wrapper::generate(&facts, "k0c0");
    std::fs::write(out.join("wrapper.c"), c).unwrap();
    println!("{:?}\n{} wrapped", facts.softleaf_types, wrapped.len());
}
