//! The `.tm` examples in the documentation compile: the README's model in full, every block of
//! docs/language.md at least parses, and the contract's examples (LANGUAGE.md v1) compile together.

use std::path::Path;
use tmc::compile::{compile, Options};
use tmc::load::MemoryLoader;

/// The ```tm blocks of a Markdown file.
fn tm_blocks(markdown: &str) -> Vec<String> {
    fenced_blocks(markdown, "```tm")
}

/// The blocks of a Markdown file whose opening fence (indentation aside) is exactly `opening`.
fn fenced_blocks(markdown: &str, opening: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match (&mut current, line.trim_start()) {
            (None, fence) if fence == opening => current = Some(String::new()),
            (Some(block), "```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            _ => {}
        }
    }
    blocks
}

fn codes(text: &str, loader: MemoryLoader) -> Vec<String> {
    let loader = loader.with("model.tm", text);
    let compilation = compile(Path::new("model.tm"), &loader, &Options::default())
        .unwrap_or_else(|e| panic!("{e}"));
    compilation
        .diagnostics
        .iter()
        .map(|d| format!("{} {}", d.code.id, d.message))
        .collect()
}

#[test]
fn the_readme_model_compiles_clean() {
    let readme = std::fs::read_to_string("README.md").unwrap_or_default();
    let blocks = tm_blocks(&readme);
    assert!(!blocks.is_empty());
    for block in blocks {
        assert_eq!(
            codes(&block, MemoryLoader::new()),
            Vec::<String>::new(),
            "{block}"
        );
    }
}

#[test]
fn every_language_reference_example_parses() {
    let docs = std::fs::read_to_string("docs/language.md").unwrap_or_default();
    let blocks = tm_blocks(&docs);
    assert!(blocks.len() > 8);
    for block in blocks {
        let syntax: Vec<String> = codes(&block, MemoryLoader::new())
            .into_iter()
            .filter(|c| c.starts_with("E0001") || c.starts_with("E0002"))
            .collect();
        assert!(syntax.is_empty(), "{syntax:?}\n{block}");
    }
}

/// The decisions the reference shows are about threats its opening model has: together they
/// compile without an error (a decision that matches nothing is one).
#[test]
fn the_language_reference_decisions_match_its_opening_model() {
    let docs = std::fs::read_to_string("docs/language.md").unwrap_or_default();
    let blocks = tm_blocks(&docs);
    let decisions = blocks
        .iter()
        .find(|block| block.starts_with("mitigate "))
        .unwrap_or_else(|| panic!("no decisions example"));
    let model = format!("{}{decisions}", blocks[0]);
    let errors: Vec<String> = codes(&model, MemoryLoader::new())
        .into_iter()
        .filter(|c| c.starts_with('E'))
        .collect();
    assert_eq!(errors, Vec::<String>::new(), "{model}");
}

/// The contract's examples, in the order LANGUAGE.md gives them, as one model. Kept here (not
/// read from ../shared) so the test runs wherever the repository is cloned.
const CONTRACT_EXAMPLES: &str = include_str!("../contract/language-v1.tm");

#[test]
fn the_contract_examples_compile_together() {
    let loader = MemoryLoader::new()
        .with("shared/aws-common.tm", "// shared declarations\n")
        .with("rules/our-team.tm", "// our rules\n");
    let errors: Vec<String> = codes(CONTRACT_EXAMPLES, loader)
        .into_iter()
        .filter(|c| c.starts_with('E'))
        .collect();
    // The contract's own rule example fires only when the target lacks authentication, and its
    // API Gateway declares authentication: so its example mitigation names a threat that this
    // combination of examples does not produce, which the contract makes an error. Everything
    // else compiles, the rule example replacing the built-in rule of the same id.
    assert_eq!(
        errors,
        ["E0106 `mitigate \"spoofing.unauthenticated_source@meal_planner>api_gateway\"` matches no threat"]
    );
}

#[test]
fn the_contract_decision_matches_when_the_gateway_lacks_authentication() {
    let without_auth = CONTRACT_EXAMPLES
        .replace(
            "controls [authentication, rate_limiting, input_validation]",
            "controls [rate_limiting, input_validation]",
        )
        .replace("controls [tls, authentication]", "controls [tls]");
    let loader = MemoryLoader::new()
        .with("shared/aws-common.tm", "// shared declarations\n")
        .with("rules/our-team.tm", "// our rules\n");
    let errors: Vec<String> = codes(&without_auth, loader)
        .into_iter()
        .filter(|c| c.starts_with('E'))
        .collect();
    assert_eq!(errors, Vec::<String>::new());
}

#[test]
fn the_contract_copy_is_current() {
    // Where the contract is beside the repository (as in CI), check the copy has every block.
    let Ok(contract) = std::fs::read_to_string("../shared/LANGUAGE.md") else {
        return;
    };
    let blocks = fenced_blocks(&contract, "```");
    assert!(blocks.len() >= 5, "the contract's examples were not found");
    for block in blocks {
        assert!(
            CONTRACT_EXAMPLES.contains(block.trim()),
            "tests/contract/language-v1.tm lacks:\n{block}"
        );
    }
}

/// docs/rules.md lists every built-in rule once, with its category, and counts each pack's
/// rules as `tmc rules` does.
#[test]
fn the_rules_reference_lists_every_built_in_rule() {
    let docs = std::fs::read_to_string("docs/rules.md").unwrap_or_default();
    let out = super::support::tmc()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let rules: Vec<serde_json::Value> =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let rows: Vec<Vec<&str>> = docs
        .lines()
        .filter(|line| line.starts_with("| `"))
        .map(|line| {
            line.split(" | ")
                .map(|cell| cell.trim_matches(['|', ' ']))
                .collect()
        })
        .collect();
    for pack in ["stride", "llm"] {
        let ids: Vec<&str> = (rules.iter())
            .filter(|rule| rule["pack"] == pack)
            .filter_map(|rule| rule["id"].as_str())
            .collect();
        let counted = rows
            .iter()
            .find(|row| row.first() == Some(&&*format!("`{pack}`")));
        assert_eq!(
            counted.and_then(|row| row.get(2)).copied(),
            Some(ids.len().to_string().as_str()),
            "{pack}: the pack table's count"
        );
        for id in ids {
            let listed: Vec<&Vec<&str>> = (rows.iter())
                .filter(|row| row.first() == Some(&&*format!("`{id}`")))
                .collect();
            let category = rules.iter().find(|r| r["id"] == id).map(|r| &r["category"]);
            assert_eq!(listed.len(), 1, "{id} is listed once");
            assert_eq!(
                listed[0].get(1).copied(),
                category.and_then(|c| c.as_str()),
                "{id}'s category"
            );
        }
    }
}
