//! Synthetic models for benchmarks: N elements spread over nested trust boundaries, 2N flows,
//! data, controls and decisions, all from a fixed-seed generator so every run writes the same text.

/// A tiny deterministic generator (SplitMix64): the same seed gives the same model everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items.get(self.below(items.len())).copied().unwrap_or("")
    }
}

const CONTROLS: &[&str] = &[
    "authentication",
    "authorization",
    "input_validation",
    "rate_limiting",
    "audit_logging",
    "encryption_at_rest",
    "monitoring",
];
const PROTOCOLS: &[&str] = &[
    "HTTPS/REST",
    "gRPC/TLS",
    "HTTP",
    "AMQP",
    "Native/TLS",
    "SFTP",
];
const CLASSES: &[&str] = &["public", "internal", "confidential", "restricted"];

/// Writes a model of `elements` elements (boundaries not counted) and `2 * elements` flows.
pub fn model(elements: usize) -> String {
    let mut rng = Rng(0x5EED);
    let mut out = String::with_capacity(elements * 220);
    out.push_str(&format!("model \"Synthetic estate of {elements} elements\" {{ description \"Generated for benchmarks\" }}\n"));
    let data_count = (elements / 50).max(4);
    for d in 0..data_count {
        out.push_str(&format!(
            "data d{d} \"Data set {d}\" {{ classification {} }}\n",
            rng.pick(CLASSES)
        ));
    }
    // Zones of about 100 elements, each zone three boundaries deep.
    let per_zone = 100;
    let zones = elements.div_ceil(per_zone);
    let mut ids: Vec<String> = Vec::with_capacity(elements);
    let mut kinds: Vec<&str> = Vec::with_capacity(elements);
    for zone in 0..zones {
        out.push_str(&format!("boundary z{zone} \"Zone {zone}\" {{\n  boundary z{zone}_net \"Zone {zone} network\" {{\n    boundary z{zone}_app \"Zone {zone} cluster\" {{\n"));
        for k in 0..per_zone {
            let index = zone * per_zone + k;
            if index >= elements {
                break;
            }
            let kind = match rng.below(10) {
                0 => "actor",
                1 => "external",
                2 | 3 => "store",
                _ => "process",
            };
            let id = format!("e{index}");
            let mut props = format!("technology \"Tech {}\"", rng.below(20));
            let controls: Vec<&str> = (0..rng.below(3)).map(|_| rng.pick(CONTROLS)).collect();
            if !controls.is_empty() && kind != "actor" {
                props.push_str(&format!("; controls [{}]", controls.join(", ")));
            }
            if kind == "store" {
                props.push_str(&format!("; stores [d{}]", rng.below(data_count)));
            }
            if kind == "process" && rng.below(8) == 0 {
                props.push_str("; tags [internet_facing]");
            }
            if kind == "external" && rng.below(10) == 0 {
                props.push_str("; tags [llm]");
            }
            // Actors and externals sit in the outer zone, the rest deep inside.
            let indent = if matches!(kind, "actor" | "external") {
                "  "
            } else {
                "      "
            };
            out.push_str(&format!(
                "{indent}{kind} {id} \"Element {index}\" {{ {props} }}\n"
            ));
            ids.push(id);
            kinds.push(kind);
        }
        out.push_str("    }\n  }\n}\n");
    }
    for (index, id) in ids.iter().enumerate() {
        for _ in 0..2 {
            let mut target = rng.below(ids.len());
            if target == index {
                target = (target + 1) % ids.len().max(1);
            }
            let Some(target_id) = ids.get(target) else {
                continue;
            };
            if target_id == id {
                continue;
            }
            out.push_str(&format!(
                "{id} -> {target_id} \"Call {index}\" {{ protocol \"{}\"; data [d{}] }}\n",
                rng.pick(PROTOCOLS),
                rng.below(data_count)
            ));
        }
    }
    // Decisions that exercise wildcard matching.
    for (index, id) in ids.iter().enumerate().step_by(97) {
        if kinds.get(index) == Some(&"process") {
            out.push_str(&format!(
                "mitigate \"tampering.*@{id}\" {{ by \"Code signing and immutable images\" }}\n"
            ));
        }
    }
    out
}
