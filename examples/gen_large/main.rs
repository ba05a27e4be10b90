//! Writes a synthetic model for benchmarks: `cargo run --release --example gen_large -- 10000 > big.tm`.

mod synth;

fn main() {
    let elements = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    print!("{}", synth::model(elements));
}
