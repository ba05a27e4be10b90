//! The rule and decision fixtures under tests/fixtures/{rules,decisions}: each carries its
//! expectations as `//~ CODE` comments on the line the diagnostic points at. (The shared
//! fixture runner checks every fixture the same way; this keeps the engine's own honest.)

use crate::rules::options;
use std::path::Path;
use tmc::compile::compile;
use tmc::load::MemoryLoader;

fn expectations(text: &str) -> Vec<(usize, String)> {
    let mut expected = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if let Some((_, codes)) = line.split_once("//~") {
            for code in codes.split_whitespace() {
                expected.push((index + 1, code.to_string()));
            }
        }
    }
    expected.sort();
    expected
}

fn check_dir(dir: &str) -> usize {
    let mut entries: Vec<_> = match std::fs::read_dir(dir) {
        Ok(entries) => entries.filter_map(Result::ok).map(|e| e.path()).collect(),
        Err(error) => panic!("{dir}: {error}"),
    };
    entries.sort();
    let mut checked = 0;
    for path in entries
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "tm"))
    {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let name = path.to_string_lossy().replace('\\', "/");
        let loader = MemoryLoader::new().with(&name, text.as_str());
        let compilation = match compile(Path::new(&name), &loader, &options()) {
            Ok(compilation) => compilation,
            Err(error) => panic!("{error}"),
        };
        let mut actual: Vec<(usize, String)> = compilation
            .diagnostics
            .iter()
            .map(|d| {
                let file = compilation.sources.name(d.primary.span.file);
                assert_eq!(file, name, "{name}: a diagnostic points into {file}");
                let at = compilation
                    .sources
                    .line_col(d.primary.span.file, d.primary.span.start);
                (at.line, d.code.id.to_string())
            })
            .collect();
        actual.sort();
        let rendered = tmc::diagnostics::render_human(
            &compilation.sources,
            &compilation.diagnostics,
            tmc::diagnostics::ColorChoice::Never,
        );
        assert_eq!(actual, expectations(&text), "{name}:\n{rendered}");
        checked += 1;
    }
    checked
}

#[test]
fn rule_fixtures_report_what_they_say() {
    assert!(check_dir("tests/fixtures/rules") >= 7);
}

#[test]
fn decision_fixtures_report_what_they_say() {
    assert!(check_dir("tests/fixtures/decisions") >= 5);
}

#[test]
fn every_engine_code_has_a_fixture() {
    let mut all = String::new();
    for dir in ["tests/fixtures/rules", "tests/fixtures/decisions"] {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            all.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
        }
    }
    for code in [
        "E0101", "E0102", "E0103", "E0104", "E0105", "E0106", "E0107", "W0003", "W0005", "W0006",
        "W0008",
    ] {
        assert!(
            all.contains(&format!("//~ {code}")),
            "no fixture for {code}"
        );
    }
}
