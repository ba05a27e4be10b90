//! The built-in packs against their fixtures (tests/rules/README.md): every `// fires:` id is
//! generated, no `// silent:` id is, the fixture compiles without errors, and every rule of
//! every built-in pack has a fixture.

use crate::support::{compile_path, files_under, options, root};
use std::collections::BTreeSet;

fn expectations(text: &str, key: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| line.trim().strip_prefix(key))
        .flat_map(|ids| ids.split_whitespace().map(str::to_string))
        .collect()
}

#[test]
fn every_built_in_rule_fires_and_stays_silent_where_its_fixture_says() {
    let fixtures = files_under(&root().join("tests/rules"), "tm");
    assert!(fixtures.len() >= 50, "rule fixtures not found");
    let mut failures = Vec::new();
    let mut covered = BTreeSet::new();
    for path in &fixtures {
        let relative = path
            .strip_prefix(root())
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let compilation = compile_path(&relative, &options());
        if compilation.has_errors() {
            failures.push(format!("{relative}: does not compile"));
            continue;
        }
        let ids: BTreeSet<&str> = compilation
            .threats
            .threats
            .iter()
            .map(|t| t.id.as_str())
            .collect();
        let (fires, silent) = (
            expectations(&text, "// fires:"),
            expectations(&text, "// silent:"),
        );
        if fires.is_empty() || silent.is_empty() {
            failures.push(format!("{relative}: needs a `fires:` and a `silent:` line"));
        }
        for id in &fires {
            if !ids.contains(id.as_str()) {
                failures.push(format!("{relative}: {id} did not fire"));
            }
        }
        for id in &silent {
            if ids.contains(id.as_str()) {
                failures.push(format!("{relative}: {id} fired"));
            }
        }
        if let Some(stem) = path.file_stem() {
            covered.insert(stem.to_string_lossy().into_owned());
        }
    }
    for (pack, text) in tmc::load::STDLIB {
        for line in text.lines() {
            if let Some(id) = line
                .strip_prefix("rule ")
                .and_then(|r| r.split_whitespace().next())
            {
                if !covered.contains(id) {
                    failures.push(format!(
                        "{pack}: rule {id} has no fixture in tests/rules/{pack}/"
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
